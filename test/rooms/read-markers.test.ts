import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { ChatSession } from '../../src/client/index.js';
import { tcpTransport } from '../../src/client/node/tcp-transport.js';
import { PASSWORD, connect, newUser, nextEvent, record, refusal, waitUntil } from '../helpers/clients.js';
import { startTestServer, type TestServer } from '../helpers/server.js';

let server: TestServer;
before(async () => (server = await startTestServer()));
after(() => server.dispose());

describe('read markers', () => {
  it('sync across two sessions of one user, only move forward, and drive unread counts', async () => {
    const alice = await newUser(server.tcpPort);
    const bob = await newUser(server.tcpPort);
    const bob2 = await connect(server.tcpPort);
    await bob2.request('login', { token: bob.token });
    const dm = `@${bob.name}`;
    for (const t of ['one', 'two', 'three']) await alice.client.request('send', { to: dm, text: t });
    await bob.client.request('send', { to: `@${alice.name}`, text: 'mine do not count' });
    const convOf = async (c: typeof bob2) => (await c.request('convs', {})).convs.find((x) => x.conv === `@${alice.name}`)!;
    assert.deepEqual(await convOf(bob2), { conv: `@${alice.name}`, last_seq: 4, last_ts: (await convOf(bob2)).last_ts, read_seq: 0, unread: 3, last_useq: 0 });

    const told = nextEvent(bob2, 'read');
    assert.deepEqual(await bob.client.request('read', { conv: `@${alice.name}`, seq: 2 }), { conv: `@${alice.name}`, seq: 2 });
    assert.deepEqual(await told, { conv: `@${alice.name}`, seq: 2 }, 'the other session hears of it');
    assert.equal((await convOf(bob2)).unread, 1);
    assert.equal((await convOf(bob2)).read_seq, 2);

    const later = record(bob2, 'read');
    assert.deepEqual(await bob2.request('read', { conv: `@${alice.name}`, seq: 1 }), { conv: `@${alice.name}`, seq: 2 }, 'never backwards');
    assert.deepEqual(await bob2.request('read', { conv: `@${alice.name}`, seq: 1000 }), { conv: `@${alice.name}`, seq: 4 }, 'never past the newest');
    await waitUntil(() => later.length === 1, 'one read event, for the move');
    assert.deepEqual(later, [{ conv: `@${alice.name}`, seq: 4 }]);
    assert.equal((await convOf(bob.client)).unread, 0);
    // Alice's marker is her own.
    const aliceView = (await alice.client.request('convs', {})).convs.find((c) => c.conv === dm)!;
    assert.deepEqual([aliceView.read_seq, aliceView.unread], [0, 1]);
    assert.equal((await refusal(bob.client.request('read', { conv: '@nobody_at_all', seq: 1 }))).code, 'NO_SUCH_USER');
    for (const c of [alice.client, bob.client, bob2]) c.close();
  });

  it('the SDK: unread counts come from the server, and reading on one device clears the other', async () => {
    const alice = await newUser(server.tcpPort);
    const bob = await newUser(server.tcpPort);
    bob.client.close();
    const room = `#reads_${bob.name}`;
    await alice.client.request('create', { room });
    await alice.client.request('invite', { room, user: bob.name });
    for (let i = 0; i < 4; i++) await alice.client.request('send', { to: room, text: `before ${i}` });
    const device = () => new ChatSession({ connect: tcpTransport('127.0.0.1', server.tcpPort) });
    const [phone, laptop] = [device(), device()];
    try {
    await phone.login(bob.name, PASSWORD);
    await laptop.login(bob.name, PASSWORD);
    const unread = (s: ChatSession) => s.conversations.find((c) => c.conv === room)?.unread;
    assert.equal(unread(phone), 4, 'messages sent while offline are unread at login');
    assert.equal(unread(laptop), 4);
    await alice.client.request('send', { to: room, text: 'live' });
    await waitUntil(() => unread(phone) === 5 && unread(laptop) === 5, 'a live message is unread on both');
    phone.markRead(room);
    assert.equal(unread(phone), 0);
    await waitUntil(() => unread(laptop) === 0, 'the laptop clears its badge');
    assert.deepEqual(
      (await laptop.request('convs', {})).convs.find((c) => c.conv === room)?.read_seq,
      5,
    );
    } finally {
      phone.close();
      laptop.close();
      alice.client.close();
    }
  });
});

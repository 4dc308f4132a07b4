import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { ChatSession } from '../../src/client/index.js';
import { tcpTransport } from '../../src/client/node/tcp-transport.js';
import { PASSWORD, newUser, waitUntil } from '../helpers/clients.js';
import { startTestServer, type TestServer } from '../helpers/server.js';

let server: TestServer;
before(async () => (server = await startTestServer()));
after(() => server.dispose());

// The rules of read markers (forward only, per user, unread counts) are tested on the core
// (test/core/read-markers.test.ts); this checks the SDK keeps its badges with the server's.
describe('read markers', () => {
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

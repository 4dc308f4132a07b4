import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { ChatMessage } from '../../src/protocol/index.js';
import { connect, newUser, nextEvent, record, waitUntil } from '../helpers/clients.js';
import { startTestServer, type TestServer } from '../helpers/server.js';
import { expectNothingBefore } from '../helpers/wait.js';

describe('chat', () => {
  let server: TestServer;
  before(async () => (server = await startTestServer()));
  after(() => server.dispose());

  it('fans a lobby message out to every logged-in session, sender included', async () => {
    const users = await Promise.all(Array.from({ length: 40 }, () => newUser(server.tcpPort)));
    const inboxes = users.map((u) => record(u.client, 'msg'));
    const text = `hello everyone ${Date.now()} 你好 👋`;
    const sent = await users[0]!.client.request('send', { to: '#lobby', text, cid: 'c-1' });
    assert.equal(sent.conv, '#lobby');
    await waitUntil(() => inboxes.every((box) => box.some((m) => m.text === text)), 'every inbox');
    for (const box of inboxes) {
      const got = box.filter((m) => m.text === text);
      assert.equal(got.length, 1);
      assert.deepEqual(got[0], { conv: '#lobby', seq: sent.seq, ts: sent.ts, from: users[0]!.name, text, cid: 'c-1' });
    }
    users.forEach((u) => u.client.close());
  });

  it('delivers a private message to both parties only, each seeing the other as the conversation', async () => {
    const [alice, bob, eve] = await Promise.all([newUser(server.tcpPort), newUser(server.tcpPort), newUser(server.tcpPort)]);
    const aliceBox = record(alice.client, 'msg');
    const bobBox = record(bob.client, 'msg');
    const eveBox = record(eve.client, 'msg');
    const sent = await alice.client.request('send', { to: `@${bob.name.toUpperCase()}`, text: 'just for you' });
    assert.equal(sent.conv, `@${bob.name}`);
    assert.equal(sent.seq, 1);
    await waitUntil(() => bobBox.length === 1 && aliceBox.length === 1, 'both parties');
    assert.equal(bobBox[0]!.conv, `@${alice.name}`);
    assert.equal(bobBox[0]!.from, alice.name);
    assert.equal(aliceBox[0]!.conv, `@${bob.name}`);
    const reply = await bob.client.request('send', { to: `@${alice.name}`, text: 'thanks' });
    assert.equal(reply.seq, 2, 'one conversation, one seq, whoever sends');
    await waitUntil(() => aliceBox.length === 2, 'the answer');
    // Sent after both, to the lobby (where eve is): what eve was to get of them would come before it.
    const marker = `marker after ${bob.name}`;
    await alice.client.request('send', { to: '#lobby', text: marker });
    await expectNothingBefore(eveBox, { marker: (m) => m.text === marker, unwanted: (m) => m.conv !== '#lobby', what: 'a third user sees nothing' });
    const history = await bob.client.request('history', { conv: `@${alice.name}` });
    assert.deepEqual(history.messages.map((m) => [m.conv, m.seq, m.from, m.text]), [
      [`@${alice.name}`, 1, alice.name, 'just for you'],
      [`@${alice.name}`, 2, bob.name, 'thanks'],
    ]);
    const eveView = await eve.client.request('history', { conv: `@${alice.name}` });
    assert.deepEqual(eveView.messages, [], 'the same name from a third party is another conversation');
    const convs = await bob.client.request('convs', {});
    assert.ok(convs.convs.some((c) => c.conv === `@${alice.name}` && c.last_seq === 2));
    assert.ok(convs.convs.some((c) => c.conv === '#lobby'));
    for (const u of [alice, bob, eve]) u.client.close();
  });

  it('refuses messages to nobody, empty, too long, or unknown stickers; accepts stickers', async () => {
    const { client } = await newUser(server.tcpPort);
    const code = (p: Promise<unknown>) => p.then(() => 'OK', (e: { code: string }) => e.code);
    assert.equal(await code(client.request('send', { to: '@nobody_here_at_all', text: 'hi' })), 'NO_SUCH_USER');
    assert.equal(await code(client.request('send', { to: '#elsewhere', text: 'hi' })), 'NO_SUCH_ROOM');
    assert.equal(await code(client.request('send', { to: '#lobby', text: '   ' })), 'BAD_REQUEST');
    assert.equal(await code(client.request('send', { to: '#lobby', text: '字'.repeat(4001) })), 'TOO_LONG');
    assert.equal(await code(client.request('send', { to: '#lobby', text: '字'.repeat(4000) })), 'OK');
    assert.equal(await code(client.request('send', { to: '#lobby', sticker: 'unicorn-of-doom' })), 'BAD_REQUEST');
    assert.equal(await code(client.request('send', { to: '#lobby', text: 'a', sticker: 'heart' } as never)), 'BAD_REQUEST');
    assert.equal(await code(client.request('send', { to: '#lobby', file: { id: 'nope' } })), 'NO_SUCH_FILE');
    assert.equal(await code(client.request('send', { to: '#lobby', text: 'evil \u001b[2J escape' })), 'BAD_REQUEST', 'no terminal escapes');
    assert.equal(await code(client.request('send', { to: '#lobby', text: 'two\nlines\tand a tab' })), 'OK');
    const inbox = record(client, 'msg');
    await client.request('send', { to: '#lobby', sticker: 'rocket' });
    await waitUntil(() => inbox.some((m) => m.sticker === 'rocket'), 'the sticker');
    client.close();
  });

  it('keeps one gap-free order for every receiver under concurrent senders', async () => {
    const senders = await Promise.all([newUser(server.tcpPort), newUser(server.tcpPort)]);
    const receivers = await Promise.all(Array.from({ length: 5 }, () => newUser(server.tcpPort)));
    const boxes = receivers.map((r) => record(r.client, 'msg'));
    const start = (await senders[0]!.client.request('history', { conv: '#lobby', limit: 1 })).messages[0]?.seq ?? 0;
    const perSender = 200;
    const acks = await Promise.all(
      senders.flatMap((s, i) => Array.from({ length: perSender }, (_, n) => s.client.request('send', { to: '#lobby', text: `s${i}-${n}` }))),
    );
    const total = perSender * senders.length;
    const seqs = acks.map((a) => a.seq).sort((a, b) => a - b);
    assert.deepEqual(seqs, Array.from({ length: total }, (_, i) => start + 1 + i), 'acknowledged seqs are gap-free');
    await waitUntil(() => boxes.every((b) => b.filter((m) => m.seq > start).length >= total), 'all deliveries');
    const orders = boxes.map((b) => b.filter((m) => m.seq > start).map((m) => `${m.seq}:${m.text}`));
    for (const order of orders) assert.deepEqual(order, orders[0], 'every receiver sees the same order');
    const received = boxes[0]!.filter((m) => m.seq > start);
    assert.deepEqual(received.map((m) => m.seq), Array.from({ length: total }, (_, i) => start + 1 + i), 'in seq order, no gaps');
    // Each sender's own messages keep the order they were sent in.
    for (let i = 0; i < senders.length; i++) {
      const mine = received.filter((m) => m.text!.startsWith(`s${i}-`)).map((m) => Number(m.text!.split('-')[1]));
      assert.deepEqual(mine, Array.from({ length: perSender }, (_, n) => n));
    }
    for (const u of [...senders, ...receivers]) u.client.close();
  });

  it('stores a retried cid once and answers with the first result', async () => {
    const { client } = await newUser(server.tcpPort);
    const watcher = await newUser(server.tcpPort);
    const inbox = record(watcher.client, 'msg');
    const cid = `retry-${Date.now()}`;
    const first = await client.request('send', { to: '#lobby', text: 'once only', cid });
    const again = await client.request('send', { to: '#lobby', text: 'once only', cid });
    const both = await Promise.all([client.request('send', { to: '#lobby', text: 'x', cid: `${cid}b` }), client.request('send', { to: '#lobby', text: 'x', cid: `${cid}b` })]);
    assert.deepEqual(again, first);
    assert.deepEqual(both[1], both[0]);
    // A later message from the same sender in the same conversation: a duplicate would come before it.
    await client.request('send', { to: '#lobby', text: `after ${cid}` });
    await waitUntil(() => inbox.some((m) => m.text === `after ${cid}`), 'the message sent after the retries');
    assert.equal(inbox.filter((m) => m.cid === cid).length, 1);
    assert.equal(inbox.filter((m) => m.cid === `${cid}b`).length, 1, 'two racing sends of one cid are delivered once');
    const history = await client.request('history', { conv: '#lobby', after: first.seq - 1 });
    assert.equal(history.messages.filter((m) => m.cid === cid).length, 1);
    // Another user may use the same cid: cids are per user.
    const other = await watcher.client.request('send', { to: '#lobby', text: 'mine', cid });
    assert.notEqual(other.seq, first.seq);
    client.close();
    watcher.client.close();
  });

  it('pages through history: latest, before, after, limit', async () => {
    const { client, name } = await newUser(server.tcpPort);
    const peer = await newUser(server.tcpPort);
    for (let i = 1; i <= 30; i++) await client.request('send', { to: `@${peer.name}`, text: `m${i}` });
    const conv = `@${peer.name}`;
    const texts = (ms: ChatMessage[]) => ms.map((m) => m.text);
    assert.deepEqual(texts((await client.request('history', { conv, limit: 3 })).messages), ['m28', 'm29', 'm30']);
    assert.deepEqual(texts((await client.request('history', { conv, before: 5, limit: 10 })).messages), ['m1', 'm2', 'm3', 'm4']);
    assert.deepEqual(texts((await client.request('history', { conv, after: 27 })).messages), ['m28', 'm29', 'm30']);
    assert.deepEqual(texts((await client.request('history', { conv, after: 10, before: 14 })).messages), ['m11', 'm12', 'm13']);
    assert.equal((await client.request('history', { conv, limit: 5000 })).messages.length, 30, 'a large limit is reduced, not refused');
    const fromPeer = await peer.client.request('history', { conv: `@${name}`, after: 29 });
    assert.deepEqual(fromPeer.messages.map((m) => [m.conv, m.text]), [[`@${name}`, 'm30']]);
    client.close();
    peer.client.close();
  });

  it('shows who is online, and announces the first login and the last logout', async () => {
    const watcher = await newUser(server.tcpPort);
    const presence = record(watcher.client, 'presence');
    const first = await newUser(server.tcpPort);
    const second = await connect(server.tcpPort);
    await second.request('login', { token: first.token });
    const who = await watcher.client.request('who', {});
    const entry = who.users.find((u) => u.user === first.name);
    assert.ok(entry, 'listed while online');
    assert.equal(entry.role, 'user');
    await waitUntil(() => presence.some((p) => p.user === first.name && p.online), 'online event');
    const connections = server.chat.connectionCount;
    first.client.close();
    await waitUntil(() => server.chat.connectionCount === connections - 1, 'the server to see the first session close');
    // Someone logging in after that: an offline event for the first session would come before theirs.
    const later = await newUser(server.tcpPort);
    await expectNothingBefore(presence, {
      marker: (p) => p.user === later.name && p.online,
      unwanted: (p) => p.user === first.name && !p.online,
      what: 'still online on the second session',
    });
    later.client.close();
    assert.ok((await watcher.client.request('who', {})).users.some((u) => u.user === first.name));
    second.close();
    await waitUntil(() => presence.some((p) => p.user === first.name && !p.online), 'offline event');
    assert.equal(presence.filter((p) => p.user === first.name).length, 2, 'one event each way');
    assert.ok(!(await watcher.client.request('who', {})).users.some((u) => u.user === first.name));
    watcher.client.close();
  });

  it('relays typing to the other party only', async () => {
    const [a, b] = await Promise.all([newUser(server.tcpPort), newUser(server.tcpPort)]);
    const typing = nextEvent(b.client, 'typing', (t) => t.user === a.name);
    const own = record(a.client, 'typing');
    await a.client.request('typing', { to: `@${b.name}` });
    assert.deepEqual(await typing, { conv: `@${a.name}`, user: a.name });
    await b.client.request('typing', { to: `@${a.name}` });
    await expectNothingBefore(own, { marker: (t) => t.user === b.name, unwanted: (t) => t.user === a.name, what: 'no typing echoed to the typist' });
    a.client.close();
    b.client.close();
  });
});


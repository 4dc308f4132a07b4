import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { ChatSession, type MessageUpdate } from '../../src/client/index.js';
import { tcpTransport } from '../../src/client/node/tcp-transport.js';
import { PASSWORD, newUser, uniqueName, waitUntil } from '../helpers/clients.js';
import { Proxy } from '../helpers/proxy.js';
import { startTestServer, type TestServer } from '../helpers/server.js';

let server: TestServer;
before(async () => (server = await startTestServer()));
after(() => server.dispose());

describe('ChatSession: rooms and updates', () => {
  it('keeps its rooms, and catches up on edits, deletes and reactions made while it was away', async () => {
    // While `away`, reconnects reach nothing, so what happens meanwhile must come from the catch-up.
    let away = false;
    const proxy = new Proxy(() => (away ? 1 : server.tcpPort));
    const port = await proxy.listen();
    const alice = await newUser(server.tcpPort);
    const bob = await newUser(server.tcpPort);
    bob.client.close();
    const session = new ChatSession({ connect: tcpTransport('127.0.0.1', port), backoffBaseMs: 20, backoffMaxMs: 100 });
    try {
      await session.login(bob.name, PASSWORD);
      const room = `#${uniqueName('sdk')}`;
      const created = await session.createRoom(room, { topic: 'sdk room' });
      assert.deepEqual(session.rooms, [created]);
      await alice.client.request('join', { room });
      await waitUntil(() => session.rooms[0]?.members === 2, 'the member count follows joins');
      const updates: MessageUpdate[] = [];
      session.on('update', (u) => updates.push(u));
      const { seq } = await session.send(room, { text: 'typo hree' });
      await session.edit(room, seq, 'typo here');
      await alice.client.request('react', { conv: room, seq, emoji: '👀' });
      await waitUntil(() => updates.length === 2, 'live updates');

      const states: string[] = [];
      session.on('state', (st) => states.push(st));
      away = true;
      proxy.cutAll();
      await waitUntil(() => states.includes('reconnecting'), 'the session notices the cut');
      // While bob is away: an edit of his own elsewhere (a second device would do this), a reaction, a delete.
      const { seq: seq2 } = await alice.client.request('send', { to: room, text: 'going away' });
      await alice.client.request('react', { conv: room, seq, emoji: '🎉' });
      await alice.client.request('delete', { conv: room, seq: seq2 });
      // Reconnects reach nothing while away, so these can only come from the catch-up (checked below by useq).
      assert.equal(updates.length, 2, 'nothing arrives while away');
      away = false;
      await waitUntil(() => states.at(-1) === 'online', 'reconnected');
      await waitUntil(() => updates.length === 4, 'the two missed updates arrive after the reconnect');
      assert.deepEqual(updates.map((u) => u.useq), [1, 2, 3, 4]);
      assert.deepEqual(updates[2]!.reactions, { '👀': [alice.name], '🎉': [alice.name] });
      assert.equal(updates[3]!.deleted, true);
      assert.equal(updates[3]!.seq, seq2);
      assert.deepEqual(session.rooms.map((r) => [r.room, r.topic]), [[room, 'sdk room']]);

      await session.leave(room);
      assert.deepEqual(session.rooms, []);
    } finally {
      session.close();
      alice.client.close();
      await proxy.close();
    }
  });

  it('shows a room it was invited to from the joined event, as the room is listed', async () => {
    const alice = await newUser(server.tcpPort);
    const bob = await newUser(server.tcpPort);
    bob.client.close();
    const session = new ChatSession({ connect: tcpTransport('127.0.0.1', server.tcpPort) });
    try {
      await session.login(bob.name, PASSWORD);
      const room = `#${uniqueName('inv')}`;
      await alice.client.request('create', { room, private: true, topic: 'by invitation' });
      await alice.client.request('invite', { room, user: bob.name });
      await waitUntil(() => session.rooms.length === 1, 'the invited room shows');
      assert.deepEqual(session.rooms, [{ room, topic: 'by invitation', private: true, owner: alice.name, members: 2, joined: true }]);
    } finally {
      session.close();
      alice.client.close();
    }
  });
});

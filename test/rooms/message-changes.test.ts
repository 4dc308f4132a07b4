import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { EventBodies } from '../../src/protocol/index.js';
import { adminClient, newUser, record, refusal, uniqueName, waitUntil } from '../helpers/clients.js';
import { startTestServer, type TestServer } from '../helpers/server.js';

let server: TestServer;
before(async () => (server = await startTestServer()));
after(() => server.dispose());

type Update = EventBodies['update'];

describe('edits, deletes and reactions', () => {
  it('reach every member of a room in order, as the message\'s whole new state', async () => {
    const [alice, bob, carol, outsider] = await Promise.all([1, 2, 3, 4].map(() => newUser(server.tcpPort)));
    const room = `#${uniqueName('edits')}`;
    await alice!.client.request('create', { room });
    for (const u of [bob!, carol!]) await u.client.request('join', { room });
    const seen = [alice!, bob!, carol!].map((u) => record(u.client, 'update'));
    const away = record(outsider!.client, 'update');
    const { seq } = await alice!.client.request('send', { to: room, text: 'frist' });
    const { seq: seq2 } = await bob!.client.request('send', { to: room, text: 'second' });

    const e = await alice!.client.request('edit', { conv: room, seq, text: 'first' });
    assert.deepEqual(e, { conv: room, seq, useq: 1 });
    assert.deepEqual(await bob!.client.request('react', { conv: room, seq, emoji: '👍' }), { conv: room, seq, useq: 2, added: true });
    assert.deepEqual(await carol!.client.request('react', { conv: room, seq, emoji: '👍' }), { conv: room, seq, useq: 3, added: true });
    assert.deepEqual(await bob!.client.request('react', { conv: room, seq, emoji: '👍' }), { conv: room, seq, useq: 4, added: false }, 'a toggle');
    await carol!.client.request('react', { conv: room, seq: seq2, emoji: '👨‍👩‍👧' });
    await bob!.client.request('delete', { conv: room, seq: seq2 });

    for (const list of seen) {
      await waitUntil(() => list.length === 6, 'six updates for every member');
      assert.deepEqual(list.map((u) => u.useq), [1, 2, 3, 4, 5, 6], 'in order, none missing');
      assert.deepEqual(
        list.map((u) => u.change),
        [
          { kind: 'edit', by: alice!.name },
          { kind: 'react', by: bob!.name, emoji: '👍', added: true },
          { kind: 'react', by: carol!.name, emoji: '👍', added: true },
          { kind: 'react', by: bob!.name, emoji: '👍', added: false },
          { kind: 'react', by: carol!.name, emoji: '👨‍👩‍👧', added: true },
          { kind: 'delete', by: bob!.name },
        ],
        'each says what changed and who changed it',
      );
      const first = list[0]!;
      assert.equal(first.text, 'first');
      assert.equal(typeof first.edited_ts, 'number');
      assert.deepEqual(list[2]!.reactions, { '👍': [bob!.name, carol!.name] });
      assert.deepEqual(list[3]!.reactions, { '👍': [carol!.name] });
      const deleted = list[5]!;
      assert.equal(deleted.deleted, true);
      assert.equal(deleted.text, undefined, 'the text is gone');
      assert.equal(deleted.reactions, undefined, 'and its reactions');
    }
    assert.equal(away.length, 0, 'non-members hear nothing');

    // History keeps the changes; updated_after replays them for a client that was away.
    const history = (await carol!.client.request('history', { conv: room })).messages;
    assert.deepEqual(
      history.map((m) => [m.seq, m.text, m.deleted, m.reactions, m.useq, m.edited_ts === undefined]),
      [
        [seq, 'first', undefined, { '👍': [carol!.name] }, 4, false],
        [seq2, undefined, true, undefined, 6, true],
      ],
    );
    const changed = (await carol!.client.request('history', { conv: room, updated_after: 3 })).messages;
    assert.deepEqual(changed.map((m) => [m.seq, m.useq]), [[seq, 4], [seq2, 6]]);
    const convs = await carol!.client.request('convs', {});
    assert.equal(convs.convs.find((c) => c.conv === room)?.last_useq, 6);
    for (const u of [alice!, bob!, carol!, outsider!]) u.client.close();
  });

  it('only the sender edits; the sender, the room owner and the administrator delete', async () => {
    const [owner, writer, other] = await Promise.all([1, 2, 3].map(() => newUser(server.tcpPort)));
    const room = `#${uniqueName('mods')}`;
    await owner!.client.request('create', { room });
    for (const u of [writer!, other!]) await u.client.request('join', { room });
    const { seq } = await writer!.client.request('send', { to: room, text: 'mine' });
    const { seq: sticker } = await writer!.client.request('send', { to: room, sticker: 'wave' });
    assert.equal((await refusal(other!.client.request('edit', { conv: room, seq, text: 'not yours' }))).code, 'FORBIDDEN');
    assert.equal((await refusal(owner!.client.request('edit', { conv: room, seq, text: 'not even the owner' }))).code, 'FORBIDDEN');
    assert.equal((await refusal(writer!.client.request('edit', { conv: room, seq: sticker, text: 'a sticker' }))).code, 'BAD_REQUEST');
    assert.equal((await refusal(writer!.client.request('edit', { conv: room, seq, text: '  ' }))).code, 'BAD_REQUEST');
    assert.equal((await refusal(writer!.client.request('edit', { conv: room, seq, text: 'x'.repeat(4001) }))).code, 'TOO_LONG');
    assert.equal((await refusal(writer!.client.request('edit', { conv: room, seq: 99, text: 'none' }))).code, 'NO_SUCH_MESSAGE');
    assert.equal((await refusal(other!.client.request('delete', { conv: room, seq }))).code, 'FORBIDDEN');
    assert.equal((await refusal(other!.client.request('react', { conv: room, seq, emoji: 'not an emoji' }))).code, 'BAD_REQUEST');
    assert.equal((await refusal(other!.client.request('react', { conv: room, seq, emoji: '👍👍' }))).code, 'BAD_REQUEST', 'one emoji');
    await owner!.client.request('delete', { conv: room, seq });
    assert.equal((await refusal(writer!.client.request('edit', { conv: room, seq, text: 'undelete' }))).code, 'NO_SUCH_MESSAGE');
    assert.equal((await refusal(writer!.client.request('react', { conv: room, seq, emoji: '👍' }))).code, 'NO_SUCH_MESSAGE');

    // In the lobby, nobody owns anything: only the sender, or the administrator.
    const { seq: lobbySeq } = await writer!.client.request('send', { to: '#lobby', text: 'lobby message' });
    assert.equal((await refusal(owner!.client.request('delete', { conv: '#lobby', seq: lobbySeq }))).code, 'FORBIDDEN');
    const admin = await adminClient(server.tcpPort);
    await admin.request('delete', { conv: '#lobby', seq: lobbySeq });
    admin.close();
    for (const u of [owner!, writer!, other!]) u.client.close();
  });

  it('in a private conversation, each party sees the update under their own name for it', async () => {
    const [a, b] = await Promise.all([newUser(server.tcpPort), newUser(server.tcpPort)]);
    const [aSeen, bSeen] = [record(a.client, 'update'), record(b.client, 'update')];
    const { seq } = await a.client.request('send', { to: `@${b.name}`, text: 'hey' });
    await b.client.request('react', { conv: `@${a.name}`, seq, emoji: '❤️' });
    await a.client.request('edit', { conv: `@${b.name}`, seq, text: 'hey there' });
    await waitUntil(() => aSeen.length === 2 && bSeen.length === 2, 'both parties get both updates');
    assert.deepEqual(aSeen.map((u: Update) => u.conv), [`@${b.name}`, `@${b.name}`]);
    assert.deepEqual(bSeen.map((u: Update) => u.conv), [`@${a.name}`, `@${a.name}`]);
    assert.deepEqual(bSeen[1]!.reactions, { '❤️': [b.name] });
    assert.equal(bSeen[1]!.text, 'hey there');
    a.client.close();
    b.client.close();
  });

  it('muted users cannot edit or react; edits, reactions, joins, leaves and creates count against flood control', async () => {
    const flood = await startTestServer({ sendRate: 1, sendBurst: 3 });
    try {
      const { client, name } = await newUser(flood.tcpPort);
      const { seq } = await client.request('send', { to: '#lobby', text: 'one' });
      await client.request('react', { conv: '#lobby', seq, emoji: '🎉' });
      await client.request('edit', { conv: '#lobby', seq, text: 'one!' });
      const err = await refusal(client.request('react', { conv: '#lobby', seq, emoji: '🎉' }));
      assert.equal(err.code, 'RATE_LIMITED');
      assert.ok(err.retryAfter !== undefined && err.retryAfter > 0);
      for (const op of [client.request('join', { room: '#anything' }), client.request('leave', { room: '#anything' }), client.request('create', { room: '#anything' })]) {
        assert.equal((await refusal(op)).code, 'RATE_LIMITED', 'room changes share the allowance');
      }
      const admin = await adminClient(flood.tcpPort);
      await admin.request('mute', { user: name });
      assert.equal((await refusal(client.request('edit', { conv: '#lobby', seq, text: 'muted' }))).code, 'MUTED');
      assert.equal((await refusal(client.request('react', { conv: '#lobby', seq, emoji: '🎉' }))).code, 'MUTED');
      admin.close();
      client.close();
    } finally {
      await flood.dispose();
    }
  });
});

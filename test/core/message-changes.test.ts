import assert from 'node:assert/strict';
import { afterEach, beforeEach, describe, it } from 'node:test';
import { MAX_REACTION_EMOJIS } from '../../src/protocol/index.js';
import { coreHarness, outcome, refusal, type CoreHarness } from '../helpers/core-harness.js';

// Twenty-one different single emoji (one code point each).
const EMOJI = [...'😀😁😂🤣😃😄😅😆😉😊😋😎😍😘🥰😗😙😚🙂🤗🤩'];

describe('edits, deletes and reactions (core)', () => {
  let h: CoreHarness;
  beforeEach(async () => (h = await coreHarness()));
  afterEach(() => h.close());

  it('reach every member of a room in order, as the message\'s whole new state, and nobody else', async () => {
    const [alice, bob, carol, outsider] = [await h.user('alice'), await h.user('bob'), await h.user('carol'), await h.user('outsider')];
    await alice.request('create', { room: '#r' });
    for (const u of [bob, carol]) await u.request('join', { room: '#r' });
    const { seq } = await alice.request('send', { to: '#r', text: 'frist' });
    const { seq: seq2 } = await bob.request('send', { to: '#r', text: 'second' });

    assert.deepEqual(await alice.request('edit', { conv: '#r', seq, text: 'first' }), { conv: '#r', seq, useq: 1 });
    assert.deepEqual(await bob.request('react', { conv: '#r', seq, emoji: '👍' }), { conv: '#r', seq, useq: 2, added: true });
    assert.deepEqual(await carol.request('react', { conv: '#r', seq, emoji: '👍' }), { conv: '#r', seq, useq: 3, added: true });
    assert.deepEqual(await bob.request('react', { conv: '#r', seq, emoji: '👍' }), { conv: '#r', seq, useq: 4, added: false }, 'a toggle');
    await carol.request('react', { conv: '#r', seq: seq2, emoji: '👨‍👩‍👧' });
    await bob.request('delete', { conv: '#r', seq: seq2 });

    for (const member of [alice, bob, carol]) {
      const list = [];
      for (let i = 0; i < 6; i++) list.push(await member.next('update'));
      assert.deepEqual(list.map((u) => u.useq), [1, 2, 3, 4, 5, 6], 'in order, none missing');
      assert.deepEqual(
        list.map((u) => u.change),
        [
          { kind: 'edit', by: 'alice' },
          { kind: 'react', by: 'bob', emoji: '👍', added: true },
          { kind: 'react', by: 'carol', emoji: '👍', added: true },
          { kind: 'react', by: 'bob', emoji: '👍', added: false },
          { kind: 'react', by: 'carol', emoji: '👨‍👩‍👧', added: true },
          { kind: 'delete', by: 'bob' },
        ],
        'each says what changed and who changed it',
      );
      assert.equal(list[0]!.text, 'first');
      assert.equal(typeof list[0]!.edited_ts, 'number');
      assert.deepEqual(list[2]!.reactions, { '👍': ['bob', 'carol'] });
      assert.deepEqual(list[3]!.reactions, { '👍': ['carol'] });
      assert.equal(list[5]!.deleted, true);
      assert.equal(list[5]!.text, undefined, 'the text is gone');
      assert.equal(list[5]!.reactions, undefined, 'and its reactions');
    }
    await alice.request('send', { to: '#lobby', text: 'marker' });
    await outsider.nothingBefore('msg', (m) => m.text === 'marker', (e) => e.ev === 'update', 'an update to a non-member');

    // History keeps the changes; updated_after replays them for a client that was away.
    const history = (await carol.request('history', { conv: '#r' })).messages;
    assert.deepEqual(
      history.map((m) => [m.seq, m.text, m.deleted, m.reactions, m.useq, m.edited_ts === undefined]),
      [
        [seq, 'first', undefined, { '👍': ['carol'] }, 4, false],
        [seq2, undefined, true, undefined, 6, true],
      ],
    );
    const changed = (await carol.request('history', { conv: '#r', updated_after: 3 })).messages;
    assert.deepEqual(changed.map((m) => [m.seq, m.useq]), [[seq, 4], [seq2, 6]]);
    assert.equal((await carol.request('convs', {})).convs.find((c) => c.conv === '#r')?.last_useq, 6);
  });

  it('only the sender edits; the sender, the room owner and the administrator delete', async () => {
    const [owner, writer, other] = [await h.user('owner'), await h.user('writer'), await h.user('other')];
    await owner.request('create', { room: '#r' });
    for (const u of [writer, other]) await u.request('join', { room: '#r' });
    const { seq } = await writer.request('send', { to: '#r', text: 'mine' });
    const { seq: sticker } = await writer.request('send', { to: '#r', sticker: 'wave' });
    assert.equal((await refusal(other.request('edit', { conv: '#r', seq, text: 'not yours' }))).code, 'FORBIDDEN');
    assert.equal((await refusal(owner.request('edit', { conv: '#r', seq, text: 'not even the owner' }))).code, 'FORBIDDEN');
    assert.equal((await refusal(writer.request('edit', { conv: '#r', seq: sticker, text: 'a sticker' }))).code, 'BAD_REQUEST');
    assert.equal((await refusal(writer.request('edit', { conv: '#r', seq, text: '  ' }))).code, 'BAD_REQUEST');
    assert.equal((await refusal(writer.request('edit', { conv: '#r', seq, text: 'x'.repeat(4001) }))).code, 'TOO_LONG');
    assert.equal((await refusal(writer.request('edit', { conv: '#r', seq: 99, text: 'none' }))).code, 'NO_SUCH_MESSAGE');
    assert.equal((await refusal(other.request('delete', { conv: '#r', seq }))).code, 'FORBIDDEN');
    assert.equal((await refusal(other.request('react', { conv: '#r', seq, emoji: 'not an emoji' }))).code, 'BAD_REQUEST');
    assert.equal((await refusal(other.request('react', { conv: '#r', seq, emoji: '👍👍' }))).code, 'BAD_REQUEST', 'one emoji');
    await owner.request('delete', { conv: '#r', seq });
    assert.equal((await refusal(writer.request('edit', { conv: '#r', seq, text: 'undelete' }))).code, 'NO_SUCH_MESSAGE');
    assert.equal((await refusal(writer.request('react', { conv: '#r', seq, emoji: '👍' }))).code, 'NO_SUCH_MESSAGE');
    assert.equal((await refusal(writer.request('delete', { conv: '#r', seq }))).code, 'NO_SUCH_MESSAGE', 'deleted once');

    // In the lobby, nobody owns anything: only the sender, or the administrator.
    const { seq: lobbySeq } = await writer.request('send', { to: '#lobby', text: 'lobby message' });
    assert.equal((await refusal(owner.request('delete', { conv: '#lobby', seq: lobbySeq }))).code, 'FORBIDDEN');
    const admin = await h.admin();
    assert.equal(await outcome(admin.request('delete', { conv: '#lobby', seq: lobbySeq })), 'OK');
    assert.equal((await refusal(admin.request('edit', { conv: '#lobby', seq: lobbySeq, text: 'x' }))).code, 'NO_SUCH_MESSAGE');
  });

  it(`a message carries at most ${MAX_REACTION_EMOJIS} different reactions; more people with one of them is fine`, async () => {
    const [alice, bob] = [await h.user('alice'), await h.user('bob')];
    const { seq } = await alice.request('send', { to: '#lobby', text: 'react to me' });
    for (const emoji of EMOJI.slice(0, MAX_REACTION_EMOJIS)) await alice.request('react', { conv: '#lobby', seq, emoji });
    const err = await refusal(bob.request('react', { conv: '#lobby', seq, emoji: EMOJI[MAX_REACTION_EMOJIS]! }));
    assert.equal(err.code, 'BAD_REQUEST');
    assert.match(err.message, new RegExp(`at most ${MAX_REACTION_EMOJIS} different reactions`));
    assert.deepEqual((await bob.request('react', { conv: '#lobby', seq, emoji: EMOJI[0]! })).added, true, 'one already there takes another person');
    const [message] = (await bob.request('history', { conv: '#lobby' })).messages;
    assert.equal(Object.keys(message!.reactions!).length, MAX_REACTION_EMOJIS);
    assert.deepEqual(message!.reactions![EMOJI[0]!], ['alice', 'bob']);
    // Taking one away makes room.
    await alice.request('react', { conv: '#lobby', seq, emoji: EMOJI[1]! });
    assert.equal((await bob.request('react', { conv: '#lobby', seq, emoji: EMOJI[MAX_REACTION_EMOJIS]! })).added, true);
  });

  it('in a private conversation, each party sees the update under their own name for it', async () => {
    const [a, b] = [await h.user('a'), await h.user('b')];
    const { seq } = await a.request('send', { to: '@b', text: 'hey' });
    await b.request('react', { conv: '@a', seq, emoji: '❤️' });
    await a.request('edit', { conv: '@b', seq, text: 'hey there' });
    const aSeen = [await a.next('update'), await a.next('update')];
    const bSeen = [await b.next('update'), await b.next('update')];
    assert.deepEqual(aSeen.map((u) => u.conv), ['@b', '@b']);
    assert.deepEqual(bSeen.map((u) => u.conv), ['@a', '@a']);
    assert.deepEqual(bSeen[1]!.reactions, { '❤️': ['b'] });
    assert.equal(bSeen[1]!.text, 'hey there');
  });
});

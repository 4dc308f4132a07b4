import assert from 'node:assert/strict';
import { afterEach, beforeEach, describe, it } from 'node:test';
import { MAX_UNREAD_COUNT } from '../../src/protocol/index.js';
import { coreHarness, refusal, type CoreHarness, type HarnessConnection } from '../helpers/core-harness.js';

const convOf = async (c: HarnessConnection, conv: string) => (await c.request('convs', {})).convs.find((x) => x.conv === conv)!;

describe('read markers and unread counts (core)', () => {
  let h: CoreHarness;
  beforeEach(async () => (h = await coreHarness()));
  afterEach(() => h.close());

  it('sync across two sessions of one user, only move forward, and drive unread counts', async () => {
    const [alice, bob] = [await h.user('alice'), await h.user('bob')];
    const bob2 = await h.login('bob');
    for (const t of ['one', 'two', 'three']) await alice.request('send', { to: '@bob', text: t });
    await bob.request('send', { to: '@alice', text: 'mine do not count' });
    const first = await convOf(bob2, '@alice');
    assert.deepEqual(first, { conv: '@alice', last_seq: 4, last_ts: first.last_ts, read_seq: 0, unread: 3, last_useq: 0 });
    assert.equal(typeof first.last_ts, 'number');

    assert.deepEqual(await bob.request('read', { conv: '@alice', seq: 2 }), { conv: '@alice', seq: 2 });
    assert.deepEqual(await bob2.next('read'), { conv: '@alice', seq: 2 }, 'the other session hears of it');
    assert.deepEqual(await bob.next('read'), { conv: '@alice', seq: 2 }, 'and so does the one that moved it');
    assert.deepEqual([(await convOf(bob2, '@alice')).read_seq, (await convOf(bob2, '@alice')).unread], [2, 1]);

    assert.deepEqual(await bob2.request('read', { conv: '@alice', seq: 1 }), { conv: '@alice', seq: 2 }, 'never backwards');
    assert.deepEqual(await bob2.request('read', { conv: '@alice', seq: 1000 }), { conv: '@alice', seq: 4 }, 'never past the newest');
    assert.deepEqual(await bob2.next('read'), { conv: '@alice', seq: 4 });
    await alice.request('send', { to: '@bob', text: 'marker' });
    const before = await bob2.nothingBefore('msg', (m) => m.text === 'marker', () => false);
    assert.deepEqual(before.filter((e) => e.ev === 'read').length, 2, 'one read event per move, none for a refused move back');
    assert.equal((await convOf(bob, '@alice')).unread, 1, 'the new message is unread');
    // Alice's marker is her own.
    const aliceView = await convOf(alice, '@bob');
    assert.deepEqual([aliceView.read_seq, aliceView.unread], [0, 1]);
    assert.equal((await refusal(bob.request('read', { conv: '@nobody_at_all', seq: 1 }))).code, 'NO_SUCH_USER');
  });

  it('counts unread room messages from others, not deleted ones, and only for members', async () => {
    const [alice, bob, carol] = [await h.user('alice'), await h.user('bob'), await h.user('carol')];
    await alice.request('create', { room: '#r' });
    await bob.request('join', { room: '#r' });
    const seqs = [];
    for (let i = 0; i < 4; i++) seqs.push((await alice.request('send', { to: '#r', text: `m${i}` })).seq);
    await bob.request('send', { to: '#r', text: 'own' });
    await alice.request('delete', { conv: '#r', seq: seqs[1]! });
    const view = await convOf(bob, '#r');
    assert.deepEqual([view.last_seq, view.read_seq, view.unread, view.last_useq], [5, 0, 3, 1]);
    await bob.request('read', { conv: '#r', seq: seqs[2]! });
    assert.equal((await convOf(bob, '#r')).unread, 1);
    assert.equal(await convOf(carol, '#r'), undefined, 'a non-member has no such conversation');
    assert.equal((await refusal(carol.request('read', { conv: '#r', seq: 1 }))).code, 'NOT_A_MEMBER');
  });

  it(`counts at most ${MAX_UNREAD_COUNT} unread`, async () => {
    const [alice, bob] = [await h.user('alice'), await h.user('bob')];
    // In pages of 200: a connection may have at most 256 requests in progress.
    for (let sent = 0; sent < MAX_UNREAD_COUNT + 5; sent += 200) {
      const page = Math.min(200, MAX_UNREAD_COUNT + 5 - sent);
      await Promise.all(Array.from({ length: page }, (_, i) => alice.request('send', { to: '@bob', text: `m${sent + i}` })));
    }
    const view = await convOf(bob, '@alice');
    assert.deepEqual([view.last_seq, view.unread], [MAX_UNREAD_COUNT + 5, MAX_UNREAD_COUNT]);
  });
});

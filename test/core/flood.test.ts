import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { CoreConfig } from '../../src/server/core/config.js';
import { coreHarness, outcome, refusal, type CoreHarness } from '../helpers/core-harness.js';

async function withCore(config: Partial<CoreConfig>, run: (h: CoreHarness) => Promise<void>): Promise<void> {
  const h = await coreHarness(config);
  try {
    await run(h);
  } finally {
    await h.close();
  }
}

type Settled = PromiseSettledResult<unknown>;
const refused = (results: Settled[]) => results.filter((r) => r.status === 'rejected').map((r) => (r as PromiseRejectedResult).reason as { code: string; body: { retry_after?: number } });

describe('flood control (core)', () => {
  it('lets a burst through, refuses the excess with a retry time, and refills by then', () =>
    // 5/s: a refill needs 200 ms, far more than the six takes of one turn, even on a loaded machine.
    withCore({ sendRatePerSec: 5, sendBurst: 3 }, async (h) => {
      const alice = await h.user('alice');
      const results = await Promise.allSettled(Array.from({ length: 6 }, (_, i) => alice.request('send', { to: '#lobby', text: `m${i}` })));
      assert.equal(results.filter((r) => r.status === 'fulfilled').length, 3, 'the burst');
      const excess = refused(results);
      assert.equal(excess.length, 3);
      for (const r of excess) {
        assert.equal(r.code, 'RATE_LIMITED');
        assert.ok(r.body.retry_after! > 0 && r.body.retry_after! <= 0.2, `retry after ${r.body.retry_after}`);
      }
      assert.deepEqual((await alice.request('history', { conv: '#lobby' })).messages.map((m) => m.text), ['m0', 'm1', 'm2'], 'nothing refused was stored');
      // Time passing is the rule under test: the retry time it was told is enough.
      await new Promise((r) => setTimeout(r, excess[0]!.body.retry_after! * 1000));
      assert.ok((await alice.request('send', { to: '#lobby', text: 'after a pause' })).seq > 0);
    }));

  it('counts per user, across that user\'s sessions and a new login, and not against others', () =>
    withCore({ sendRatePerSec: 0.02, sendBurst: 3 }, async (h) => {
      const [a, b] = [await h.user('a'), await h.user('b')];
      const a2 = await h.login('a');
      for (let i = 0; i < 3; i++) await (i % 2 ? a2 : a).request('send', { to: '#lobby', text: `a${i}` });
      assert.equal(await outcome(a2.request('send', { to: '#lobby', text: 'one too many' })), 'RATE_LIMITED');
      assert.equal(await outcome(b.request('send', { to: '#lobby', text: 'b is fine' })), 'OK');
      // Logging out everywhere and back in does not buy a fresh burst.
      a.close();
      a2.close();
      await b.next('presence', (p) => p.user === 'a' && !p.online);
      const back = await h.login('a');
      assert.equal(await outcome(back.request('send', { to: '#lobby', text: 'fresh?' })), 'RATE_LIMITED');
    }));

  it('edits, reactions, deletes, joins, leaves and creates share the allowance', () =>
    withCore({ sendRatePerSec: 0.02, sendBurst: 4 }, async (h) => {
      const alice = await h.user('alice');
      const { seq } = await alice.request('send', { to: '#lobby', text: 'one' });
      await alice.request('react', { conv: '#lobby', seq, emoji: '🎉' });
      await alice.request('edit', { conv: '#lobby', seq, text: 'one!' });
      await alice.request('delete', { conv: '#lobby', seq });
      const err = await refusal(alice.request('react', { conv: '#lobby', seq, emoji: '🎉' }));
      assert.equal(err.code, 'RATE_LIMITED');
      assert.ok(err.retry_after !== undefined && err.retry_after > 0);
      for (const op of [
        alice.request('edit', { conv: '#lobby', seq, text: 'x' }),
        alice.request('delete', { conv: '#lobby', seq }),
        alice.request('join', { room: '#anything' }),
        alice.request('leave', { room: '#anything' }),
        alice.request('create', { room: '#anything' }),
      ]) {
        assert.equal((await refusal(op)).code, 'RATE_LIMITED');
      }
    }));

  it('owner ops: normal use passes; a burst is refused with RATE_LIMITED and fans nothing out', () =>
    // A burst of 8 and a refill so slow (one token per 50 s) that none comes back during the test.
    withCore({ sendRatePerSec: 0.02, sendBurst: 8 }, async (h) => {
      const [owner, member] = [await h.user('owner'), await h.user('member')];
      await h.user('guest');
      await owner.request('create', { room: '#r' }); // token 1
      await member.request('join', { room: '#r' }); // the member's own allowance
      // Normal use: each owner op once (tokens 2-7).
      await owner.request('topic', { room: '#r', topic: 'first' });
      await owner.request('invite', { room: '#r', user: 'guest' });
      await owner.request('room_mute', { room: '#r', user: 'guest', minutes: 5 });
      await owner.request('room_unmute', { room: '#r', user: 'guest' });
      await owner.request('remove', { room: '#r', user: 'guest' });
      await owner.request('topic', { room: '#r', topic: 'second' });
      // A burst: one token is left (token 8), then every owner op is refused.
      const burst = await Promise.allSettled(Array.from({ length: 20 }, (_, i) => owner.request('topic', { room: '#r', topic: `spam ${i}` })));
      assert.equal(burst.filter((r) => r.status === 'fulfilled').length, 1, 'the last token of the burst');
      for (const r of refused(burst)) {
        assert.equal(r.code, 'RATE_LIMITED');
        assert.ok(r.body.retry_after! > 0, 'with retry_after');
      }
      for (const op of [
        owner.request('invite', { room: '#r', user: 'guest' }),
        owner.request('remove', { room: '#r', user: 'member' }),
        owner.request('room_mute', { room: '#r', user: 'member' }),
        owner.request('room_unmute', { room: '#r', user: 'member' }),
        owner.request('owner', { room: '#r', user: 'member' }),
        owner.request('topic', { room: '#r', topic: 'one more' }),
      ]) {
        assert.equal((await refusal(op)).code, 'RATE_LIMITED');
      }
      await member.request('send', { to: '#r', text: 'marker' });
      const before = await member.nothingBefore('msg', (m) => m.text === 'marker', () => false);
      assert.deepEqual(before.filter((e) => e.ev === 'topic').map((e) => e.ev === 'topic' && e.topic), ['first', 'second', 'spam 0'], 'the one accepted topic of the burst, no more');
      assert.deepEqual(before.filter((e) => e.ev === 'room_muted').length, 2);
      assert.deepEqual(before.filter((e) => (e.ev === 'joined' || e.ev === 'left') && e.user === 'guest').length, 2, 'the invite and the remove');
      assert.ok(!before.some((e) => e.ev === 'owner' || (e.ev === 'left' && e.user === 'member')), 'no refused op took effect');
      const listed = await member.request('members', { room: '#r' });
      assert.deepEqual(listed.members.map((m) => [m.user, m.owner, m.muted_until]).sort(), [
        ['member', false, null],
        ['owner', true, null],
      ]);
    }));
});

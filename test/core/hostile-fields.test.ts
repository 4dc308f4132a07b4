import assert from 'node:assert/strict';
import { afterEach, beforeEach, describe, it } from 'node:test';
import { coreHarness, outcome, refusal, type CoreHarness } from '../helpers/core-harness.js';

// Found in review: values every store must be able to keep. PostgreSQL text cannot hold U+0000
// (one such cid failed a whole group commit there) and keeps seq numbers as INTEGER. They are
// refused before any store sees them, so the in-memory SQLite store here stands for either.
describe('fields no store can keep are refused up front (core)', () => {
  let h: CoreHarness;
  beforeEach(async () => (h = await coreHarness()));
  afterEach(() => h.close());

  it('refuses U+0000 in any field, and the messages sent beside it are stored', async () => {
    const [mallory, bob] = [await h.user('mallory'), await h.user('bob')];
    const [bad, ok1, ok2] = await Promise.allSettled([
      mallory.request('send', { to: '#lobby', text: 'hi', cid: 'x\u0000y' }),
      bob.request('send', { to: '#lobby', text: 'first' }),
      bob.request('send', { to: '#lobby', text: 'second' }),
    ]);
    assert.equal(bad.status, 'rejected');
    assert.equal((bad as PromiseRejectedResult).reason.code, 'BAD_REQUEST');
    assert.match((bad as PromiseRejectedResult).reason.message, /U\+0000/);
    assert.deepEqual([ok1.status, ok2.status], ['fulfilled', 'fulfilled']);
    assert.equal((await refusal(mallory.request('send', { to: '#lobby', text: 'a\u0000b' }))).code, 'BAD_REQUEST');
    assert.equal((await refusal(mallory.request('join', { room: '#a\u0000b' }))).code, 'BAD_REQUEST');
    assert.equal((await refusal(mallory.request('react', { conv: '#lobby', seq: 1, emoji: '\u0000' }))).code, 'BAD_REQUEST');
    const { messages } = await bob.request('history', { conv: '#lobby' });
    assert.deepEqual(messages.map((m) => m.text), ['first', 'second']);
  });

  it('refuses sequence numbers of 2^31 and more with a clear error', async () => {
    const u = await h.user('u');
    for (const request of [
      u.request('history', { conv: '#lobby', before: 2 ** 31 }),
      u.request('history', { conv: '#lobby', after: 2 ** 40 }),
      u.request('edit', { conv: '#lobby', seq: 2 ** 40, text: 'x' }),
      u.request('read', { conv: '#lobby', seq: 2 ** 31 }),
    ]) {
      assert.equal((await refusal(request)).code, 'BAD_REQUEST');
    }
    assert.equal(await outcome(u.request('history', { conv: '#lobby', before: 2 ** 31 - 1 })), 'OK');
  });
});

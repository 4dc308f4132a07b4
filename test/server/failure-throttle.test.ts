import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { FailureThrottle } from '../../src/server/core/rate-limit.js';

describe('FailureThrottle reservations', () => {
  it('admits no more attempts at once than failures are still allowed', () => {
    const t = new FailureThrottle(3, 60_000);
    const now = 1_000_000;
    assert.deepEqual([t.reserve('k', now), t.reserve('k', now), t.reserve('k', now)], [0, 0, 0]);
    assert.equal(t.reserve('k', now), 1, 'a fourth waits while three are in flight');
    t.release('k'); // one was not checked (server busy): its place is free again
    assert.equal(t.reserve('k', now), 0);
    t.fail('k', now);
    t.fail('k', now);
    assert.equal(t.reserve('k', now), 1, 'two failures and one in flight: the limit');
    t.fail('k', now);
    // Three failures, none in flight: one more may probe; its failure starts the back-off.
    assert.equal(t.reserve('k', now), 0);
    assert.equal(t.reserve('k', now), 1);
    t.fail('k', now);
    assert.equal(t.reserve('k', now), 1, 'blocked for 1 s');
    assert.equal(t.reserve('k', now + 1000), 0, 'after the back-off, one probe');
    t.fail('k', now + 1000);
    assert.equal(t.reserve('k', now + 1000), 2, 'then 2 s');
  });

  it('a success clears the failures, and the attempts still in flight keep their places', () => {
    const t = new FailureThrottle(3, 60_000);
    t.reserve('k');
    t.fail('k');
    assert.deepEqual([t.reserve('k'), t.reserve('k')], [0, 0]);
    assert.equal(t.reserve('k'), 1, 'one failure and two in flight: the limit');
    t.succeed('k');
    assert.equal(t.reserve('k'), 0, 'no failures, one in flight');
    assert.equal(t.reserve('k'), 0);
    assert.equal(t.reserve('k'), 1, 'three in flight');
  });
});

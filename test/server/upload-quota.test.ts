import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { UploadQuota, type QuotaRefusal, type UploadReservation } from '../../src/server/core/upload-quota.js';
import type { UserRecord } from '../../src/server/store/port.js';

const alice = { id: 1, key: 'alice', name: 'alice' } as UserRecord;

function reservation(r: UploadReservation | QuotaRefusal): UploadReservation {
  assert.ok(!('kind' in r), `refused: ${JSON.stringify(r)}`);
  return r;
}

/** A quota over a fake store: `stored` is what the store says, `reads` how often it was asked. */
function quotaOf(quotaBytes: number, maxInFlight = 10) {
  const state = { stored: 0, reads: 0 };
  const quota = new UploadQuota({ quotaBytes, maxInFlight }, async () => {
    state.reads++;
    await new Promise((r) => setImmediate(r));
    return state.stored;
  });
  return { quota, state };
}

describe('UploadQuota: reservations of running uploads', () => {
  it('lets concurrent uploads share what is left, declared or streamed', async () => {
    const { quota, state } = quotaOf(100);
    state.stored = 20;
    const results = await Promise.all([quota.begin(alice, 50), quota.begin(alice, 50), quota.begin(alice, undefined)]);
    assert.ok(!('kind' in results[0]!));
    assert.deepEqual(results[1], { kind: 'over-quota', left: 30 });
    const streamed = reservation(results[2]!);
    assert.equal(state.reads, 1, 'the store is read once while uploads run');
    assert.equal(streamed.grow(30), true);
    assert.equal(streamed.grow(1), false, 'not a byte past the quota');
    assert.equal(streamed.bytes, 30);
    assert.deepEqual(await quota.begin(alice, 0), { kind: 'over-quota', left: 0 }, 'an empty upload too, once it is used up');
  });

  it('frees a released reservation, and counts a committed one once, as stored', async () => {
    const { quota, state } = quotaOf(100);
    const a = reservation(await quota.begin(alice, 60));
    const b = reservation(await quota.begin(alice, 30));
    a.release();
    a.release();
    const c = reservation(await quota.begin(alice, 70));
    await b.commit(async () => {
      state.stored += 30; // the record, as the store will count it from now on
    });
    assert.deepEqual(await quota.begin(alice, 1), { kind: 'over-quota', left: 0 });
    c.release();
    assert.equal(quota.inFlight(alice.id), 0);
    // Nothing running: the next upload reads the store again.
    const reads = state.reads;
    const d = reservation(await quota.begin(alice, 70));
    assert.equal(state.reads, reads + 1);
    assert.deepEqual(await quota.begin(alice, 1), { kind: 'over-quota', left: 0 });
    d.release();
  });

  it('releases the reservation of an upload whose record could not be stored', async () => {
    const { quota } = quotaOf(100);
    const a = reservation(await quota.begin(alice, 80));
    await assert.rejects(a.commit(() => Promise.reject(new Error('disk full'))), /disk full/);
    reservation(await quota.begin(alice, 100)).release();
  });

  it('caps the uploads running at once', async () => {
    const { quota } = quotaOf(100, 2);
    const running = [reservation(await quota.begin(alice, 1)), reservation(await quota.begin(alice, 1))];
    assert.deepEqual(await quota.begin(alice, 1), { kind: 'too-many', limit: 2 });
    running[0]!.release();
    reservation(await quota.begin(alice, 1)).release();
    running[1]!.release();
  });
});

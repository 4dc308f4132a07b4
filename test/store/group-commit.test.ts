import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { GroupCommit, type BatchCommitter, type Outcome } from '../../src/server/store/group-commit.js';

/** A committer that records its batches; a write "bad" fails any batch it is in, "down" fails like a lost connection. */
class Recorder implements BatchCommitter<string, string> {
  batches: string[][] = [];
  each: string[][] = [];
  /** When set, commits wait for it (an asynchronous database). */
  gate: Promise<void> | undefined;

  async commit(batch: string[]): Promise<string[]> {
    this.batches.push(batch);
    if (this.gate) await this.gate;
    if (batch.includes('down')) throw Object.assign(new Error('connection lost'), { code: 'down' });
    if (batch.includes('bad')) throw Object.assign(new Error('bad row'), { code: 'bad' });
    return batch.map((w) => `ok:${w}`);
  }

  commitEach(batch: string[]): Outcome<string>[] {
    this.each.push(batch);
    return batch.map((w) => (w === 'bad' ? { ok: false, error: new Error('bad row') } : { ok: true, value: `ok:${w}` }));
  }

  mayBeOneWrite(error: unknown): boolean {
    return (error as { code?: string }).code === 'bad';
  }
}

describe('GroupCommit', () => {
  it('commits the writes of one turn as one batch and settles them in call order', async () => {
    const rec = new Recorder();
    const queue = new GroupCommit(rec, 100);
    const order: string[] = [];
    const all = ['a', 'b', 'c'].map((w) => queue.enqueue(w).then((r) => order.push(r)));
    await Promise.all(all);
    assert.deepEqual(rec.batches, [['a', 'b', 'c']]);
    assert.deepEqual(order, ['ok:a', 'ok:b', 'ok:c']);
  });

  it('never puts more than maxBatch writes in a batch, and keeps their order across batches', async () => {
    const rec = new Recorder();
    const queue = new GroupCommit(rec, 2);
    const results = await Promise.all(['a', 'b', 'c', 'd', 'e'].map((w) => queue.enqueue(w)));
    assert.deepEqual(rec.batches, [['a', 'b'], ['c', 'd'], ['e']]);
    assert.deepEqual(results, ['ok:a', 'ok:b', 'ok:c', 'ok:d', 'ok:e']);
  });

  it('puts writes queued while a batch commits into the next batch', async () => {
    const rec = new Recorder();
    let open!: () => void;
    rec.gate = new Promise((r) => (open = r));
    const queue = new GroupCommit(rec, 100);
    const first = queue.enqueue('a');
    while (rec.batches.length === 0) await new Promise((r) => setImmediate(r));
    const later = [queue.enqueue('b'), queue.enqueue('c')];
    open();
    assert.deepEqual(await Promise.all([first, ...later]), ['ok:a', 'ok:b', 'ok:c']);
    assert.deepEqual(rec.batches, [['a'], ['b', 'c']]);
  });

  it('runs a batch that failed on a bad write again one by one, rejecting only that write', async () => {
    const rec = new Recorder();
    const queue = new GroupCommit(rec, 100);
    const settled = await Promise.allSettled(['a', 'bad', 'c'].map((w) => queue.enqueue(w)));
    assert.deepEqual(
      settled.map((s) => (s.status === 'fulfilled' ? s.value : (s.reason as Error).message)),
      ['ok:a', 'bad row', 'ok:c'],
    );
    assert.deepEqual(rec.each, [['a', 'bad', 'c']]);
  });

  it('rejects the whole batch, without retrying write by write, when the failure is not one write\'s', async () => {
    const rec = new Recorder();
    const queue = new GroupCommit(rec, 100);
    const settled = await Promise.allSettled(['a', 'down', 'c'].map((w) => queue.enqueue(w)));
    assert.deepEqual(settled.map((s) => s.status), ['rejected', 'rejected', 'rejected']);
    assert.deepEqual(rec.each, []);
    assert.equal(await queue.enqueue('d'), 'ok:d', 'the next batch commits');
  });

  it('commits what was queued before close and refuses writes after it', async () => {
    const rec = new Recorder();
    const queue = new GroupCommit(rec, 100);
    const pending = queue.enqueue('a');
    await queue.close();
    assert.equal(await pending, 'ok:a');
    await assert.rejects(queue.enqueue('b'), /closed/);
    assert.deepEqual(rec.batches, [['a']]);
  });
});

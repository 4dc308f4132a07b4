/**
 * Group commit, for both adapters: writes queued while nothing is committing go to the database
 * together, as one batch in one transaction (one fsync, or one round trip), and their promises
 * settle in the order the writes were queued. If a batch fails for a reason that may be one
 * write's fault, the adapter runs the writes again each on its own, so only the bad write is
 * rejected and the others still commit (and, for appends, take their seqs without gaps).
 */

export type Outcome<R> = { ok: true; value: R } | { ok: false; error: unknown };

/** How an adapter commits a batch: the queue and its ordering are GroupCommit's. */
export interface BatchCommitter<W, R> {
  /** Commits every write in one transaction; throws (with nothing committed) if any fails. */
  commit(batch: W[]): R[] | Promise<R[]>;
  /**
   * After `commit` failed with an error for which `mayBeOneWrite` holds: the writes again, each
   * on its own (a savepoint, a transaction), in order. Resolves with each write's outcome; throws
   * if the database itself fails (then every write of the batch is rejected with that error).
   */
  commitEach(batch: W[]): Outcome<R>[] | Promise<Outcome<R>[]>;
  /** Whether a failed batch may have failed on one bad write (not on the connection, say). */
  mayBeOneWrite(error: unknown): boolean;
}

export class GroupCommit<W, R> {
  private pending: { write: W; resolve: (value: R) => void; reject: (error: unknown) => void }[] = [];
  private scheduled = false;
  private draining: Promise<void> | undefined;
  private closed = false;

  constructor(
    private readonly committer: BatchCommitter<W, R>,
    /** Most writes committed in one batch; a full batch starts committing at once. */
    private readonly maxBatch: number,
  ) {}

  /** Queues a write for the next batch; rejects at once once the store is closing. */
  enqueue(write: W): Promise<R> {
    if (this.closed) return Promise.reject(new Error('store is closed'));
    return new Promise<R>((resolve, reject) => {
      this.pending.push({ write, resolve, reject });
      if (this.draining) return; // the running drain takes it in its next batch
      if (this.pending.length >= this.maxBatch) this.startDrain();
      else if (!this.scheduled) {
        this.scheduled = true;
        // Next turn: everything queued in this one goes in the same batch.
        setImmediate(() => this.startDrain());
      }
    });
  }

  /** Refuses new writes and resolves once every queued write has settled. */
  async close(): Promise<void> {
    this.closed = true;
    if (this.pending.length > 0) this.startDrain();
    await this.draining;
  }

  private startDrain(): void {
    this.scheduled = false;
    this.draining ??= this.drain();
  }

  /**
   * Commits batches one after another until none is pending. The first batch commits before this
   * returns its promise if the committer is synchronous (SQLite), as a full batch should.
   */
  private async drain(): Promise<void> {
    try {
      while (this.pending.length > 0) {
        const batch = this.pending.splice(0, this.maxBatch);
        const writes = batch.map((p) => p.write);
        try {
          const values = await this.commitWhole(writes);
          if (values) {
            for (let i = 0; i < batch.length; i++) batch[i]!.resolve(values[i]!);
            continue;
          }
          const outcomes = await this.committer.commitEach(writes);
          for (let i = 0; i < batch.length; i++) {
            const o = outcomes[i]!;
            if (o.ok) batch[i]!.resolve(o.value);
            else batch[i]!.reject(o.error);
          }
        } catch (error) {
          for (const p of batch) p.reject(error);
        }
      }
    } finally {
      // Cleared in the same turn as the last check, so a write queued after it starts a new drain.
      this.draining = undefined;
    }
  }

  /** The batch's results, or undefined if it failed in a way that one-by-one may get past. */
  private async commitWhole(writes: W[]): Promise<R[] | undefined> {
    try {
      return await this.committer.commit(writes);
    } catch (error) {
      if (writes.length > 1 && this.committer.mayBeOneWrite(error)) return undefined;
      throw error;
    }
  }
}

import type Database from 'better-sqlite3';
import { GroupCommit, type BatchCommitter, type Outcome } from '../group-commit.js';

/** A write for the next group commit: `run` executes inside the batch's transaction. */
type Write = () => unknown;

/**
 * What an aggregate keeps in memory across the writes of one batch (messages count seqs there).
 * Writes may run twice (fast, then careful), so what they cache must be reset when rolled back.
 */
export interface BatchState {
  /** A fast batch begins (in its transaction). */
  begin(): void;
  /** Every write of the fast batch ran: write back what was kept in memory (still in the transaction). */
  finish(): void;
  /** The fast batch ended, committed or not. */
  end(): void;
  /** Something was rolled back: forget what may have gone with it. */
  rolledBack(): void;
}

/**
 * The SQLite side of group commit (group-commit.ts). better-sqlite3 is synchronous, so every write
 * queued within one event-loop turn is committed in one IMMEDIATE transaction (one fsync) on the
 * next turn, with no savepoint per write: a message then costs one INSERT. If any write throws,
 * that transaction is rolled back whole and the batch runs again with each write in its own
 * savepoint, so only the failing write is rejected (writes touch nothing but the database and the
 * caches BatchState resets, so running them twice is safe).
 */
export class SqliteWriter implements BatchCommitter<Write, unknown> {
  private readonly states: BatchState[] = [];
  private readonly queue: GroupCommit<Write, unknown>;

  constructor(
    private readonly db: Database.Database,
    maxBatch: number,
  ) {
    this.queue = new GroupCommit(this, maxBatch);
  }

  /** Registers an aggregate's per-batch state. */
  track(state: BatchState): void {
    this.states.push(state);
  }

  /** Queues a write for the next group commit; it resolves once committed, in call order. */
  queued<T>(run: () => T): Promise<T> {
    return this.queue.enqueue(run) as Promise<T>;
  }

  /** Commits what is queued; no write is accepted afterwards. */
  close(): Promise<void> {
    return this.queue.close();
  }

  commit(batch: Write[]): unknown[] {
    try {
      return this.fastBatch(batch);
    } catch (err) {
      // A rolled-back transaction may have taken new conversations' rows with it.
      for (const s of this.states) s.rolledBack();
      throw err;
    }
  }

  commitEach(batch: Write[]): Outcome<unknown>[] {
    try {
      const outcomes = this.carefulBatch(batch);
      // A write rolled back to its savepoint may have taken a new conversation's row with it.
      if (outcomes.some((o) => !o.ok)) for (const s of this.states) s.rolledBack();
      return outcomes;
    } catch (err) {
      for (const s of this.states) s.rolledBack();
      throw err;
    }
  }

  /** Any failure may be one write's: the careful batch tells. */
  mayBeOneWrite(): boolean {
    return true;
  }

  // IMMEDIATE: the write lock is taken at BEGIN, so a seq read at the start of the batch is still
  // the last one when the batch writes it back, even with another process on the file.
  private readonly fastBatch = (batch: Write[]): unknown[] =>
    this.db
      .transaction((list: Write[]) => {
        for (const s of this.states) s.begin();
        try {
          const values = list.map((run) => run());
          for (const s of this.states) s.finish();
          return values;
        } finally {
          for (const s of this.states) s.end();
        }
      })
      .immediate(batch);

  private readonly carefulBatch = (batch: Write[]): Outcome<unknown>[] =>
    this.db.transaction((list: Write[]) =>
      list.map((run): Outcome<unknown> => {
        try {
          // A nested transaction is a savepoint in better-sqlite3.
          return { ok: true, value: this.db.transaction(run)() };
        } catch (error) {
          return { ok: false, error };
        }
      }),
    )(batch);
}

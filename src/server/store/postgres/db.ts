import type pg from 'pg';
import type { StoredMessage } from '../ports/messages.js';
import { attachReactions, type ReactionRow } from '../rows.js';

/** A pool or one of its connections (inside a transaction). */
export type Queryable = Pick<pg.Pool, 'query'>;

/** Deadlock, serialization failure: the transaction rolled back and may simply run again. */
export const RETRYABLE = new Set(['40P01', '40001']);

/**
 * An error about the data of a write (SQLSTATE class 22, data exception, or 23, integrity
 * constraint violation), as opposed to one about the connection or the server: only then may the
 * other writes of its batch succeed on their own.
 */
export function isBadRow(err: unknown): boolean {
  const code = (err as { code?: unknown }).code;
  return typeof code === 'string' && (code.startsWith('22') || code.startsWith('23'));
}

/** What the PostgreSQL sub-stores share: the pool, and the ways they order and retry writes. */
export class PgContext {
  /** The last write queued per key (a conversation's changes, a user's markers), so they resolve in call order. */
  private readonly chains = new Map<string, Promise<unknown>>();

  constructor(readonly pool: pg.Pool) {}

  /** Runs writes of one key one after another, in call order (the pool would otherwise race them). */
  chained<T>(key: string, run: () => Promise<T>): Promise<T> {
    const previous = this.chains.get(key) ?? Promise.resolve();
    const next = previous.then(run, run);
    const settled = next.catch(() => undefined);
    this.chains.set(key, settled);
    void settled.then(() => {
      if (this.chains.get(key) === settled) this.chains.delete(key);
    });
    return next;
  }

  /** One transaction on one pooled connection; rolled back if `run` throws. */
  async transaction<T>(run: (db: pg.PoolClient) => Promise<T>): Promise<T> {
    const client = await this.pool.connect();
    try {
      await client.query('BEGIN');
      const result = await run(client);
      await client.query('COMMIT');
      return result;
    } catch (err) {
      await client.query('ROLLBACK').catch(() => undefined); // the error that made us roll back is rethrown
      throw err;
    } finally {
      client.release();
    }
  }

  /** Runs a transaction again after a deadlock or serialization failure (it rolled back whole). */
  async retrying<T>(run: () => Promise<T>): Promise<T> {
    for (let attempt = 1; ; attempt++) {
      try {
        return await run();
      } catch (err) {
        if (attempt >= 5 || !RETRYABLE.has((err as { code?: string }).code ?? '')) throw err;
      }
    }
  }
}

/** Fills in the reactions of messages of one conversation, with one query (the order given is kept). */
export async function withReactions(db: Queryable, conv: string, messages: StoredMessage[]): Promise<StoredMessage[]> {
  if (messages.length === 0) return messages;
  const { rows } = await db.query<ReactionRow>('SELECT seq, emoji, user_name FROM reactions WHERE conv = $1 AND seq = ANY($2) ORDER BY seq, ts, user_id', [
    conv,
    messages.map((m) => m.seq),
  ]);
  return attachReactions(messages, rows);
}

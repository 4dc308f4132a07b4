import type pg from 'pg';
import type { Outcome, BatchCommitter } from '../group-commit.js';
import type { AppendResult, NewMessage, StoredMessage } from '../ports/messages.js';
import { toMessage, type MessageRow } from '../rows.js';
import { RETRYABLE, isBadRow } from './db.js';

/**
 * The PostgreSQL side of group commit (group-commit.ts) for appends: everything appended while
 * the previous batch commits goes in the next one, and a batch is one call of banter_append
 * (routines.ts), one round trip. It locks the batch's conversation rows (in key order, so two
 * nodes cannot deadlock), then numbers each message from last_seq: the row lock makes writers on
 * different nodes take turns per conversation, so seq stays gap-free and strictly increasing.
 */
export class PgAppends implements BatchCommitter<NewMessage, AppendResult> {
  constructor(
    private readonly pool: pg.Pool,
    /** The message as it is now (for a retried send: edited, deleted, reacted to). */
    private readonly current: (conv: string, seq: number) => Promise<StoredMessage | null>,
  ) {}

  async commit(messages: NewMessage[]): Promise<AppendResult[]> {
    for (let attempt = 1; ; attempt++) {
      try {
        return await this.tryBatch(messages);
      } catch (err) {
        // Another node stored the same (sender, cid) between our check and our insert, or a
        // lock conflict: the whole batch rolled back, and the next try sees the other's commit.
        const { code, constraint } = err as { code?: string; constraint?: string };
        const retry = RETRYABLE.has(code ?? '') || (code === '23505' && constraint === 'messages_by_cid');
        if (attempt >= 5 || !retry) throw err;
      }
    }
  }

  /**
   * The batch failed for good on a bad write (a constraint, a value PostgreSQL refuses) and rolled
   * back whole. Each write runs again on its own, in order, so only the bad one is rejected and
   * the others take their seqs gap-free. Any other failure meanwhile (the database gone) fails the
   * rest at once rather than write by write.
   */
  async commitEach(messages: NewMessage[]): Promise<Outcome<AppendResult>[]> {
    const outcomes: Outcome<AppendResult>[] = [];
    for (const m of messages) {
      try {
        outcomes.push({ ok: true, value: (await this.commit([m]))[0]! });
      } catch (error) {
        outcomes.push({ ok: false, error });
        if (!isBadRow(error)) {
          while (outcomes.length < messages.length) outcomes.push({ ok: false, error });
          break;
        }
      }
    }
    return outcomes;
  }

  mayBeOneWrite(error: unknown): boolean {
    return isBadRow(error);
  }

  /** One statement: banter_append locks, dedupes, numbers and inserts the batch. */
  private async tryBatch(messages: NewMessage[]): Promise<AppendResult[]> {
    const { rows } = await this.pool.query<MessageRow & { i: number; duplicate: boolean }>('SELECT * FROM banter_append($1, $2, $3, $4, $5, $6, $7)', [
      messages.map((m) => m.conv),
      messages.map((m) => m.senderId),
      messages.map((m) => m.senderName),
      messages.map((m) => m.kind),
      messages.map((m) => m.body),
      messages.map((m) => m.cid),
      Date.now(),
    ]);
    if (rows.length !== messages.length) throw new Error(`banter_append gave ${rows.length} rows for ${messages.length} messages`);
    const results = rows.sort((a, b) => a.i - b.i).map((r) => ({ message: toMessage(r), duplicate: r.duplicate }));
    // A retried send answers with the message as it is now: edited, deleted, reacted to.
    for (const r of results) if (r.duplicate) r.message = (await this.current(r.message.conv, r.message.seq)) ?? r.message;
    return results;
  }
}

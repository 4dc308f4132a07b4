import { GroupCommit } from '../group-commit.js';
import type {
  AppendResult,
  ChangeResult,
  ConversationSummary,
  HistoryQuery,
  MessageChange,
  MessageStore,
  NewMessage,
  StoredMessage,
} from '../ports/messages.js';
import { toMessage, type MessageRow } from '../rows.js';
import { PgAppends } from './appends.js';
import { withReactions, type PgContext } from './db.js';
import { applyChange } from './message-changes.js';

export class PgMessages implements MessageStore {
  private readonly appends: GroupCommit<NewMessage, AppendResult>;

  constructor(
    private readonly ctx: PgContext,
    maxBatch: number,
  ) {
    this.appends = new GroupCommit(new PgAppends(ctx.pool, (conv, seq) => this.find(conv, seq)), maxBatch);
  }

  private get pool() {
    return this.ctx.pool;
  }

  append(message: NewMessage): Promise<AppendResult> {
    return this.appends.enqueue(message);
  }

  /** What was appended before close still commits. */
  close(): Promise<void> {
    return this.appends.close();
  }

  async history(conv: string, q: HistoryQuery): Promise<StoredMessage[]> {
    let rows: MessageRow[];
    const query = async (sql: string, params: unknown[]): Promise<MessageRow[]> => (await this.pool.query<MessageRow>(sql, params)).rows;
    if (q.after !== undefined && q.before !== undefined) {
      rows = await query('SELECT * FROM messages WHERE conv = $1 AND seq > $2 AND seq < $3 ORDER BY seq ASC LIMIT $4', [conv, q.after, q.before, q.limit]);
    } else if (q.after !== undefined) {
      rows = await query('SELECT * FROM messages WHERE conv = $1 AND seq > $2 ORDER BY seq ASC LIMIT $3', [conv, q.after, q.limit]);
    } else if (q.before !== undefined) {
      rows = (await query('SELECT * FROM messages WHERE conv = $1 AND seq < $2 ORDER BY seq DESC LIMIT $3', [conv, q.before, q.limit])).reverse();
    } else {
      rows = (await query('SELECT * FROM messages WHERE conv = $1 ORDER BY seq DESC LIMIT $2', [conv, q.limit])).reverse();
    }
    return withReactions(this.pool, conv, rows.map(toMessage));
  }

  async find(conv: string, seq: number): Promise<StoredMessage | null> {
    const row = (await this.pool.query<MessageRow>('SELECT * FROM messages WHERE conv = $1 AND seq = $2', [conv, seq])).rows[0];
    return row ? (await withReactions(this.pool, conv, [toMessage(row)]))[0]! : null;
  }

  change(conv: string, seq: number, change: MessageChange): Promise<ChangeResult | null> {
    return this.ctx.chained(`c:${conv}`, () => this.ctx.retrying(() => this.ctx.transaction((db) => applyChange(db, conv, seq, change))));
  }

  async changedAfter(conv: string, after: number, limit: number): Promise<StoredMessage[]> {
    const { rows } = await this.pool.query<MessageRow>('SELECT * FROM messages WHERE conv = $1 AND useq > $2 ORDER BY useq ASC LIMIT $3', [conv, after, limit]);
    // withReactions keeps the order it is given (useq here).
    return withReactions(this.pool, conv, rows.map(toMessage));
  }

  async lastUpdateSeqs(convs: string[]): Promise<Record<string, number>> {
    const out: Record<string, number> = {};
    for (const c of convs) out[c] = 0;
    if (convs.length === 0) return out;
    const { rows } = await this.pool.query<{ key: string; last_useq: number }>('SELECT key, last_useq FROM conversations WHERE key = ANY($1)', [convs]);
    for (const r of rows) out[r.key] = r.last_useq;
    return out;
  }

  async countUnread(conv: string, after: number, exceptSenderId: number, cap: number): Promise<number> {
    const { rows } = await this.pool.query<{ n: number }>(
      'SELECT count(*) AS n FROM (SELECT 1 FROM messages WHERE conv = $1 AND seq > $2 AND sender_id <> $3 AND NOT deleted LIMIT $4) AS unread',
      [conv, after, exceptSenderId, cap],
    );
    return rows[0]!.n;
  }

  async conversationsOf(userKey: string): Promise<ConversationSummary[]> {
    const { rows } = await this.pool.query<{ key: string; last_seq: number; last_ts: number | null; peer: string | null }>(
      `SELECT c.key, c.last_seq, c.last_ts, u.name AS peer FROM conversations c
       LEFT JOIN users u ON u.key = (CASE WHEN c.user_a = $1 THEN c.user_b ELSE c.user_a END)
       WHERE c.key = '#lobby' OR c.user_a = $1 OR c.user_b = $1
       ORDER BY c.last_ts DESC NULLS LAST`,
      [userKey],
    );
    return rows.map((r) => ({ conv: r.key, lastSeq: r.last_seq, lastTs: r.last_ts, peer: r.key === '#lobby' ? null : r.peer }));
  }
}

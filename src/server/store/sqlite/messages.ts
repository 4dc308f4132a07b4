import type Database from 'better-sqlite3';
import { dmParties } from '../conversation-keys.js';
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
import { attachReactions, toMessage, type MessageRow, type ReactionRow } from '../rows.js';
import { applyChange, prepareChanges } from './message-changes.js';
import type { BatchState, SqliteWriter } from './writer.js';

export class SqliteMessages implements MessageStore, BatchState {
  private readonly stmt;
  private readonly changes;
  /** Conversations known to have their row (rows are never deleted): no INSERT per message for them. */
  private readonly knownConvs = new Set<string>();
  /** Within a fast batch: each conversation's last seq so far (written back at the batch's end). */
  private batchSeqs: Map<string, { seq: number; ts: number }> | null = null;

  constructor(
    db: Database.Database,
    private readonly writer: SqliteWriter,
  ) {
    this.stmt = {
      ensureConv: db.prepare('INSERT INTO conversations (key, user_a, user_b) VALUES (?, ?, ?) ON CONFLICT (key) DO NOTHING'),
      nextSeq: db.prepare('UPDATE conversations SET last_seq = last_seq + 1, last_ts = ? WHERE key = ? RETURNING last_seq'),
      lastSeq: db.prepare('SELECT last_seq FROM conversations WHERE key = ?').pluck(),
      setLastSeq: db.prepare('UPDATE conversations SET last_seq = ?, last_ts = ? WHERE key = ?'),
      byCid: db.prepare('SELECT * FROM messages WHERE sender_id = ? AND cid = ?'),
      insert: db.prepare('INSERT INTO messages (conv, seq, ts, sender_id, sender_name, kind, body, cid) VALUES (?, ?, ?, ?, ?, ?, ?, ?)'),
      latest: db.prepare('SELECT * FROM messages WHERE conv = ? ORDER BY seq DESC LIMIT ?'),
      before: db.prepare('SELECT * FROM messages WHERE conv = ? AND seq < ? ORDER BY seq DESC LIMIT ?'),
      after: db.prepare('SELECT * FROM messages WHERE conv = ? AND seq > ? ORDER BY seq ASC LIMIT ?'),
      between: db.prepare('SELECT * FROM messages WHERE conv = ? AND seq > ? AND seq < ? ORDER BY seq ASC LIMIT ?'),
      message: db.prepare('SELECT * FROM messages WHERE conv = ? AND seq = ?'),
      reactionsIn: db.prepare('SELECT seq, emoji, user_name FROM reactions WHERE conv = ? AND seq >= ? AND seq <= ? ORDER BY seq, ts, user_id'),
      changedAfter: db.prepare('SELECT * FROM messages WHERE conv = ? AND useq > ? ORDER BY useq ASC LIMIT ?'),
      lastUseq: db.prepare('SELECT last_useq FROM conversations WHERE key = ?').pluck(),
      countUnread: db.prepare('SELECT count(*) FROM (SELECT 1 FROM messages WHERE conv = ? AND seq > ? AND sender_id != ? AND deleted = 0 LIMIT ?)').pluck(),
      convsOf: db.prepare(`
        SELECT c.key, c.last_seq, c.last_ts, u.name AS peer FROM conversations c
        LEFT JOIN users u ON u.key = (CASE WHEN c.user_a = @key THEN c.user_b ELSE c.user_a END)
        WHERE c.key = '#lobby' OR c.user_a = @key OR c.user_b = @key
        ORDER BY c.last_ts DESC`),
    };
    this.changes = prepareChanges(db);
    this.stmt.ensureConv.run('#lobby', null, null);
    this.knownConvs.add('#lobby');
    writer.track(this);
  }

  append(message: NewMessage): Promise<AppendResult> {
    return this.writer.queued(() => {
      const m = message;
      if (m.cid !== null) {
        const prior = this.stmt.byCid.get(m.senderId, m.cid) as MessageRow | undefined;
        if (prior) return { message: this.withReactions(toMessage(prior)), duplicate: true };
      }
      if (!this.knownConvs.has(m.conv)) {
        const [a, b] = dmParties(m.conv) ?? [null, null];
        this.stmt.ensureConv.run(m.conv, a, b);
        this.knownConvs.add(m.conv);
      }
      const ts = Date.now();
      const seq = this.nextSeq(m.conv, ts);
      this.stmt.insert.run(m.conv, seq, ts, m.senderId, m.senderName, m.kind, m.body, m.cid);
      return { message: { ...m, seq, ts }, duplicate: false };
    });
  }

  begin(): void {
    this.batchSeqs = new Map();
  }

  finish(): void {
    for (const [conv, last] of this.batchSeqs!) this.stmt.setLastSeq.run(last.seq, last.ts, conv);
  }

  end(): void {
    this.batchSeqs = null;
  }

  rolledBack(): void {
    this.knownConvs.clear();
    this.knownConvs.add('#lobby');
  }

  /** The next seq of a conversation: counted in memory within a fast batch, else one UPDATE. */
  private nextSeq(conv: string, ts: number): number {
    const seqs = this.batchSeqs;
    if (!seqs) return (this.stmt.nextSeq.get(ts, conv) as { last_seq: number }).last_seq;
    let last = seqs.get(conv);
    if (!last) seqs.set(conv, (last = { seq: this.stmt.lastSeq.get(conv) as number, ts }));
    last.seq++;
    last.ts = ts;
    return last.seq;
  }

  async history(conv: string, q: HistoryQuery): Promise<StoredMessage[]> {
    let rows: MessageRow[];
    if (q.after !== undefined && q.before !== undefined) rows = this.stmt.between.all(conv, q.after, q.before, q.limit) as MessageRow[];
    else if (q.after !== undefined) rows = this.stmt.after.all(conv, q.after, q.limit) as MessageRow[];
    else if (q.before !== undefined) rows = (this.stmt.before.all(conv, q.before, q.limit) as MessageRow[]).reverse();
    else rows = (this.stmt.latest.all(conv, q.limit) as MessageRow[]).reverse();
    return this.withReactionsAll(conv, rows.map(toMessage));
  }

  /** Fills in the reactions of messages of one conversation, with one range query. */
  private withReactionsAll(conv: string, messages: StoredMessage[]): StoredMessage[] {
    if (messages.length === 0) return messages;
    const seqs = messages.map((m) => m.seq);
    const rows = this.stmt.reactionsIn.all(conv, Math.min(...seqs), Math.max(...seqs)) as ReactionRow[];
    return rows.length === 0 ? messages : attachReactions(messages, rows);
  }

  private readonly withReactions = (m: StoredMessage): StoredMessage => this.withReactionsAll(m.conv, [m])[0]!;

  async find(conv: string, seq: number): Promise<StoredMessage | null> {
    const row = this.stmt.message.get(conv, seq) as MessageRow | undefined;
    return row ? this.withReactions(toMessage(row)) : null;
  }

  change(conv: string, seq: number, change: MessageChange): Promise<ChangeResult | null> {
    return this.writer.queued(() => applyChange(this.changes, conv, seq, change, this.withReactions));
  }

  async changedAfter(conv: string, after: number, limit: number): Promise<StoredMessage[]> {
    const rows = this.stmt.changedAfter.all(conv, after, limit) as MessageRow[];
    // Reactions per message: the rows are in useq order, not a seq range.
    return rows.map((r) => this.withReactions(toMessage(r)));
  }

  async lastUpdateSeqs(convs: string[]): Promise<Record<string, number>> {
    const out: Record<string, number> = {};
    for (const c of convs) out[c] = (this.stmt.lastUseq.get(c) as number | undefined) ?? 0;
    return out;
  }

  async countUnread(conv: string, after: number, exceptSenderId: number, cap: number): Promise<number> {
    return this.stmt.countUnread.get(conv, after, exceptSenderId, cap) as number;
  }

  async conversationsOf(userKey: string): Promise<ConversationSummary[]> {
    const rows = this.stmt.convsOf.all({ key: userKey }) as { key: string; last_seq: number; last_ts: number | null; peer: string | null }[];
    return rows.map((r) => ({ conv: r.key, lastSeq: r.last_seq, lastTs: r.last_ts, peer: r.key === '#lobby' ? null : r.peer }));
  }
}

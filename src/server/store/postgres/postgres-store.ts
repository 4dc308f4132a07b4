import pg from 'pg';
import type { MutedUntil } from '../../../protocol/index.js';
import {
  DuplicateRoomError,
  DuplicateUserError,
  type AppendResult,
  type ChangeResult,
  type MessageChange,
  type NewRoom,
  type ReadMarker,
  type RoomCounts,
  type RoomPage,
  type RoomListing,
  type RoomMember,
  type RoomPatch,
  type RoomRecord,
  type RoomSummary,
  type AuditEntry,
  type AuditRecord,
  type ConversationSummary,
  type FileRecord,
  type HistoryQuery,
  type NewMessage,
  type NewUser,
  type SessionRecord,
  type Store,
  type StoredMessage,
  type UserPatch,
  type UserRecord,
} from '../port.js';
import { MIGRATIONS } from './migrations.js';
import { attachReactions, fromMuted, toMember, toMessage, toRoom, toUser, type MemberRow, type MessageRow, type RoomRow, type ReactionRow, type UserRow } from '../rows.js';

export interface PostgresStoreOptions {
  /** Schema to keep the tables in (created if missing); default: the server's search_path. */
  schema?: string;
  /** Most messages committed in one transaction. */
  maxBatch?: number;
  /** Connections in the pool. */
  poolSize?: number;
}

interface PendingAppend {
  message: NewMessage;
  resolve: (result: AppendResult) => void;
  reject: (error: unknown) => void;
}

/** pg_advisory_xact_lock key that serialises migrations of nodes starting at once ("bant"). */
const MIGRATION_LOCK = 0x62616e74;
/** Deadlock, serialization failure: the batch rolled back and may simply run again. */
const RETRYABLE = new Set(['40P01', '40001']);
/** A pool or one of its connections (inside a transaction). */
type Queryable = Pick<pg.Pool, 'query'>;

const SCHEMA_NAME = /^[A-Za-z_][A-Za-z0-9_]{0,62}$/;

// BIGINT (int8) and NUMERIC (SUM of BIGINT) as numbers: every value we store fits in 2^53.
const TYPES = {
  getTypeParser: ((oid: number, format?: 'text' | 'binary') =>
    oid === 20 || oid === 1700 ? (v: string) => Number(v) : pg.types.getTypeParser(oid, format)) as typeof pg.types.getTypeParser,
};

/**
 * The PostgreSQL store, for several nodes sharing one database. Appends are grouped like the
 * SQLite adapter's: everything appended while the previous batch commits goes in the next one,
 * and a batch is one call of the banter_append function (migration v2), one round trip. It locks
 * the batch's conversation rows (in key order, so two nodes cannot deadlock), then numbers each
 * message from last_seq: the row lock makes writers on different nodes take turns per
 * conversation, so seq stays gap-free and strictly increasing. A batch that fails for good runs
 * again one write at a time, so a bad write is the only one rejected.
 */
export class PostgresStore implements Store {
  private pending: PendingAppend[] = [];
  private draining: Promise<void> | undefined;
  private flushScheduled = false;
  private closed = false;
  private readonly purgeTimer: NodeJS.Timeout;
  private readonly maxBatch: number;
  /** The last write queued per key (a conversation's changes, a user's markers), so they resolve in call order. */
  private readonly chains = new Map<string, Promise<unknown>>();
  /** The last error of an idle pooled connection; the next query reports its own. */
  lastIdleError: Error | undefined;

  private constructor(
    private readonly pool: pg.Pool,
    options: PostgresStoreOptions,
  ) {
    this.maxBatch = options.maxBatch ?? 2000;
    this.pool.on('error', (err) => (this.lastIdleError = err));
    // The store has no logger: a failed purge only leaves expired sessions (refused when used) for
    // the next hourly run, and a database that is down shows on every request that needs it.
    this.purgeTimer = setInterval(() => void this.purgeSessions().catch(() => undefined), 3600_000);
    this.purgeTimer.unref();
  }

  /** Connects, migrates the schema and purges expired sessions; throws StoreUnavailableError if the server cannot be reached. */
  static async open(url: string, options: PostgresStoreOptions = {}): Promise<PostgresStore> {
    const { connectionString, schema } = splitUrl(url, options.schema);
    const pool = new pg.Pool({
      connectionString,
      max: options.poolSize ?? 10,
      types: TYPES,
      connectionTimeoutMillis: 10_000,
      ...(schema ? { options: `-c search_path=${schema}` } : {}),
    });
    pool.on('error', () => undefined); // replaced by the instance's handler below
    try {
      await migrate(pool, schema);
    } catch (err) {
      await pool.end().catch(() => undefined); // the migration's error is the one to report
      if (err instanceof SchemaTooNewError) throw err;
      throw new StoreUnavailableError(redact(url), err as Error);
    }
    const store = new PostgresStore(pool, options);
    await store.purgeSessions();
    return store;
  }

  private async purgeSessions(): Promise<void> {
    await this.pool.query('DELETE FROM sessions WHERE expires_at < $1', [Date.now()]);
  }

  async createUser(user: NewUser): Promise<UserRecord> {
    try {
      const { rows } = await this.pool.query<{ id: number }>(
        'INSERT INTO users (name, key, pass_hash, role, created_at) VALUES ($1, $2, $3, $4, $5) RETURNING id',
        [user.name, user.key, user.passHash, user.role, user.createdAt],
      );
      return { ...user, id: rows[0]!.id, mutedUntil: null, banReason: null };
    } catch (err) {
      if ((err as { code?: string }).code === '23505') throw new DuplicateUserError(user.key);
      throw err;
    }
  }

  async findUserByKey(key: string): Promise<UserRecord | null> {
    return toUser((await this.pool.query<UserRow>('SELECT * FROM users WHERE key = $1', [key])).rows[0]);
  }

  async findUserById(id: number): Promise<UserRecord | null> {
    return toUser((await this.pool.query<UserRow>('SELECT * FROM users WHERE id = $1', [id])).rows[0]);
  }

  async updateUser(id: number, patch: UserPatch): Promise<void> {
    const columns: [string, unknown][] = [];
    if (patch.passHash !== undefined) columns.push(['pass_hash', patch.passHash]);
    if (patch.role !== undefined) columns.push(['role', patch.role]);
    if (patch.mutedUntil !== undefined) columns.push(['muted_until', fromMuted(patch.mutedUntil)]);
    if (patch.banReason !== undefined) columns.push(['ban_reason', patch.banReason]);
    if (columns.length === 0) return;
    const sets = columns.map(([c], i) => `${c} = $${i + 1}`);
    await this.pool.query(`UPDATE users SET ${sets.join(', ')} WHERE id = $${columns.length + 1}`, [...columns.map(([, v]) => v), id]);
  }

  async createSession(s: SessionRecord): Promise<void> {
    await this.pool.query('INSERT INTO sessions (token_hash, user_id, created_at, expires_at, revoked) VALUES ($1, $2, $3, $4, $5)', [
      s.tokenHash,
      s.userId,
      s.createdAt,
      s.expiresAt,
      s.revoked,
    ]);
  }

  async findSession(tokenHash: string): Promise<SessionRecord | null> {
    const { rows } = await this.pool.query<{ token_hash: string; user_id: number; created_at: number; expires_at: number; revoked: boolean }>(
      'SELECT * FROM sessions WHERE token_hash = $1',
      [tokenHash],
    );
    const row = rows[0];
    if (!row) return null;
    return { tokenHash: row.token_hash, userId: row.user_id, createdAt: row.created_at, expiresAt: row.expires_at, revoked: row.revoked };
  }

  async extendSession(tokenHash: string, expiresAt: number): Promise<void> {
    await this.pool.query('UPDATE sessions SET expires_at = $1 WHERE token_hash = $2', [expiresAt, tokenHash]);
  }

  async revokeSession(tokenHash: string): Promise<void> {
    await this.pool.query('UPDATE sessions SET revoked = TRUE WHERE token_hash = $1', [tokenHash]);
  }

  async revokeUserSessions(userId: number): Promise<number> {
    return (await this.pool.query('UPDATE sessions SET revoked = TRUE WHERE user_id = $1 AND NOT revoked', [userId])).rowCount ?? 0;
  }

  appendMessage(message: NewMessage): Promise<AppendResult> {
    if (this.closed) return Promise.reject(new Error('store is closed'));
    return new Promise((resolve, reject) => {
      this.pending.push({ message, resolve, reject });
      if (!this.flushScheduled && !this.draining) {
        this.flushScheduled = true;
        setImmediate(() => this.startDrain());
      }
    });
  }

  private startDrain(): void {
    this.flushScheduled = false;
    this.draining ??= this.drain();
  }

  /** Commits batches one after another (so appends settle in call order) until none is pending. */
  private async drain(): Promise<void> {
    try {
      while (this.pending.length > 0) {
        const batch = this.pending.splice(0, this.maxBatch);
        let results: AppendResult[];
        try {
          results = await this.commitBatch(batch.map((p) => p.message));
        } catch (err) {
          if (batch.length > 1 && isBadRow(err)) await this.oneByOne(batch);
          else for (const p of batch) p.reject(err);
          continue;
        }
        for (let i = 0; i < batch.length; i++) batch[i]!.resolve(results[i]!);
      }
    } finally {
      // Cleared in the same turn as the last check, so an append made after it starts a new drain.
      this.draining = undefined;
    }
  }

  private async commitBatch(messages: NewMessage[]): Promise<AppendResult[]> {
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
   * the others take their seqs gap-free, as the SQLite store's careful batch does. Any other
   * failure meanwhile (the database gone) fails the rest at once rather than write by write.
   */
  private async oneByOne(batch: PendingAppend[]): Promise<void> {
    for (let i = 0; i < batch.length; i++) {
      try {
        batch[i]!.resolve((await this.commitBatch([batch[i]!.message]))[0]!);
      } catch (err) {
        batch[i]!.reject(err);
        if (!isBadRow(err)) {
          for (const p of batch.slice(i + 1)) p.reject(err);
          return;
        }
      }
    }
  }

  /** One statement: banter_append (migration v2) locks, dedupes, numbers and inserts the batch. */
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
    for (const r of results) if (r.duplicate) r.message = (await this.findMessage(r.message.conv, r.message.seq)) ?? r.message;
    return results;
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
    return this.withReactions(this.pool, conv, rows.map(toMessage));
  }

  /** Fills in the reactions of messages of one conversation, with one query. */
  private async withReactions(db: Queryable, conv: string, messages: StoredMessage[]): Promise<StoredMessage[]> {
    if (messages.length === 0) return messages;
    const { rows } = await db.query<ReactionRow>('SELECT seq, emoji, user_name FROM reactions WHERE conv = $1 AND seq = ANY($2) ORDER BY seq, ts, user_id', [
      conv,
      messages.map((m) => m.seq),
    ]);
    return attachReactions(messages, rows);
  }

  /** Runs writes of one key one after another, in call order (the pool would otherwise race them). */
  private chained<T>(key: string, run: () => Promise<T>): Promise<T> {
    const previous = this.chains.get(key) ?? Promise.resolve();
    const next = previous.then(run, run);
    const settled = next.catch(() => undefined); // the caller gets the error from `next`; the chain only waits
    this.chains.set(key, settled);
    void settled.then(() => {
      if (this.chains.get(key) === settled) this.chains.delete(key);
    });
    return next;
  }

  /** One transaction on one pooled connection; rolled back if `run` throws. */
  private async transaction<T>(run: (db: pg.PoolClient) => Promise<T>): Promise<T> {
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

  advanceReadMarker(userId: number, conv: string, seq: number): Promise<{ seq: number; moved: boolean }> {
    return this.chained(`m:${userId}`, async () => {
      if (seq <= 0) return { seq: (await this.pool.query<{ seq: number }>('SELECT seq FROM read_markers WHERE user_id = $1 AND conv = $2', [userId, conv])).rows[0]?.seq ?? 0, moved: false };
      // One statement: the marker moves only forward, whichever node writes.
      const { rows } = await this.pool.query<{ seq: number }>(
        `INSERT INTO read_markers (user_id, conv, seq) VALUES ($1, $2, $3)
         ON CONFLICT (user_id, conv) DO UPDATE SET seq = excluded.seq WHERE read_markers.seq < excluded.seq
         RETURNING seq`,
        [userId, conv, seq],
      );
      if (rows.length > 0) return { seq: rows[0]!.seq, moved: true };
      const current = await this.pool.query<{ seq: number }>('SELECT seq FROM read_markers WHERE user_id = $1 AND conv = $2', [userId, conv]);
      return { seq: current.rows[0]?.seq ?? 0, moved: false };
    });
  }

  async readMarkers(userId: number): Promise<ReadMarker[]> {
    return (await this.pool.query<ReadMarker>('SELECT conv, seq FROM read_markers WHERE user_id = $1', [userId])).rows;
  }

  async countUnread(conv: string, after: number, exceptSenderId: number, cap: number): Promise<number> {
    const { rows } = await this.pool.query<{ n: number }>(
      'SELECT count(*) AS n FROM (SELECT 1 FROM messages WHERE conv = $1 AND seq > $2 AND sender_id <> $3 AND NOT deleted LIMIT $4) AS unread',
      [conv, after, exceptSenderId, cap],
    );
    return rows[0]!.n;
  }

  async findMessage(conv: string, seq: number): Promise<StoredMessage | null> {
    const row = (await this.pool.query<MessageRow>('SELECT * FROM messages WHERE conv = $1 AND seq = $2', [conv, seq])).rows[0];
    return row ? (await this.withReactions(this.pool, conv, [toMessage(row)]))[0]! : null;
  }

  changeMessage(conv: string, seq: number, change: MessageChange): Promise<ChangeResult | null> {
    return this.chained(`c:${conv}`, () => this.retrying(() => this.transaction((db) => this.applyChange(db, conv, seq, change))));
  }

  /**
   * The conversation's row is locked first, as banter_append locks it: changes from every node
   * take turns per conversation, so each takes last_useq + 1 and useq has no gaps.
   */
  private async applyChange(db: pg.PoolClient, conv: string, seq: number, change: MessageChange): Promise<ChangeResult | null> {
    const locked = await db.query('SELECT 1 FROM conversations WHERE key = $1 FOR UPDATE', [conv]);
    if (locked.rowCount === 0) return null;
    const row = (await db.query<MessageRow>('SELECT * FROM messages WHERE conv = $1 AND seq = $2', [conv, seq])).rows[0];
    if (!row || row.deleted) return null;
    let added = false;
    if (change.kind === 'react') {
      const had = (await db.query('SELECT 1 FROM reactions WHERE conv = $1 AND seq = $2 AND emoji = $3 AND user_id = $4', [conv, seq, change.emoji, change.userId])).rowCount! > 0;
      if (!had) {
        const { rows } = await db.query<{ emojis: number; has: boolean }>(
          'SELECT count(DISTINCT emoji) AS emojis, bool_or(emoji = $3) AS has FROM reactions WHERE conv = $1 AND seq = $2',
          [conv, seq, change.emoji],
        );
        if (!rows[0]!.has && rows[0]!.emojis >= change.maxEmojis) {
          return { message: (await this.withReactions(db, conv, [toMessage(row)]))[0]!, added: false, refused: true };
        }
        await db.query('INSERT INTO reactions (conv, seq, emoji, user_id, user_name, ts) VALUES ($1, $2, $3, $4, $5, $6)', [
          conv,
          seq,
          change.emoji,
          change.userId,
          change.userName,
          change.ts,
        ]);
      } else {
        await db.query('DELETE FROM reactions WHERE conv = $1 AND seq = $2 AND emoji = $3 AND user_id = $4', [conv, seq, change.emoji, change.userId]);
      }
      added = !had;
    }
    const { rows: useqRows } = await db.query<{ useq: number }>('UPDATE conversations SET last_useq = last_useq + 1 WHERE key = $1 RETURNING last_useq AS useq', [conv]);
    const useq = useqRows[0]!.useq;
    let after: MessageRow;
    if (change.kind === 'edit') {
      after = (await db.query<MessageRow>('UPDATE messages SET body = $1, edited_ts = $2, useq = $3 WHERE conv = $4 AND seq = $5 RETURNING *', [change.body, change.ts, useq, conv, seq])).rows[0]!;
    } else if (change.kind === 'delete') {
      after = (await db.query<MessageRow>("UPDATE messages SET body = '', deleted = TRUE, useq = $1 WHERE conv = $2 AND seq = $3 RETURNING *", [useq, conv, seq])).rows[0]!;
      await db.query('DELETE FROM reactions WHERE conv = $1 AND seq = $2', [conv, seq]);
    } else {
      after = (await db.query<MessageRow>('UPDATE messages SET useq = $1 WHERE conv = $2 AND seq = $3 RETURNING *', [useq, conv, seq])).rows[0]!;
    }
    return { message: (await this.withReactions(db, conv, [toMessage(after)]))[0]!, added };
  }

  /** Runs a transaction again after a deadlock or serialization failure (it rolled back whole). */
  private async retrying<T>(run: () => Promise<T>): Promise<T> {
    for (let attempt = 1; ; attempt++) {
      try {
        return await run();
      } catch (err) {
        if (attempt >= 5 || !RETRYABLE.has((err as { code?: string }).code ?? '')) throw err;
      }
    }
  }

  async changedAfter(conv: string, after: number, limit: number): Promise<StoredMessage[]> {
    const { rows } = await this.pool.query<MessageRow>('SELECT * FROM messages WHERE conv = $1 AND useq > $2 ORDER BY useq ASC LIMIT $3', [conv, after, limit]);
    // withReactions keeps the order it is given (useq here).
    return this.withReactions(this.pool, conv, rows.map(toMessage));
  }

  async lastUpdateSeqs(convs: string[]): Promise<Record<string, number>> {
    const out: Record<string, number> = {};
    for (const c of convs) out[c] = 0;
    if (convs.length === 0) return out;
    const { rows } = await this.pool.query<{ key: string; last_useq: number }>('SELECT key, last_useq FROM conversations WHERE key = ANY($1)', [convs]);
    for (const r of rows) out[r.key] = r.last_useq;
    return out;
  }

  async createRoom(room: NewRoom): Promise<RoomRecord> {
    try {
      await this.transaction(async (db) => {
        await db.query('INSERT INTO rooms (key, name, topic, private, owner_id, created_at) VALUES ($1, $2, $3, $4, $5, $6)', [
          room.key,
          room.name,
          room.topic,
          room.private,
          room.ownerId,
          room.createdAt,
        ]);
        await db.query('INSERT INTO room_members (room, user_id, joined_at) VALUES ($1, $2, $3)', [room.key, room.ownerId, room.createdAt]);
        await db.query('INSERT INTO conversations (key) VALUES ($1) ON CONFLICT (key) DO NOTHING', [room.key]);
      });
    } catch (err) {
      const { code, constraint } = err as { code?: string; constraint?: string };
      if (code === '23505' && constraint === 'rooms_pkey') throw new DuplicateRoomError(room.key);
      throw err;
    }
    return (await this.findRoom(room.key))!;
  }

  async findRoom(key: string): Promise<RoomRecord | null> {
    const { rows } = await this.pool.query<RoomRow>('SELECT r.*, u.name AS owner_name FROM rooms r JOIN users u ON u.id = r.owner_id WHERE r.key = $1', [key]);
    return rows[0] ? toRoom(rows[0]) : null;
  }

  async updateRoom(key: string, patch: RoomPatch): Promise<void> {
    const columns: [string, unknown][] = [];
    if (patch.topic !== undefined) columns.push(['topic', patch.topic]);
    if (patch.ownerId !== undefined) columns.push(['owner_id', patch.ownerId]);
    if (columns.length === 0) return;
    const sets = columns.map(([c], i) => `${c} = $${i + 1}`);
    await this.pool.query(`UPDATE rooms SET ${sets.join(', ')} WHERE key = $${columns.length + 1}`, [...columns.map(([, v]) => v), key]);
  }

  async listRooms(userId: number, page: RoomPage): Promise<RoomListing[]> {
    // Keys compare and sort in the database's collation, both here and for the cursor.
    const sql = page.joinedOnly
      ? `SELECT r.*, u.name AS owner_name,
           (SELECT count(*) FROM room_members c WHERE c.room = r.key) AS member_count, TRUE AS joined
         FROM room_members m JOIN rooms r ON r.key = m.room JOIN users u ON u.id = r.owner_id
         WHERE m.user_id = $1 AND m.room > $2
         ORDER BY m.room LIMIT $3`
      : `SELECT r.*, u.name AS owner_name,
           (SELECT count(*) FROM room_members m WHERE m.room = r.key) AS member_count,
           EXISTS (SELECT 1 FROM room_members m WHERE m.room = r.key AND m.user_id = $1) AS joined
         FROM rooms r JOIN users u ON u.id = r.owner_id
         WHERE r.key > $2 AND (NOT r.private OR EXISTS (SELECT 1 FROM room_members m WHERE m.room = r.key AND m.user_id = $1))
         ORDER BY r.key LIMIT $3`;
    const { rows } = await this.pool.query<RoomRow & { member_count: number; joined: boolean }>(sql, [userId, page.after ?? '', page.limit]);
    return rows.map((r) => ({ ...toRoom(r), memberCount: r.member_count, joined: r.joined }));
  }

  async addMember(room: string, userId: number, joinedAt: number): Promise<boolean> {
    const result = await this.pool.query('INSERT INTO room_members (room, user_id, joined_at) VALUES ($1, $2, $3) ON CONFLICT DO NOTHING', [room, userId, joinedAt]);
    return (result.rowCount ?? 0) > 0;
  }

  async removeMember(room: string, userId: number): Promise<boolean> {
    return ((await this.pool.query('DELETE FROM room_members WHERE room = $1 AND user_id = $2', [room, userId])).rowCount ?? 0) > 0;
  }

  async findMember(room: string, userId: number): Promise<RoomMember | null> {
    const { rows } = await this.pool.query<MemberRow>(
      'SELECT m.user_id, u.name, u.key, m.joined_at, m.muted_until FROM room_members m JOIN users u ON u.id = m.user_id WHERE m.room = $1 AND m.user_id = $2',
      [room, userId],
    );
    return rows[0] ? toMember(rows[0]) : null;
  }

  async roomMembers(room: string): Promise<RoomMember[]> {
    const { rows } = await this.pool.query<MemberRow>(
      'SELECT m.user_id, u.name, u.key, m.joined_at, m.muted_until FROM room_members m JOIN users u ON u.id = m.user_id WHERE m.room = $1 ORDER BY m.joined_at, m.user_id',
      [room],
    );
    return rows.map(toMember);
  }

  async memberCount(room: string): Promise<number> {
    return (await this.pool.query<{ n: number }>('SELECT count(*) AS n FROM room_members WHERE room = $1', [room])).rows[0]!.n;
  }

  async setMemberMute(room: string, userId: number, until: MutedUntil): Promise<void> {
    await this.pool.query('UPDATE room_members SET muted_until = $1 WHERE room = $2 AND user_id = $3', [fromMuted(until), room, userId]);
  }

  async roomsOf(userId: number): Promise<RoomSummary[]> {
    const { rows } = await this.pool.query<RoomRow & { last_seq: number | null; last_ts: number | null }>(
      `SELECT r.*, u.name AS owner_name, c.last_seq, c.last_ts FROM room_members m
       JOIN rooms r ON r.key = m.room JOIN users u ON u.id = r.owner_id
       LEFT JOIN conversations c ON c.key = r.key
       WHERE m.user_id = $1 ORDER BY r.key`,
      [userId],
    );
    return rows.map((r) => ({ room: toRoom(r), lastSeq: r.last_seq ?? 0, lastTs: r.last_ts }));
  }

  async roomCounts(userId: number): Promise<RoomCounts> {
    const { rows } = await this.pool.query<RoomCounts>(
      'SELECT (SELECT count(*) FROM rooms WHERE owner_id = $1) AS owned, (SELECT count(*) FROM room_members WHERE user_id = $1) AS joined',
      [userId],
    );
    return rows[0]!;
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

  async createFile(f: FileRecord): Promise<void> {
    await this.pool.query('INSERT INTO files (id, sha256, size, mime, name, uploader_id, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7)', [
      f.id,
      f.sha256,
      f.size,
      f.mime,
      f.name,
      f.uploaderId,
      f.createdAt,
    ]);
  }

  async findFile(id: string): Promise<FileRecord | null> {
    const { rows } = await this.pool.query<FileRecord>(
      'SELECT id, sha256, size, mime, name, uploader_id AS "uploaderId", created_at AS "createdAt" FROM files WHERE id = $1',
      [id],
    );
    return rows[0] ?? null;
  }

  async uploadedBytes(userId: number): Promise<number> {
    const { rows } = await this.pool.query<{ total: number }>('SELECT COALESCE(SUM(size), 0) AS total FROM files WHERE uploader_id = $1', [userId]);
    return rows[0]!.total;
  }

  async shareFile(fileId: string, conv: string): Promise<void> {
    await this.pool.query('INSERT INTO file_shares (file_id, conv) VALUES ($1, $2) ON CONFLICT DO NOTHING', [fileId, conv]);
  }

  async fileConversations(fileId: string): Promise<string[]> {
    return (await this.pool.query<{ conv: string }>('SELECT conv FROM file_shares WHERE file_id = $1', [fileId])).rows.map((r) => r.conv);
  }

  async addAudit(e: AuditEntry): Promise<void> {
    await this.pool.query('INSERT INTO audit (ts, actor, action, target, detail) VALUES ($1, $2, $3, $4, $5)', [e.ts, e.actor, e.action, e.target, e.detail]);
  }

  async listAudit(limit: number): Promise<AuditRecord[]> {
    return (await this.pool.query<AuditRecord>('SELECT id, ts, actor, action, target, detail FROM audit ORDER BY id DESC LIMIT $1', [limit])).rows;
  }

  async secret(name: string, fresh: string): Promise<string> {
    await this.pool.query('INSERT INTO secrets (name, value) VALUES ($1, $2) ON CONFLICT DO NOTHING', [name, fresh]);
    // A later statement: it sees the row whoever stored it (the insert waited for a racing node's commit).
    const { rows } = await this.pool.query<{ value: string }>('SELECT value FROM secrets WHERE name = $1', [name]);
    return rows[0]!.value;
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    clearInterval(this.purgeTimer);
    // What was appended before close still commits.
    if (this.pending.length > 0) this.startDrain();
    await this.draining;
    await this.pool.end();
  }
}

/**
 * An error about the data of a write (SQLSTATE class 22, data exception, or 23, integrity
 * constraint violation), as opposed to one about the connection or the server: only then may the
 * other writes of its batch succeed on their own.
 */
function isBadRow(err: unknown): boolean {
  const code = (err as { code?: unknown }).code;
  return typeof code === 'string' && (code.startsWith('22') || code.startsWith('23'));
}

async function migrate(pool: pg.Pool, schema: string | undefined): Promise<void> {
  const client = await pool.connect();
  try {
    await client.query('BEGIN');
    await client.query('SELECT pg_advisory_xact_lock($1)', [MIGRATION_LOCK]);
    if (schema) await client.query(`CREATE SCHEMA IF NOT EXISTS "${schema}"`);
    await client.query('CREATE TABLE IF NOT EXISTS schema_version (version INTEGER NOT NULL)');
    const { rows } = await client.query<{ version: number }>('SELECT version FROM schema_version');
    const version = rows[0]?.version ?? 0;
    if (version > MIGRATIONS.length) throw new SchemaTooNewError(`PostgreSQL schema ${schema ?? '(search_path)'}`, version, MIGRATIONS.length);
    for (let v = version; v < MIGRATIONS.length; v++) await client.query(MIGRATIONS[v]!);
    if (rows.length === 0) await client.query('INSERT INTO schema_version (version) VALUES ($1)', [MIGRATIONS.length]);
    else await client.query('UPDATE schema_version SET version = $1', [MIGRATIONS.length]);
    await client.query('COMMIT');
  } catch (err) {
    await client.query('ROLLBACK').catch(() => undefined); // the error that made us roll back is rethrown
    throw err;
  } finally {
    client.release();
  }
}

/** The URL for pg without our own `schema` parameter, and that schema (checked: it goes into SQL). */
function splitUrl(url: string, schemaOption: string | undefined): { connectionString: string; schema: string | undefined } {
  const parsed = new URL(url);
  const schema = schemaOption ?? (parsed.searchParams.get('schema') || undefined);
  parsed.searchParams.delete('schema');
  if (schema !== undefined && !SCHEMA_NAME.test(schema)) throw new InvalidSchemaNameError(schema);
  return { connectionString: parsed.toString(), schema };
}

/** The URL without its password, for messages. */
export function redact(url: string): string {
  try {
    const u = new URL(url);
    if (u.password) u.password = '***';
    return u.toString();
  } catch {
    return '(unparsable URL)';
  }
}

/** The database cannot be reached or refuses us: the operator's to fix. */
export class StoreUnavailableError extends Error {
  constructor(
    readonly url: string,
    override readonly cause: Error,
  ) {
    super(`cannot open PostgreSQL at ${url}: ${cause.message || (cause as { code?: string }).code || String(cause)}`);
    this.name = 'StoreUnavailableError';
  }
}

/** The `schema` setting cannot be a PostgreSQL schema name (it goes into SQL): the operator's to fix. */
export class InvalidSchemaNameError extends Error {
  constructor(schema: string) {
    super(`invalid schema name ${JSON.stringify(schema)}: letters, digits and _, not starting with a digit`);
    this.name = 'InvalidSchemaNameError';
  }
}

/** The database was migrated by a newer Banter; using it would risk its data. */
export class SchemaTooNewError extends Error {
  constructor(what: string, version: number, known: number) {
    super(`${what} has schema v${version}, newer than this Banter (v${known}); upgrade Banter`);
    this.name = 'SchemaTooNewError';
  }
}

import { Worker } from 'node:worker_threads';
import Database from 'better-sqlite3';
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
import { dmParties } from '../../core/conversations.js';
import { MIGRATIONS } from './migrations.js';
import { attachReactions, fromMuted, toMember, toMessage, toRoom, toUser, type MemberRow, type MessageRow, type RoomRow, type ReactionRow, type UserRow } from '../rows.js';

export interface SqliteStoreOptions {
  /** "full" fsyncs every commit (survives power loss); "normal" survives a process crash only. */
  synchronous?: 'full' | 'normal';
  /** Most messages committed in one transaction. */
  maxBatch?: number;
  /**
   * Checkpoint the write-ahead log from a worker thread (checkpointer.ts) instead of inside
   * commits on this thread. The server turns it on; short-lived stores (tools, tests) need not.
   */
  backgroundCheckpoints?: boolean;
}

/** How often the worker checkpoints (ms): at 60,000 messages/s the log grows ~12 MB/s. */
const CHECKPOINT_INTERVAL_MS = 500;

type Outcome = { ok: true; value: unknown } | { ok: false; error: unknown };

/** A write waiting for the next group commit; `run` executes inside the batch's transaction. */
interface PendingWrite {
  run: () => unknown;
  resolve: (result: never) => void;
  reject: (error: unknown) => void;
}


/**
 * The embedded store. better-sqlite3 is synchronous, so appends are grouped: every message sent
 * within one event-loop turn is committed in one transaction (one fsync) on the next turn
 * ("group commit"), and only then are their promises resolved. Reads are indexed point or range
 * lookups served from SQLite's page cache.
 */
export class SqliteStore implements Store {
  private readonly db: Database.Database;
  private pending: PendingWrite[] = [];
  private flushScheduled = false;
  private closed = false;
  private readonly purgeTimer: NodeJS.Timeout;
  private readonly maxBatch: number;
  private readonly stmt;
  /** Conversations known to have their row (rows are never deleted): no INSERT per message for them. */
  private readonly knownConvs = new Set<string>();
  /** Within a fast batch: each conversation's last seq so far (written back at the batch's end). */
  private batchSeqs: Map<string, { seq: number; ts: number }> | null = null;
  private checkpointer: Worker | undefined;

  constructor(file: string, options: SqliteStoreOptions = {}) {
    this.db = new Database(file);
    const version = this.db.pragma('user_version', { simple: true }) as number;
    if (version > MIGRATIONS.length) {
      this.db.close();
      throw new SchemaTooNewError(file, version, MIGRATIONS.length);
    }
    this.db.pragma('journal_mode = WAL');
    this.db.pragma(`synchronous = ${options.synchronous === 'normal' ? 'NORMAL' : 'FULL'}`);
    this.db.pragma('foreign_keys = ON');
    this.db.pragma('busy_timeout = 5000');
    this.maxBatch = options.maxBatch ?? 2000;
    this.migrate();
    if (options.backgroundCheckpoints) this.startCheckpointer(file, options.synchronous === 'normal' ? 'NORMAL' : 'FULL');
    const db = this.db;
    this.stmt = {
      insertUser: db.prepare(
        'INSERT INTO users (name, key, pass_hash, role, created_at) VALUES (@name, @key, @passHash, @role, @createdAt)',
      ),
      userByKey: db.prepare('SELECT * FROM users WHERE key = ?'),
      userById: db.prepare('SELECT * FROM users WHERE id = ?'),
      insertSession: db.prepare(
        'INSERT INTO sessions (token_hash, user_id, created_at, expires_at, revoked) VALUES (?, ?, ?, ?, ?)',
      ),
      sessionByHash: db.prepare('SELECT * FROM sessions WHERE token_hash = ?'),
      extendSession: db.prepare('UPDATE sessions SET expires_at = ? WHERE token_hash = ?'),
      revokeSession: db.prepare('UPDATE sessions SET revoked = 1 WHERE token_hash = ?'),
      revokeUserSessions: db.prepare('UPDATE sessions SET revoked = 1 WHERE user_id = ? AND revoked = 0'),
      ensureConv: db.prepare(
        'INSERT INTO conversations (key, user_a, user_b) VALUES (?, ?, ?) ON CONFLICT (key) DO NOTHING',
      ),
      nextSeq: db.prepare('UPDATE conversations SET last_seq = last_seq + 1, last_ts = ? WHERE key = ? RETURNING last_seq'),
      lastSeq: db.prepare('SELECT last_seq FROM conversations WHERE key = ?').pluck(),
      setLastSeq: db.prepare('UPDATE conversations SET last_seq = ?, last_ts = ? WHERE key = ?'),
      byCid: db.prepare('SELECT * FROM messages WHERE sender_id = ? AND cid = ?'),
      insertMessage: db.prepare(
        'INSERT INTO messages (conv, seq, ts, sender_id, sender_name, kind, body, cid) VALUES (?, ?, ?, ?, ?, ?, ?, ?)',
      ),
      latest: db.prepare('SELECT * FROM messages WHERE conv = ? ORDER BY seq DESC LIMIT ?'),
      before: db.prepare('SELECT * FROM messages WHERE conv = ? AND seq < ? ORDER BY seq DESC LIMIT ?'),
      after: db.prepare('SELECT * FROM messages WHERE conv = ? AND seq > ? ORDER BY seq ASC LIMIT ?'),
      between: db.prepare('SELECT * FROM messages WHERE conv = ? AND seq > ? AND seq < ? ORDER BY seq ASC LIMIT ?'),
      convsOf: db.prepare(`
        SELECT c.key, c.last_seq, c.last_ts, u.name AS peer FROM conversations c
        LEFT JOIN users u ON u.key = (CASE WHEN c.user_a = @key THEN c.user_b ELSE c.user_a END)
        WHERE c.key = '#lobby' OR c.user_a = @key OR c.user_b = @key
        ORDER BY c.last_ts DESC`),
      insertFile: db.prepare(
        'INSERT INTO files (id, sha256, size, mime, name, uploader_id, created_at) VALUES (@id, @sha256, @size, @mime, @name, @uploaderId, @createdAt)',
      ),
      fileById: db.prepare(
        'SELECT id, sha256, size, mime, name, uploader_id AS uploaderId, created_at AS createdAt FROM files WHERE id = ?',
      ),
      uploadedBytes: db.prepare('SELECT COALESCE(SUM(size), 0) FROM files WHERE uploader_id = ?').pluck(),
      shareFile: db.prepare('INSERT INTO file_shares (file_id, conv) VALUES (?, ?) ON CONFLICT DO NOTHING'),
      fileConvs: db.prepare('SELECT conv FROM file_shares WHERE file_id = ?').pluck(),
      insertAudit: db.prepare('INSERT INTO audit (ts, actor, action, target, detail) VALUES (?, ?, ?, ?, ?)'),
      listAudit: db.prepare('SELECT * FROM audit ORDER BY id DESC LIMIT ?'),
      insertSecret: db.prepare('INSERT OR IGNORE INTO secrets (name, value) VALUES (?, ?)'),
      secret: db.prepare('SELECT value FROM secrets WHERE name = ?').pluck(),
      // read markers
      marker: db.prepare('SELECT seq FROM read_markers WHERE user_id = ? AND conv = ?').pluck(),
      setMarker: db.prepare('INSERT INTO read_markers (user_id, conv, seq) VALUES (?, ?, ?) ON CONFLICT (user_id, conv) DO UPDATE SET seq = excluded.seq'),
      markersOf: db.prepare('SELECT conv, seq FROM read_markers WHERE user_id = ?'),
      countUnread: db.prepare(
        'SELECT count(*) FROM (SELECT 1 FROM messages WHERE conv = ? AND seq > ? AND sender_id != ? AND deleted = 0 LIMIT ?)',
      ).pluck(),
      // changes
      message: db.prepare('SELECT * FROM messages WHERE conv = ? AND seq = ?'),
      nextUseq: db.prepare('UPDATE conversations SET last_useq = last_useq + 1 WHERE key = ? RETURNING last_useq').pluck(),
      editMessage: db.prepare('UPDATE messages SET body = ?, edited_ts = ?, useq = ? WHERE conv = ? AND seq = ?'),
      deleteMessage: db.prepare("UPDATE messages SET body = '', deleted = 1, useq = ? WHERE conv = ? AND seq = ?"),
      touchMessage: db.prepare('UPDATE messages SET useq = ? WHERE conv = ? AND seq = ?'),
      dropReactions: db.prepare('DELETE FROM reactions WHERE conv = ? AND seq = ?'),
      hasReaction: db.prepare('SELECT 1 FROM reactions WHERE conv = ? AND seq = ? AND emoji = ? AND user_id = ?').pluck(),
      addReaction: db.prepare('INSERT INTO reactions (conv, seq, emoji, user_id, user_name, ts) VALUES (?, ?, ?, ?, ?, ?)'),
      removeReaction: db.prepare('DELETE FROM reactions WHERE conv = ? AND seq = ? AND emoji = ? AND user_id = ?'),
      emojiCount: db.prepare('SELECT count(DISTINCT emoji) FROM reactions WHERE conv = ? AND seq = ?').pluck(),
      hasEmoji: db.prepare('SELECT 1 FROM reactions WHERE conv = ? AND seq = ? AND emoji = ? LIMIT 1').pluck(),
      reactionsIn: db.prepare(
        'SELECT seq, emoji, user_name FROM reactions WHERE conv = ? AND seq >= ? AND seq <= ? ORDER BY seq, ts, user_id',
      ),
      changedAfter: db.prepare('SELECT * FROM messages WHERE conv = ? AND useq > ? ORDER BY useq ASC LIMIT ?'),
      lastUseq: db.prepare('SELECT last_useq FROM conversations WHERE key = ?').pluck(),
      // rooms
      insertRoom: db.prepare(
        'INSERT INTO rooms (key, name, topic, private, owner_id, created_at) VALUES (@key, @name, @topic, @private, @ownerId, @createdAt)',
      ),
      room: db.prepare('SELECT r.*, u.name AS owner_name FROM rooms r JOIN users u ON u.id = r.owner_id WHERE r.key = ?'),
      listRooms: db.prepare(`
        SELECT r.*, u.name AS owner_name,
          (SELECT count(*) FROM room_members m WHERE m.room = r.key) AS member_count,
          EXISTS (SELECT 1 FROM room_members m WHERE m.room = r.key AND m.user_id = @userId) AS joined
        FROM rooms r JOIN users u ON u.id = r.owner_id
        WHERE r.key > @after AND (r.private = 0 OR EXISTS (SELECT 1 FROM room_members m WHERE m.room = r.key AND m.user_id = @userId))
        ORDER BY r.key LIMIT @limit`),
      // From the user's memberships (room_members_by_user), however many public rooms there are.
      listJoinedRooms: db.prepare(`
        SELECT r.*, u.name AS owner_name,
          (SELECT count(*) FROM room_members c WHERE c.room = r.key) AS member_count, 1 AS joined
        FROM room_members m JOIN rooms r ON r.key = m.room JOIN users u ON u.id = r.owner_id
        WHERE m.user_id = @userId AND m.room > @after
        ORDER BY m.room LIMIT @limit`),
      addMember: db.prepare('INSERT INTO room_members (room, user_id, joined_at) VALUES (?, ?, ?) ON CONFLICT DO NOTHING'),
      removeMember: db.prepare('DELETE FROM room_members WHERE room = ? AND user_id = ?'),
      member: db.prepare(
        'SELECT m.user_id, u.name, u.key, m.joined_at, m.muted_until FROM room_members m JOIN users u ON u.id = m.user_id WHERE m.room = ? AND m.user_id = ?',
      ),
      members: db.prepare(
        'SELECT m.user_id, u.name, u.key, m.joined_at, m.muted_until FROM room_members m JOIN users u ON u.id = m.user_id WHERE m.room = ? ORDER BY m.joined_at, m.user_id',
      ),
      memberCount: db.prepare('SELECT count(*) FROM room_members WHERE room = ?').pluck(),
      setMemberMute: db.prepare('UPDATE room_members SET muted_until = ? WHERE room = ? AND user_id = ?'),
      roomsOf: db.prepare(`
        SELECT r.*, u.name AS owner_name, c.last_seq, c.last_ts FROM room_members m
        JOIN rooms r ON r.key = m.room JOIN users u ON u.id = r.owner_id
        LEFT JOIN conversations c ON c.key = r.key
        WHERE m.user_id = ? ORDER BY r.key`),
      roomCounts: db.prepare(`
        SELECT (SELECT count(*) FROM rooms WHERE owner_id = @userId) AS owned,
          (SELECT count(*) FROM room_members WHERE user_id = @userId) AS joined`),
    };
    this.stmt.ensureConv.run('#lobby', null, null);
    this.knownConvs.add('#lobby');
    this.purgeSessions();
    this.purgeTimer = setInterval(() => this.purgeSessions(), 3600_000);
    this.purgeTimer.unref();
  }

  /** Expired sessions are of no use to anyone: drop them at start, then hourly (revoked ones go when they expire). */
  private purgeSessions(): void {
    this.db.prepare('DELETE FROM sessions WHERE expires_at < ?').run(Date.now());
  }

  private migrate(): void {
    const version = this.db.pragma('user_version', { simple: true }) as number;
    for (let v = version; v < MIGRATIONS.length; v++) {
      this.db.transaction(() => {
        this.db.exec(MIGRATIONS[v]!);
        this.db.pragma(`user_version = ${v + 1}`);
      })();
    }
  }

  async createUser(user: NewUser): Promise<UserRecord> {
    try {
      const info = this.stmt.insertUser.run(user);
      return { ...user, id: Number(info.lastInsertRowid), mutedUntil: null, banReason: null };
    } catch (err) {
      if ((err as { code?: string }).code === 'SQLITE_CONSTRAINT_UNIQUE') throw new DuplicateUserError(user.key);
      throw err;
    }
  }

  async findUserByKey(key: string): Promise<UserRecord | null> {
    return toUser(this.stmt.userByKey.get(key) as UserRow | undefined);
  }

  async findUserById(id: number): Promise<UserRecord | null> {
    return toUser(this.stmt.userById.get(id) as UserRow | undefined);
  }

  async updateUser(id: number, patch: UserPatch): Promise<void> {
    const columns: [string, unknown][] = [];
    if (patch.passHash !== undefined) columns.push(['pass_hash', patch.passHash]);
    if (patch.role !== undefined) columns.push(['role', patch.role]);
    if (patch.mutedUntil !== undefined) columns.push(['muted_until', fromMuted(patch.mutedUntil)]);
    if (patch.banReason !== undefined) columns.push(['ban_reason', patch.banReason]);
    const sets = columns.map(([c]) => `${c} = ?`);
    const values = columns.map(([, v]) => v);
    if (sets.length === 0) return;
    this.db.prepare(`UPDATE users SET ${sets.join(', ')} WHERE id = ?`).run(...values, id);
  }

  async createSession(s: SessionRecord): Promise<void> {
    this.stmt.insertSession.run(s.tokenHash, s.userId, s.createdAt, s.expiresAt, s.revoked ? 1 : 0);
  }

  async findSession(tokenHash: string): Promise<SessionRecord | null> {
    const row = this.stmt.sessionByHash.get(tokenHash) as
      | { token_hash: string; user_id: number; created_at: number; expires_at: number; revoked: number }
      | undefined;
    if (!row) return null;
    return {
      tokenHash: row.token_hash,
      userId: row.user_id,
      createdAt: row.created_at,
      expiresAt: row.expires_at,
      revoked: row.revoked !== 0,
    };
  }

  async extendSession(tokenHash: string, expiresAt: number): Promise<void> {
    this.stmt.extendSession.run(expiresAt, tokenHash);
  }

  async revokeSession(tokenHash: string): Promise<void> {
    this.stmt.revokeSession.run(tokenHash);
  }

  async revokeUserSessions(userId: number): Promise<number> {
    return this.stmt.revokeUserSessions.run(userId).changes;
  }

  appendMessage(message: NewMessage): Promise<AppendResult> {
    return this.queued(() => {
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
      this.stmt.insertMessage.run(m.conv, seq, ts, m.senderId, m.senderName, m.kind, m.body, m.cid);
      return { message: { ...m, seq, ts }, duplicate: false };
    });
  }

  /**
   * Queues a write for the next group commit: every write queued within one event-loop turn is
   * committed in one transaction (one fsync), then their promises settle in order. Each write runs
   * in its own savepoint, so one that fails is rolled back and rejected alone.
   */
  private queued<T>(run: () => T): Promise<T> {
    if (this.closed) return Promise.reject(new Error('store is closed'));
    return new Promise<T>((resolve, reject) => {
      this.pending.push({ run, resolve: resolve as (r: never) => void, reject });
      if (this.pending.length >= this.maxBatch) this.flush();
      else if (!this.flushScheduled) {
        this.flushScheduled = true;
        setImmediate(() => this.flush());
      }
    });
  }

  private forgetConvs(): void {
    this.knownConvs.clear();
    this.knownConvs.add('#lobby');
  }

  /** Commits every pending write in one transaction, then settles them in order. */
  private flush(): void {
    this.flushScheduled = false;
    const batch = this.pending;
    if (batch.length === 0) return;
    this.pending = [];
    let outcomes: Outcome[];
    try {
      outcomes = this.commitBatch(batch);
    } catch (err) {
      // A rolled-back transaction may have taken new conversations' rows with it.
      this.forgetConvs();
      for (const p of batch) p.reject(err);
      return;
    }
    // A write rolled back to its savepoint may have taken a new conversation's row with it.
    if (outcomes.some((o) => !o.ok)) this.forgetConvs();
    for (let i = 0; i < batch.length; i++) {
      const o = outcomes[i]!;
      if (o.ok) batch[i]!.resolve(o.value as never);
      else batch[i]!.reject(o.error);
    }
  }

  /**
   * Commits a batch. The common case runs every write in one transaction with no savepoints and
   * counts each conversation's seq in memory, writing it back once per batch: a message then costs
   * one INSERT. If any write throws, that transaction is rolled back whole and the batch is run
   * again with each write in its own savepoint, so only the failing write is rejected (writes touch
   * nothing but the database and caches that forgetConvs resets, so running them twice is safe).
   */
  private commitBatch(batch: PendingWrite[]): Outcome[] {
    try {
      return this.fastBatch(batch);
    } catch {
      this.batchSeqs = null;
      this.forgetConvs();
      return this.carefulBatch(batch);
    }
  }

  // IMMEDIATE: the write lock is taken at BEGIN, so a seq read at the start of the batch is still
  // the last one when the batch writes it back, even with another process on the file.
  private readonly fastBatch = (batch: PendingWrite[]): Outcome[] =>
    this.db
      .transaction((list: PendingWrite[]) => {
        const seqs = (this.batchSeqs = new Map());
        try {
          const outcomes = list.map((p): Outcome => ({ ok: true, value: p.run() }));
          for (const [conv, last] of seqs) this.stmt.setLastSeq.run(last.seq, last.ts, conv);
          return outcomes;
        } finally {
          this.batchSeqs = null;
        }
      })
      .immediate(batch);

  private readonly carefulBatch = (batch: PendingWrite[]): Outcome[] =>
    this.db.transaction((list: PendingWrite[]) =>
      list.map((p): Outcome => {
        try {
          // A nested transaction is a savepoint in better-sqlite3.
          return { ok: true, value: this.db.transaction(p.run)() };
        } catch (error) {
          return { ok: false, error };
        }
      }),
    )(batch);

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

  private withReactions(m: StoredMessage): StoredMessage {
    return this.withReactionsAll(m.conv, [m])[0]!;
  }

  advanceReadMarker(userId: number, conv: string, seq: number): Promise<{ seq: number; moved: boolean }> {
    return this.queued(() => {
      const old = (this.stmt.marker.get(userId, conv) as number | undefined) ?? 0;
      if (seq <= old) return { seq: old, moved: false };
      this.stmt.setMarker.run(userId, conv, seq);
      return { seq, moved: true };
    });
  }

  async readMarkers(userId: number): Promise<ReadMarker[]> {
    return this.stmt.markersOf.all(userId) as ReadMarker[];
  }

  async countUnread(conv: string, after: number, exceptSenderId: number, cap: number): Promise<number> {
    return this.stmt.countUnread.get(conv, after, exceptSenderId, cap) as number;
  }

  async findMessage(conv: string, seq: number): Promise<StoredMessage | null> {
    const row = this.stmt.message.get(conv, seq) as MessageRow | undefined;
    return row ? this.withReactions(toMessage(row)) : null;
  }

  changeMessage(conv: string, seq: number, change: MessageChange): Promise<ChangeResult | null> {
    return this.queued((): ChangeResult | null => {
      const row = this.stmt.message.get(conv, seq) as MessageRow | undefined;
      if (!row || row.deleted) return null;
      let added = false;
      if (change.kind === 'react') {
        const had = this.stmt.hasReaction.get(conv, seq, change.emoji, change.userId) !== undefined;
        if (!had && this.stmt.hasEmoji.get(conv, seq, change.emoji) === undefined && (this.stmt.emojiCount.get(conv, seq) as number) >= change.maxEmojis) {
          return { message: this.withReactions(toMessage(row)), added: false, refused: true };
        }
        if (had) this.stmt.removeReaction.run(conv, seq, change.emoji, change.userId);
        else this.stmt.addReaction.run(conv, seq, change.emoji, change.userId, change.userName, change.ts);
        added = !had;
      }
      const useq = this.stmt.nextUseq.get(conv) as number;
      if (change.kind === 'edit') this.stmt.editMessage.run(change.body, change.ts, useq, conv, seq);
      else if (change.kind === 'delete') {
        this.stmt.deleteMessage.run(useq, conv, seq);
        this.stmt.dropReactions.run(conv, seq);
      } else this.stmt.touchMessage.run(useq, conv, seq);
      const after = this.stmt.message.get(conv, seq) as MessageRow;
      return { message: this.withReactions(toMessage(after)), added };
    });
  }

  async changedAfter(conv: string, after: number, limit: number): Promise<StoredMessage[]> {
    const rows = this.stmt.changedAfter.all(conv, after, limit) as MessageRow[];
    const messages = rows.map(toMessage);
    // Reactions per message: the rows are in useq order, not a seq range.
    return messages.map((m) => this.withReactions(m));
  }

  async lastUpdateSeqs(convs: string[]): Promise<Record<string, number>> {
    const out: Record<string, number> = {};
    for (const c of convs) out[c] = (this.stmt.lastUseq.get(c) as number | undefined) ?? 0;
    return out;
  }

  async createRoom(room: NewRoom): Promise<RoomRecord> {
    try {
      this.db.transaction(() => {
        this.stmt.insertRoom.run({ ...room, private: room.private ? 1 : 0 });
        this.stmt.addMember.run(room.key, room.ownerId, room.createdAt);
        this.stmt.ensureConv.run(room.key, null, null);
      })();
    } catch (err) {
      if ((err as { code?: string }).code === 'SQLITE_CONSTRAINT_PRIMARYKEY') throw new DuplicateRoomError(room.key);
      throw err;
    }
    return (await this.findRoom(room.key))!;
  }

  async findRoom(key: string): Promise<RoomRecord | null> {
    const row = this.stmt.room.get(key) as RoomRow | undefined;
    return row ? toRoom(row) : null;
  }

  async updateRoom(key: string, patch: RoomPatch): Promise<void> {
    await this.queued(() => {
      if (patch.topic !== undefined) this.db.prepare('UPDATE rooms SET topic = ? WHERE key = ?').run(patch.topic, key);
      if (patch.ownerId !== undefined) this.db.prepare('UPDATE rooms SET owner_id = ? WHERE key = ?').run(patch.ownerId, key);
    });
  }

  async listRooms(userId: number, page: RoomPage): Promise<RoomListing[]> {
    const params = { userId, after: page.after ?? '', limit: page.limit };
    const rows = (page.joinedOnly ? this.stmt.listJoinedRooms : this.stmt.listRooms).all(params) as (RoomRow & { member_count: number; joined: number })[];
    return rows.map((r) => ({ ...toRoom(r), memberCount: r.member_count, joined: r.joined !== 0 }));
  }

  addMember(room: string, userId: number, joinedAt: number): Promise<boolean> {
    return this.queued(() => this.stmt.addMember.run(room, userId, joinedAt).changes > 0);
  }

  removeMember(room: string, userId: number): Promise<boolean> {
    return this.queued(() => this.stmt.removeMember.run(room, userId).changes > 0);
  }

  async findMember(room: string, userId: number): Promise<RoomMember | null> {
    const row = this.stmt.member.get(room, userId) as MemberRow | undefined;
    return row ? toMember(row) : null;
  }

  async roomMembers(room: string): Promise<RoomMember[]> {
    return (this.stmt.members.all(room) as MemberRow[]).map(toMember);
  }

  async memberCount(room: string): Promise<number> {
    return this.stmt.memberCount.get(room) as number;
  }

  async setMemberMute(room: string, userId: number, until: MutedUntil): Promise<void> {
    await this.queued(() => this.stmt.setMemberMute.run(fromMuted(until), room, userId));
  }

  async roomsOf(userId: number): Promise<RoomSummary[]> {
    const rows = this.stmt.roomsOf.all(userId) as (RoomRow & { last_seq: number | null; last_ts: number | null })[];
    return rows.map((r) => ({ room: toRoom(r), lastSeq: r.last_seq ?? 0, lastTs: r.last_ts }));
  }

  async roomCounts(userId: number): Promise<RoomCounts> {
    return this.stmt.roomCounts.get({ userId }) as RoomCounts;
  }

  async conversationsOf(userKey: string): Promise<ConversationSummary[]> {
    const rows = this.stmt.convsOf.all({ key: userKey }) as { key: string; last_seq: number; last_ts: number | null; peer: string | null }[];
    return rows.map((r) => ({ conv: r.key, lastSeq: r.last_seq, lastTs: r.last_ts, peer: r.key === '#lobby' ? null : r.peer }));
  }

  async createFile(file: FileRecord): Promise<void> {
    this.stmt.insertFile.run(file);
  }

  async findFile(id: string): Promise<FileRecord | null> {
    return (this.stmt.fileById.get(id) as FileRecord | undefined) ?? null;
  }

  async uploadedBytes(userId: number): Promise<number> {
    return this.stmt.uploadedBytes.get(userId) as number;
  }

  async shareFile(fileId: string, conv: string): Promise<void> {
    this.stmt.shareFile.run(fileId, conv);
  }

  async fileConversations(fileId: string): Promise<string[]> {
    return this.stmt.fileConvs.all(fileId) as string[];
  }

  async addAudit(e: AuditEntry): Promise<void> {
    this.stmt.insertAudit.run(e.ts, e.actor, e.action, e.target, e.detail);
  }

  async listAudit(limit: number): Promise<AuditRecord[]> {
    return this.stmt.listAudit.all(limit) as AuditRecord[];
  }

  /** Hands checkpoints to a worker; if it cannot run, SQLite's automatic checkpoints come back. */
  private startCheckpointer(file: string, synchronous: 'FULL' | 'NORMAL'): void {
    const worker = new Worker(new URL('./checkpointer.js', import.meta.url), { workerData: { file, synchronous, intervalMs: CHECKPOINT_INTERVAL_MS } });
    this.db.pragma('wal_autocheckpoint = 0');
    this.checkpointer = worker;
    worker.unref();
    // It failed (to start, or to checkpoint MAX_FAILURES times in a row) or ended: unless the
    // store is closing, SQLite's own checkpoints take over again.
    const gone = (): void => {
      if (this.checkpointer !== worker) return;
      this.checkpointer = undefined;
      if (!this.closed) this.db.pragma('wal_autocheckpoint = 1000');
    };
    worker.on('error', gone);
    worker.on('exit', gone);
  }

  /** The worker checkpointing the log, if any (for tests and diagnostics). */
  get checkpointsInBackground(): boolean {
    return this.checkpointer !== undefined;
  }

  async secret(name: string, fresh: string): Promise<string> {
    this.stmt.insertSecret.run(name, fresh);
    return this.stmt.secret.get(name) as string;
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    clearInterval(this.purgeTimer);
    this.flush();
    const worker = this.checkpointer;
    this.checkpointer = undefined;
    if (worker) {
      const stopped = new Promise<void>((resolve) => {
        worker.on('message', (m: { type: string }) => m.type === 'stopped' && resolve());
        worker.once('exit', () => resolve());
        worker.once('error', () => resolve());
      });
      worker.postMessage({ type: 'stop' });
      await Promise.race([stopped, new Promise((r) => setTimeout(r, 2000).unref())]);
      await worker.terminate();
    }
    // The last connection to close checkpoints what is left and removes the log.
    this.db.close();
  }
}

/** The file was written by a newer Banter; opening it would risk its data. */
export class SchemaTooNewError extends Error {
  constructor(file: string, version: number, known: number) {
    super(`database ${file} has schema v${version}, newer than this Banter (v${known}); upgrade Banter`);
    this.name = 'SchemaTooNewError';
  }
}

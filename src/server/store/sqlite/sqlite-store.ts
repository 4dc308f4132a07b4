import Database from 'better-sqlite3';
import type { MutedUntil, Role } from '../../../protocol/index.js';
import {
  DuplicateUserError,
  type AppendResult,
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

export interface SqliteStoreOptions {
  /** "full" fsyncs every commit (survives power loss); "normal" survives a process crash only. */
  synchronous?: 'full' | 'normal';
  /** Most messages committed in one transaction. */
  maxBatch?: number;
}

interface PendingAppend {
  message: NewMessage;
  resolve: (result: AppendResult) => void;
  reject: (error: unknown) => void;
}

interface UserRow {
  id: number;
  name: string;
  key: string;
  pass_hash: string;
  role: Role;
  created_at: number;
  muted_until: number | null;
  ban_reason: string | null;
}

interface MessageRow {
  conv: string;
  seq: number;
  ts: number;
  sender_id: number;
  sender_name: string;
  kind: NewMessage['kind'];
  body: string;
  cid: string | null;
}

const FOREVER = -1;

/**
 * The embedded store. better-sqlite3 is synchronous, so appends are grouped: every message sent
 * within one event-loop turn is committed in one transaction (one fsync) on the next turn
 * ("group commit"), and only then are their promises resolved. Reads are indexed point or range
 * lookups served from SQLite's page cache.
 */
export class SqliteStore implements Store {
  private readonly db: Database.Database;
  private pending: PendingAppend[] = [];
  private flushScheduled = false;
  private closed = false;
  private readonly purgeTimer: NodeJS.Timeout;
  private readonly maxBatch: number;
  private readonly stmt;
  /** Conversations known to have their row (rows are never deleted): no INSERT per message for them. */
  private readonly knownConvs = new Set<string>();

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
    if (this.closed) return Promise.reject(new Error('store is closed'));
    return new Promise((resolve, reject) => {
      this.pending.push({ message, resolve, reject });
      if (this.pending.length >= this.maxBatch) this.flush();
      else if (!this.flushScheduled) {
        this.flushScheduled = true;
        setImmediate(() => this.flush());
      }
    });
  }

  /** Commits every pending append in one transaction, then settles them in order. */
  private flush(): void {
    this.flushScheduled = false;
    const batch = this.pending;
    if (batch.length === 0) return;
    this.pending = [];
    let results: AppendResult[];
    try {
      results = this.commitBatch(batch.map((p) => p.message));
    } catch (err) {
      // A rolled-back transaction may have taken new conversations' rows with it.
      this.knownConvs.clear();
      this.knownConvs.add('#lobby');
      for (const p of batch) p.reject(err);
      return;
    }
    for (let i = 0; i < batch.length; i++) batch[i]!.resolve(results[i]!);
  }

  private readonly commitBatch = (messages: NewMessage[]): AppendResult[] =>
    this.db.transaction((list: NewMessage[]) => {
      const ts = Date.now();
      return list.map((m): AppendResult => {
        if (m.cid !== null) {
          const prior = this.stmt.byCid.get(m.senderId, m.cid) as MessageRow | undefined;
          if (prior) return { message: toMessage(prior), duplicate: true };
        }
        if (!this.knownConvs.has(m.conv)) {
          const [a, b] = dmParties(m.conv) ?? [null, null];
          this.stmt.ensureConv.run(m.conv, a, b);
          this.knownConvs.add(m.conv);
        }
        const { last_seq: seq } = this.stmt.nextSeq.get(ts, m.conv) as { last_seq: number };
        this.stmt.insertMessage.run(m.conv, seq, ts, m.senderId, m.senderName, m.kind, m.body, m.cid);
        return { message: { ...m, seq, ts }, duplicate: false };
      });
    })(messages);

  async history(conv: string, q: HistoryQuery): Promise<StoredMessage[]> {
    let rows: MessageRow[];
    if (q.after !== undefined && q.before !== undefined) rows = this.stmt.between.all(conv, q.after, q.before, q.limit) as MessageRow[];
    else if (q.after !== undefined) rows = this.stmt.after.all(conv, q.after, q.limit) as MessageRow[];
    else if (q.before !== undefined) rows = (this.stmt.before.all(conv, q.before, q.limit) as MessageRow[]).reverse();
    else rows = (this.stmt.latest.all(conv, q.limit) as MessageRow[]).reverse();
    return rows.map(toMessage);
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

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    clearInterval(this.purgeTimer);
    this.flush();
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


function toUser(row: UserRow | undefined): UserRecord | null {
  if (!row) return null;
  return {
    id: row.id,
    name: row.name,
    key: row.key,
    passHash: row.pass_hash,
    role: row.role,
    createdAt: row.created_at,
    mutedUntil: row.muted_until === null ? null : row.muted_until === FOREVER ? 'forever' : row.muted_until,
    banReason: row.ban_reason,
  };
}

function fromMuted(m: MutedUntil): number | null {
  return m === null ? null : m === 'forever' ? FOREVER : m;
}

function toMessage(r: MessageRow): StoredMessage {
  return {
    conv: r.conv,
    seq: r.seq,
    ts: r.ts,
    senderId: r.sender_id,
    senderName: r.sender_name,
    kind: r.kind,
    body: r.body,
    cid: r.cid,
  };
}

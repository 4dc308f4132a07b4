import type Database from 'better-sqlite3';
import type { SessionRecord, SessionStore } from '../ports/sessions.js';

interface SessionRow {
  token_hash: string;
  user_id: number;
  created_at: number;
  expires_at: number;
  revoked: number;
}

export class SqliteSessions implements SessionStore {
  private readonly stmt;

  constructor(db: Database.Database) {
    this.stmt = {
      insert: db.prepare('INSERT INTO sessions (token_hash, user_id, created_at, expires_at, revoked) VALUES (?, ?, ?, ?, ?)'),
      byHash: db.prepare('SELECT * FROM sessions WHERE token_hash = ?'),
      extend: db.prepare('UPDATE sessions SET expires_at = ? WHERE token_hash = ?'),
      revoke: db.prepare('UPDATE sessions SET revoked = 1 WHERE token_hash = ?'),
      revokeAllOf: db.prepare('UPDATE sessions SET revoked = 1 WHERE user_id = ? AND revoked = 0 AND token_hash <> ?'),
      purge: db.prepare('DELETE FROM sessions WHERE expires_at < ?'),
    };
  }

  async create(s: SessionRecord): Promise<void> {
    this.stmt.insert.run(s.tokenHash, s.userId, s.createdAt, s.expiresAt, s.revoked ? 1 : 0);
  }

  async find(tokenHash: string): Promise<SessionRecord | null> {
    const row = this.stmt.byHash.get(tokenHash) as SessionRow | undefined;
    if (!row) return null;
    return { tokenHash: row.token_hash, userId: row.user_id, createdAt: row.created_at, expiresAt: row.expires_at, revoked: row.revoked !== 0 };
  }

  async extend(tokenHash: string, expiresAt: number): Promise<void> {
    this.stmt.extend.run(expiresAt, tokenHash);
  }

  async revoke(tokenHash: string): Promise<void> {
    this.stmt.revoke.run(tokenHash);
  }

  async revokeAllOf(userId: number, except = ''): Promise<number> {
    return this.stmt.revokeAllOf.run(userId, except).changes;
  }

  /** Expired sessions are of no use to anyone (revoked ones go when they expire). */
  purgeExpired(now: number): void {
    this.stmt.purge.run(now);
  }
}

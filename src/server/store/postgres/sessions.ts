import type pg from 'pg';
import type { SessionRecord, SessionStore } from '../ports/sessions.js';

interface SessionRow {
  token_hash: string;
  user_id: number;
  created_at: number;
  expires_at: number;
  revoked: boolean;
}

export class PgSessions implements SessionStore {
  constructor(private readonly pool: pg.Pool) {}

  async create(s: SessionRecord): Promise<void> {
    await this.pool.query('INSERT INTO sessions (token_hash, user_id, created_at, expires_at, revoked) VALUES ($1, $2, $3, $4, $5)', [
      s.tokenHash,
      s.userId,
      s.createdAt,
      s.expiresAt,
      s.revoked,
    ]);
  }

  async find(tokenHash: string): Promise<SessionRecord | null> {
    const row = (await this.pool.query<SessionRow>('SELECT * FROM sessions WHERE token_hash = $1', [tokenHash])).rows[0];
    if (!row) return null;
    return { tokenHash: row.token_hash, userId: row.user_id, createdAt: row.created_at, expiresAt: row.expires_at, revoked: row.revoked };
  }

  async extend(tokenHash: string, expiresAt: number): Promise<void> {
    await this.pool.query('UPDATE sessions SET expires_at = $1 WHERE token_hash = $2', [expiresAt, tokenHash]);
  }

  async revoke(tokenHash: string): Promise<void> {
    await this.pool.query('UPDATE sessions SET revoked = TRUE WHERE token_hash = $1', [tokenHash]);
  }

  async revokeAllOf(userId: number, except = ''): Promise<number> {
    return (await this.pool.query('UPDATE sessions SET revoked = TRUE WHERE user_id = $1 AND NOT revoked AND token_hash <> $2', [userId, except])).rowCount ?? 0;
  }

  /** Expired sessions are of no use to anyone (revoked ones go when they expire). */
  async purgeExpired(now: number): Promise<void> {
    await this.pool.query('DELETE FROM sessions WHERE expires_at < $1', [now]);
  }
}

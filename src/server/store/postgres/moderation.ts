import type pg from 'pg';
import type { AuditEntry, AuditRecord, ModerationStore } from '../ports/moderation.js';

export class PgModeration implements ModerationStore {
  constructor(private readonly pool: pg.Pool) {}

  async addAudit(e: AuditEntry): Promise<void> {
    await this.pool.query('INSERT INTO audit (ts, actor, action, target, detail) VALUES ($1, $2, $3, $4, $5)', [e.ts, e.actor, e.action, e.target, e.detail]);
  }

  async listAudit(limit: number): Promise<AuditRecord[]> {
    return (await this.pool.query<AuditRecord>('SELECT id, ts, actor, action, target, detail FROM audit ORDER BY id DESC LIMIT $1', [limit])).rows;
  }
}

import type Database from 'better-sqlite3';
import type { AuditEntry, AuditRecord, ModerationStore } from '../ports/moderation.js';

export class SqliteModeration implements ModerationStore {
  private readonly stmt;

  constructor(db: Database.Database) {
    this.stmt = {
      insert: db.prepare('INSERT INTO audit (ts, actor, action, target, detail) VALUES (?, ?, ?, ?, ?)'),
      newest: db.prepare('SELECT * FROM audit ORDER BY id DESC LIMIT ?'),
    };
  }

  async addAudit(e: AuditEntry): Promise<void> {
    this.stmt.insert.run(e.ts, e.actor, e.action, e.target, e.detail);
  }

  async listAudit(limit: number): Promise<AuditRecord[]> {
    return this.stmt.newest.all(limit) as AuditRecord[];
  }
}

import type Database from 'better-sqlite3';
import type { SecretStore } from '../ports/secrets.js';

export class SqliteSecrets implements SecretStore {
  private readonly stmt;

  constructor(db: Database.Database) {
    this.stmt = {
      insert: db.prepare('INSERT OR IGNORE INTO secrets (name, value) VALUES (?, ?)'),
      byName: db.prepare('SELECT value FROM secrets WHERE name = ?').pluck(),
    };
  }

  async getOrCreate(name: string, fresh: string): Promise<string> {
    this.stmt.insert.run(name, fresh);
    return this.stmt.byName.get(name) as string;
  }
}

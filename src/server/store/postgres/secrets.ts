import type pg from 'pg';
import type { SecretStore } from '../ports/secrets.js';

export class PgSecrets implements SecretStore {
  constructor(private readonly pool: pg.Pool) {}

  async getOrCreate(name: string, fresh: string): Promise<string> {
    await this.pool.query('INSERT INTO secrets (name, value) VALUES ($1, $2) ON CONFLICT DO NOTHING', [name, fresh]);
    // A later statement: it sees the row whoever stored it (the insert waited for a racing node's commit).
    const { rows } = await this.pool.query<{ value: string }>('SELECT value FROM secrets WHERE name = $1', [name]);
    return rows[0]!.value;
  }
}

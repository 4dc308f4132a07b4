import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import Database from 'better-sqlite3';
import pg from 'pg';
import { SCHEMA_VERSION } from '../../src/server/store/migrations.js';
import { PostgresStore } from '../../src/server/store/postgres/postgres-store.js';
import { SqliteStore } from '../../src/server/store/sqlite/sqlite-store.js';
import { PG_URL, dropSchema, pgUrlWithSchema, postgresUnavailable, uniqueSpace } from '../helpers/services.js';
import { describePostgres, describeSqlite, type SchemaDescription } from './schema-description.js';

const unavailable = await postgresUnavailable();
if (unavailable) console.log(`# skipping the PostgreSQL half of the schema parity test: ${unavailable}`);

const dir = mkdtempSync(join(tmpdir(), 'banter-parity-'));
const schemas: string[] = [];
after(async () => {
  rmSync(dir, { recursive: true, force: true });
  if (!unavailable) for (const s of schemas) await dropSchema(s);
});

/** The schema of a fresh SQLite store. */
export async function freshSqliteSchema(): Promise<SchemaDescription> {
  const file = join(dir, `fresh-${Math.random().toString(36).slice(2)}.db`);
  await new SqliteStore(file).close();
  const db = new Database(file, { readonly: true });
  try {
    return describeSqlite(db);
  } finally {
    db.close();
  }
}

describe('schema parity', () => {
  it('a fresh SQLite store has every version, every column in the common types, and the indexes both dialects purge and look up by', async () => {
    const sqlite = await freshSqliteSchema();
    assert.equal(sqlite.version, SCHEMA_VERSION);
    const columns = Object.values(sqlite.tables).flatMap((t) => t.columns);
    assert.deepEqual(columns.filter((c) => c.includes('unmapped')), [], 'every type maps to the common vocabulary');
    assert.deepEqual(sqlite.indexes.sessions_by_expiry, { table: 'sessions', columns: ['expires_at'], unique: false, partial: false });
    assert.deepEqual(sqlite.indexes.messages_by_cid, { table: 'messages', columns: ['sender_id', 'cid'], unique: true, partial: true });
    assert.deepEqual(sqlite.tables.users!.unique, ['key']);
  });

  it('SQLite and PostgreSQL stores create the same tables, columns, keys, indexes and version', { skip: unavailable }, async () => {
    const schema = uniqueSpace('banter_parity');
    schemas.push(schema);
    await (await PostgresStore.open(pgUrlWithSchema(schema))).close();
    const client = new pg.Client({ connectionString: PG_URL });
    await client.connect();
    let postgres: SchemaDescription;
    try {
      postgres = await describePostgres(client, schema);
    } finally {
      await client.end();
    }
    const sqlite = await freshSqliteSchema();
    assert.deepEqual(Object.keys(postgres.tables).sort(), Object.keys(sqlite.tables).sort(), 'tables');
    for (const t of Object.keys(sqlite.tables)) assert.deepEqual(postgres.tables[t], sqlite.tables[t], `table ${t}`);
    assert.deepEqual(postgres.indexes, sqlite.indexes, 'indexes');
    assert.equal(postgres.version, sqlite.version, 'version');
  });
});

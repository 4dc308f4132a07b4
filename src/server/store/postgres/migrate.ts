import type pg from 'pg';
import { SchemaTooNewError } from '../errors.js';
import { MIGRATIONS, SCHEMA_VERSION } from '../migrations.js';
import { ROUTINES } from './routines.js';

/** pg_advisory_xact_lock key that serialises migrations of nodes starting at once ("bant"). */
const MIGRATION_LOCK = 0x62616e74;

/**
 * Before the dialects shared version numbers, PostgreSQL had its own (schema_version.numbering
 * 1): its v1 was the shared v1 to v3 plus the sessions_by_expiry index (shared v7, which is
 * idempotent), v2 added the function banter_append (now in routines.ts), and v3 to v5 are the
 * shared v4 to v6. Old version -> the shared version whose tables it has.
 */
const LEGACY_VERSIONS = [0, 3, 3, 4, 5, 6];
/** schema_version.numbering of versions counted as in migrations.ts. */
const SHARED_NUMBERING = 2;

/**
 * Brings the schema up to SCHEMA_VERSION in one transaction, under a lock so that nodes starting
 * together migrate once, then replaces the functions. Refuses a schema from a newer Banter.
 */
export async function migrate(pool: pg.Pool, schema: string | undefined): Promise<void> {
  const client = await pool.connect();
  try {
    await client.query('BEGIN');
    await client.query('SELECT pg_advisory_xact_lock($1)', [MIGRATION_LOCK]);
    if (schema) await client.query(`CREATE SCHEMA IF NOT EXISTS "${schema}"`);
    const what = `PostgreSQL schema ${schema ?? '(search_path)'}`;
    const version = await currentVersion(client, what);
    for (const m of MIGRATIONS) if (m.version > version) await client.query(m.postgres);
    await client.query(ROUTINES);
    await client.query('DELETE FROM schema_version');
    await client.query('INSERT INTO schema_version (version, numbering) VALUES ($1, $2)', [SCHEMA_VERSION, SHARED_NUMBERING]);
    await client.query('COMMIT');
  } catch (err) {
    await client.query('ROLLBACK').catch(() => undefined); // the error that made us roll back is rethrown
    throw err;
  } finally {
    client.release();
  }
}

/** The schema's version in the shared numbering; 0 for an empty schema. */
async function currentVersion(client: pg.PoolClient, what: string): Promise<number> {
  // Banter before shared numbering wrote only `version`; it reads only that column, so it still
  // sees (and refuses) a newer schema.
  await client.query('CREATE TABLE IF NOT EXISTS schema_version (version INTEGER NOT NULL)');
  await client.query('ALTER TABLE schema_version ADD COLUMN IF NOT EXISTS numbering INTEGER NOT NULL DEFAULT 1');
  const { rows } = await client.query<{ version: number; numbering: number }>('SELECT version, numbering FROM schema_version');
  const row = rows[0];
  if (!row) return 0;
  if (row.numbering === SHARED_NUMBERING) {
    if (row.version > SCHEMA_VERSION) throw new SchemaTooNewError(what, row.version, SCHEMA_VERSION);
    return row.version;
  }
  const shared = LEGACY_VERSIONS[row.version];
  if (row.numbering !== 1 || shared === undefined) throw new SchemaTooNewError(what, row.version, SCHEMA_VERSION);
  return shared;
}

import type Database from 'better-sqlite3';
import type pg from 'pg';

/**
 * A database's schema in a vocabulary both dialects share, to compare a SQLite file with a
 * PostgreSQL schema (or an upgraded database with a fresh one). Types: SQLite's INTEGER and
 * PostgreSQL's INTEGER, BIGINT and BOOLEAN are all "integer" (SQLite keeps flags as 0/1 and
 * times in 64-bit INTEGERs); TEXT is "text". Bookkeeping (PostgreSQL's schema_version, SQLite's
 * own tables) and the indexes behind PRIMARY KEY and UNIQUE constraints are left out: the
 * constraints themselves are compared.
 */
export interface SchemaDescription {
  version: number;
  tables: Record<string, TableDescription>;
  /** Indexes made by CREATE INDEX, by name. */
  indexes: Record<string, { table: string; columns: string[]; unique: boolean; partial: boolean }>;
}

export interface TableDescription {
  /** In the table's order: "name type" plus " not null". */
  columns: string[];
  primaryKey: string[];
  /** UNIQUE constraints, each as its columns joined by ",". */
  unique: string[];
  /** Each as "column -> table(column)". */
  foreignKeys: string[];
}

const COMMON_TYPES: Record<string, string> = { integer: 'integer', bigint: 'integer', boolean: 'integer', text: 'text' };

function commonType(type: string): string {
  return COMMON_TYPES[type.toLowerCase()] ?? `unmapped ${type}`;
}

export function describeSqlite(db: Database.Database): SchemaDescription {
  const tables: Record<string, TableDescription> = {};
  const indexes: SchemaDescription['indexes'] = {};
  const names = db.prepare("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name").pluck().all() as string[];
  for (const t of names) {
    const cols = db.pragma(`table_info(${t})`) as { name: string; type: string; notnull: number; pk: number }[];
    // SQLite lets a non-INTEGER PRIMARY KEY column hold NULL unless the table is WITHOUT ROWID;
    // we never store one, and PostgreSQL makes every key column NOT NULL.
    const columns = cols.map((c) => `${c.name} ${commonType(c.type)}${c.notnull || c.pk ? ' not null' : ''}`);
    const primaryKey = cols.filter((c) => c.pk > 0).sort((a, b) => a.pk - b.pk).map((c) => c.name);
    const unique: string[] = [];
    for (const ix of db.pragma(`index_list(${t})`) as { name: string; unique: number; origin: string; partial: number }[]) {
      const ixColumns = (db.pragma(`index_info(${ix.name})`) as { seqno: number; name: string }[]).sort((a, b) => a.seqno - b.seqno).map((c) => c.name);
      if (ix.origin === 'u') unique.push(ixColumns.join(','));
      if (ix.origin === 'c') indexes[ix.name] = { table: t, columns: ixColumns, unique: ix.unique === 1, partial: ix.partial === 1 };
    }
    const foreignKeys = (db.pragma(`foreign_key_list(${t})`) as { table: string; from: string; to: string }[]).map((f) => `${f.from} -> ${f.table}(${f.to})`);
    tables[t] = { columns, primaryKey, unique: unique.sort(), foreignKeys: foreignKeys.sort() };
  }
  return { version: db.pragma('user_version', { simple: true }) as number, tables, indexes };
}

export async function describePostgres(db: pg.Client, schema: string): Promise<SchemaDescription> {
  const tables: Record<string, TableDescription> = {};
  const names = (
    await db.query<{ name: string }>(
      "SELECT table_name AS name FROM information_schema.tables WHERE table_schema = $1 AND table_type = 'BASE TABLE' AND table_name <> 'schema_version' ORDER BY 1",
      [schema],
    )
  ).rows.map((r) => r.name);
  for (const t of names) {
    const cols = await db.query<{ name: string; type: string; nullable: string }>(
      'SELECT column_name AS name, data_type AS type, is_nullable AS nullable FROM information_schema.columns WHERE table_schema = $1 AND table_name = $2 ORDER BY ordinal_position',
      [schema, t],
    );
    const constraints = await db.query<{ type: string; columns: string[]; target: string | null; target_columns: string[] | null }>(
      `SELECT k.contype AS type,
         ARRAY(SELECT a.attname FROM unnest(k.conkey) WITH ORDINALITY AS x(n, o) JOIN pg_attribute a ON a.attrelid = k.conrelid AND a.attnum = x.n ORDER BY x.o)::text[] AS columns,
         f.relname AS target,
         ARRAY(SELECT a.attname FROM unnest(k.confkey) WITH ORDINALITY AS x(n, o) JOIN pg_attribute a ON a.attrelid = k.confrelid AND a.attnum = x.n ORDER BY x.o)::text[] AS target_columns
       FROM pg_constraint k JOIN pg_class c ON c.oid = k.conrelid JOIN pg_namespace s ON s.oid = c.relnamespace
       LEFT JOIN pg_class f ON f.oid = k.confrelid
       WHERE s.nspname = $1 AND c.relname = $2`,
      [schema, t],
    );
    const of = (type: string) => constraints.rows.filter((k) => k.type === type);
    tables[t] = {
      columns: cols.rows.map((c) => `${c.name} ${commonType(c.type)}${c.nullable === 'NO' ? ' not null' : ''}`),
      primaryKey: of('p')[0]?.columns ?? [],
      unique: of('u').map((k) => k.columns.join(',')).sort(),
      foreignKeys: of('f').map((k) => `${k.columns.join(',')} -> ${k.target}(${k.target_columns!.join(',')})`).sort(),
    };
  }
  const indexes: SchemaDescription['indexes'] = {};
  const rows = await db.query<{ name: string; table: string; unique: boolean; partial: boolean; columns: string[] }>(
    `SELECT c.relname AS name, t.relname AS table, i.indisunique AS unique, i.indpred IS NOT NULL AS partial,
       ARRAY(SELECT a.attname FROM unnest(i.indkey::int2[]) WITH ORDINALITY AS x(n, o) JOIN pg_attribute a ON a.attrelid = t.oid AND a.attnum = x.n ORDER BY x.o)::text[] AS columns
     FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid JOIN pg_class t ON t.oid = i.indrelid JOIN pg_namespace s ON s.oid = t.relnamespace
     WHERE s.nspname = $1 AND t.relname <> 'schema_version' AND NOT EXISTS (SELECT 1 FROM pg_constraint k WHERE k.conindid = i.indexrelid AND k.contype IN ('p', 'u', 'x'))`,
    [schema],
  );
  for (const r of rows.rows) indexes[r.name] = { table: r.table, columns: r.columns, unique: r.unique, partial: r.partial };
  const version = (await db.query<{ version: number }>(`SELECT version FROM "${schema}".schema_version`)).rows[0]?.version ?? 0;
  return { version, tables, indexes };
}

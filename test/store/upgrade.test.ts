import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import Database from 'better-sqlite3';
import pg from 'pg';
import { SCHEMA_VERSION } from '../../src/server/store/migrations.js';
import type { Store } from '../../src/server/store/port.js';
import { PostgresStore } from '../../src/server/store/postgres/postgres-store.js';
import { SqliteStore } from '../../src/server/store/sqlite/sqlite-store.js';
import { PG_URL, dropSchema, pgUrlWithSchema, postgresUnavailable, uniqueSpace } from '../helpers/services.js';
import { OLD_POSTGRES_MIGRATIONS } from './fixtures/old-postgres-migrations.js';
import { OLD_SQLITE_MIGRATIONS } from './fixtures/old-sqlite-migrations.js';
import { describePostgres, describeSqlite, type SchemaDescription } from './schema-description.js';

/**
 * Databases written by Banter before both dialects shared one list of versions (SQLite at v6,
 * PostgreSQL at v1 to v5 of its own numbering) open with today's store, keep their data, and end
 * up with exactly the schema a fresh database gets.
 */

const unavailable = await postgresUnavailable();
if (unavailable) console.log(`# skipping the PostgreSQL upgrade tests: ${unavailable}`);

const dir = mkdtempSync(join(tmpdir(), 'banter-upgrade-'));
const schemas: string[] = [];
after(async () => {
  rmSync(dir, { recursive: true, force: true });
  if (!unavailable) for (const s of schemas) await dropSchema(s);
});

function sqliteSchema(file: string): SchemaDescription {
  const db = new Database(file, { readonly: true });
  try {
    return describeSqlite(db);
  } finally {
    db.close();
  }
}

/** What both upgrade tests check through the store: the old rows are all there, and writing goes on from them. */
async function assertOldDataKept(store: Store): Promise<void> {
  const alice = await store.users.findByKey('alice');
  assert.equal(alice?.name, 'Alice');
  assert.equal((await store.sessions.find('token'))?.userId, alice.id);
  assert.deepEqual(
    (await store.messages.history('#lobby', { limit: 10 })).map((m) => [m.seq, m.body, m.cid]),
    [[1, 'hello', 'c1']],
  );
  assert.deepEqual((await store.messages.history('dm:alice:bob', { limit: 10 })).map((m) => m.body), ['psst']);
  assert.deepEqual((await store.messages.conversationsOf('bob')).map((c) => [c.conv, c.peer]).sort(), [['#lobby', null], ['dm:alice:bob', 'Alice']]);
  assert.equal((await store.rooms.find('#den'))?.ownerName, 'Alice');
  assert.deepEqual((await store.rooms.members('#den')).map((m) => m.key), ['alice']);
  assert.deepEqual(await store.readMarkers.listOf(alice.id), [{ conv: '#lobby', seq: 1 }]);
  assert.equal(await store.secrets.getOrCreate('links', 'a new one'), 'old secret');
  const again = await store.messages.append({ conv: '#lobby', senderId: alice.id, senderName: 'Alice', kind: 'text', body: 'retry', cid: 'c1' });
  assert.equal(again.duplicate, true, 'cids of old messages still count');
  const next = await store.messages.append({ conv: '#lobby', senderId: alice.id, senderName: 'Alice', kind: 'text', body: 'new', cid: 'c2' });
  assert.equal(next.message.seq, 2, 'seq goes on from the stored one');
  assert.equal((await store.messages.change('#lobby', 1, { kind: 'edit', body: 'hello, edited', ts: 30 }))?.message.useq, 1);
}

describe('upgrading a SQLite file from before shared versions', () => {
  it('takes a v6 file to the current version with its data, and to the same schema as a fresh file', async () => {
    const file = join(dir, 'v6.db');
    const old = new Database(file);
    for (const sql of OLD_SQLITE_MIGRATIONS) old.exec(sql);
    old.pragma(`user_version = ${OLD_SQLITE_MIGRATIONS.length}`);
    old.exec(`
      INSERT INTO users (id, name, key, pass_hash, role, created_at) VALUES (1, 'Alice', 'alice', 'h', 'user', 1), (2, 'Bob', 'bob', 'h', 'user', 1);
      INSERT INTO sessions (token_hash, user_id, created_at, expires_at, revoked) VALUES ('token', 1, 1, 4102444800000, 0);
      INSERT INTO conversations (key, last_seq, last_ts, user_a, user_b) VALUES ('#lobby', 1, 10, NULL, NULL), ('dm:alice:bob', 1, 11, 'alice', 'bob'), ('#den', 0, NULL, NULL, NULL);
      INSERT INTO messages (conv, seq, ts, sender_id, sender_name, kind, body, cid) VALUES ('#lobby', 1, 10, 1, 'Alice', 'text', 'hello', 'c1'), ('dm:alice:bob', 1, 11, 2, 'Bob', 'text', 'psst', NULL);
      INSERT INTO rooms (key, name, topic, private, owner_id, created_at) VALUES ('#den', '#Den', '', 0, 1, 5);
      INSERT INTO room_members (room, user_id, joined_at) VALUES ('#den', 1, 5);
      INSERT INTO read_markers (user_id, conv, seq) VALUES (1, '#lobby', 1);
      INSERT INTO secrets (name, value) VALUES ('links', 'old secret');
    `);
    old.close();
    assert.equal(sqliteSchema(file).indexes.sessions_by_expiry, undefined, 'the old schema lacks the expiry index');

    const store = new SqliteStore(file);
    try {
      await assertOldDataKept(store);
    } finally {
      await store.close();
    }
    const fresh = join(dir, 'fresh.db');
    await new SqliteStore(fresh).close();
    const upgraded = sqliteSchema(file);
    assert.equal(upgraded.version, SCHEMA_VERSION);
    assert.deepEqual(upgraded, sqliteSchema(fresh));
  });
});

describe('upgrading a PostgreSQL schema numbered before shared versions', { skip: unavailable }, () => {
  /** A schema as Banter with `version` of its old PostgreSQL migrations left it (its migrate(), verbatim in effect). */
  async function oldSchema(version: number, data?: string): Promise<string> {
    const schema = uniqueSpace('banter_old');
    schemas.push(schema);
    const client = new pg.Client({ connectionString: PG_URL });
    await client.connect();
    try {
      await client.query(`CREATE SCHEMA "${schema}"`);
      await client.query(`SET search_path = "${schema}"`);
      for (const sql of OLD_POSTGRES_MIGRATIONS.slice(0, version)) await client.query(sql);
      await client.query('CREATE TABLE schema_version (version INTEGER NOT NULL)');
      await client.query('INSERT INTO schema_version (version) VALUES ($1)', [version]);
      if (data) await client.query(data);
    } finally {
      await client.end();
    }
    return schema;
  }

  async function describe(schema: string): Promise<SchemaDescription> {
    const client = new pg.Client({ connectionString: PG_URL });
    await client.connect();
    try {
      return await describePostgres(client, schema);
    } finally {
      await client.end();
    }
  }

  it('takes a v5 schema (the last old version) to the current version with its data', async () => {
    const schema = await oldSchema(
      5,
      `INSERT INTO users (name, key, pass_hash, role, created_at) VALUES ('Alice', 'alice', 'h', 'user', 1), ('Bob', 'bob', 'h', 'user', 1);
       INSERT INTO sessions (token_hash, user_id, created_at, expires_at, revoked) VALUES ('token', 1, 1, 4102444800000, FALSE);
       SELECT * FROM banter_append(ARRAY['#lobby', 'dm:alice:bob'], ARRAY[1, 2], ARRAY['Alice', 'Bob'], ARRAY['text', 'text'], ARRAY['hello', 'psst'], ARRAY['c1', NULL], 10);
       INSERT INTO rooms (key, name, topic, private, owner_id, created_at) VALUES ('#den', '#Den', '', FALSE, 1, 5);
       INSERT INTO room_members (room, user_id, joined_at) VALUES ('#den', 1, 5);
       INSERT INTO conversations (key) VALUES ('#den');
       INSERT INTO read_markers (user_id, conv, seq) VALUES (1, '#lobby', 1);
       INSERT INTO secrets (name, value) VALUES ('links', 'old secret');`,
    );
    const store = await PostgresStore.open(pgUrlWithSchema(schema));
    try {
      await assertOldDataKept(store);
    } finally {
      await store.close();
    }
    assert.equal((await describe(schema)).version, SCHEMA_VERSION);
  });

  it('takes a schema at each old version to exactly the schema a fresh database gets', async () => {
    const freshName = uniqueSpace('banter_fresh');
    schemas.push(freshName);
    await (await PostgresStore.open(pgUrlWithSchema(freshName))).close();
    const fresh = await describe(freshName);
    for (let v = 1; v <= OLD_POSTGRES_MIGRATIONS.length; v++) {
      const schema = await oldSchema(v);
      const store = await PostgresStore.open(pgUrlWithSchema(schema));
      // banter_append exists whatever the old version (v1 had none): appends work.
      const user = await store.users.create({ name: 'Zed', key: 'zed', passHash: 'h', role: 'user', createdAt: 1 });
      assert.equal((await store.messages.append({ conv: '#lobby', senderId: user.id, senderName: 'Zed', kind: 'text', body: 'hi', cid: null })).message.seq, 1);
      await store.close();
      assert.deepEqual(await describe(schema), fresh, `from old v${v}`);
    }
  });
});

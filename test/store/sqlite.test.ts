import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import Database from 'better-sqlite3';
import type { AppendResult, NewMessage, Store } from '../../src/server/store/port.js';
import { SqliteStore } from '../../src/server/store/sqlite/sqlite-store.js';
import { SCHEMA_VERSION } from '../../src/server/store/migrations.js';
import { OLD_SQLITE_MIGRATIONS } from './fixtures/old-sqlite-migrations.js';
import { storeContract, type OpenedStore } from './contract.js';
import { roomsStoreContract } from './rooms-contract.js';
import { waitUntil } from '../helpers/wait.js';

const dirs: string[] = [];
function tempDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'banter-sqlite-'));
  dirs.push(dir);
  return dir;
}
after(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

async function openSqlite(): Promise<OpenedStore> {
  const dir = tempDir();
  const file = join(dir, 'banter.db');
  let current: Store = new SqliteStore(file);
  return {
    store: current,
    async reopen() {
      current = new SqliteStore(file);
      return current;
    },
    async cleanup() {
      await current.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

storeContract('SqliteStore', openSqlite);
roomsStoreContract('SqliteStore', openSqlite);

/** A second, independent connection to the file, as another process would have. */
function peek<T>(file: string, read: (db: Database.Database) => T): T {
  const db = new Database(file, { readonly: true, fileMustExist: true });
  try {
    return read(db);
  } finally {
    db.close();
  }
}

function countMessages(file: string): number {
  return peek(file, (db) => (db.prepare('SELECT count(*) AS n FROM messages').get() as { n: number }).n);
}

/**
 * Commit records in the file's write-ahead log: frames of the current WAL generation (matching the
 * header's salts) whose "database size after commit" field is set. See sqlite.org/fileformat.html#walformat.
 */
function walCommits(file: string): number {
  const wal = readFileSync(`${file}-wal`);
  if (wal.length < 32) return 0;
  const pageSize = wal.readUInt32BE(8);
  const [salt1, salt2] = [wal.readUInt32BE(16), wal.readUInt32BE(20)];
  let commits = 0;
  for (let at = 32; at + 24 + pageSize <= wal.length; at += 24 + pageSize) {
    if (wal.readUInt32BE(at + 8) !== salt1 || wal.readUInt32BE(at + 12) !== salt2) break;
    if (wal.readUInt32BE(at + 4) !== 0) commits++;
  }
  return commits;
}

function lobby(i: number, cid: string | null = null): NewMessage {
  return { conv: '#lobby', senderId: 1, senderName: 'alice', kind: 'text', body: `m${i}`, cid };
}

describe('SqliteStore specifics', () => {
  it('drops expired sessions when it opens, and keeps live and revoked ones until they expire', async () => {
    const file = join(tempDir(), 'purge.db');
    const first = new SqliteStore(file);
    const user = await first.users.create({ name: 'p', key: 'p', passHash: 'x', role: 'user', createdAt: Date.now() });
    const now = Date.now();
    await first.sessions.create({ tokenHash: 'live', userId: user.id, createdAt: now, expiresAt: now + 60_000, revoked: false });
    await first.sessions.create({ tokenHash: 'expired', userId: user.id, createdAt: now - 120_000, expiresAt: now - 60_000, revoked: false });
    await first.sessions.create({ tokenHash: 'revoked', userId: user.id, createdAt: now, expiresAt: now + 60_000, revoked: true });
    await first.close();
    const second = new SqliteStore(file);
    try {
      assert.ok(await second.sessions.find('live'));
      assert.equal(await second.sessions.find('expired'), null);
      assert.equal((await second.sessions.find('revoked'))?.revoked, true);
    } finally {
      await second.close();
    }
  });

  it('keeps its file in WAL mode', async () => {
    const file = join(tempDir(), 'wal.db');
    const store = new SqliteStore(file);
    try {
      assert.equal(peek(file, (db) => db.pragma('journal_mode', { simple: true })), 'wal');
    } finally {
      await store.close();
    }
    // WAL mode is a property of the file: it stays after the store is gone.
    assert.equal(peek(file, (db) => db.pragma('journal_mode', { simple: true })), 'wal');
  });

  it('commits the appends of one event-loop turn together, before acknowledging any of them', async () => {
    const file = join(tempDir(), 'group.db');
    const store = new SqliteStore(file);
    try {
      await store.messages.append(lobby(-1)); // the conversation exists; the WAL has begun
      const commitsBefore = walCommits(file);
      assert.ok(commitsBefore >= 1, 'the WAL records commits');
      const seenAtFirstAck: number[] = [];
      const promises: Promise<AppendResult>[] = [];
      for (let i = 0; i < 1000; i++) {
        const p = store.messages.append(lobby(i));
        if (i === 0) void p.then(() => seenAtFirstAck.push(countMessages(file)));
        promises.push(p);
      }
      assert.equal(countMessages(file), 1, 'nothing is committed within the turn the appends were made');
      const results = await Promise.all(promises);
      assert.deepEqual(seenAtFirstAck, [1001], 'when the first append is acknowledged, all 1000 are committed');
      assert.equal(walCommits(file) - commitsBefore, 1, 'the 1000 appends went into one transaction');
      assert.deepEqual(
        results.map((r) => r.message.seq),
        Array.from({ length: 1000 }, (_, i) => i + 2),
      );
      assert.equal(countMessages(file), 1001);
      assert.deepEqual(
        peek(file, (db) => db.prepare('SELECT min(seq) AS lo, max(seq) AS hi, count(DISTINCT seq) AS n FROM messages').get()),
        { lo: 1, hi: 1001, n: 1001 },
      );
    } finally {
      await store.close();
    }
  });

  it('splits a turn with more appends than maxBatch into several commits, still in order and gap-free', async () => {
    const file = join(tempDir(), 'batches.db');
    const store = new SqliteStore(file, { maxBatch: 64 });
    try {
      const order: number[] = [];
      const promises = Array.from({ length: 500 }, (_, i) =>
        store.messages.append(lobby(i, i % 10 === 0 ? `c${i}` : null)).then((r) => (order.push(i), r)),
      );
      // Repeats of cids from earlier batches of the same turn.
      promises.push(store.messages.append(lobby(0, 'c0')), store.messages.append(lobby(490, 'c490')));
      const results = await Promise.all(promises);
      assert.deepEqual(order, Array.from({ length: 500 }, (_, i) => i));
      assert.deepEqual(
        results.slice(0, 500).map((r) => r.message.seq),
        Array.from({ length: 500 }, (_, i) => i + 1),
      );
      assert.deepEqual(
        results.slice(500).map((r) => [r.duplicate, r.message.seq]),
        [
          [true, 1],
          [true, 491],
        ],
      );
      assert.equal(countMessages(file), 500);
    } finally {
      await store.close();
    }
  });

  it('rejects only the write that fails in a batch; the others keep gap-free seqs in every conversation', async () => {
    const file = join(tempDir(), 'failing.db');
    const store = new SqliteStore(file);
    try {
      const dm = (i: number): NewMessage => ({ ...lobby(i), conv: 'alice\nbob', body: `d${i}` });
      // body NOT NULL: this write fails inside SQLite, as any write might (disk, constraint).
      const broken = { ...lobby(2), body: null } as unknown as NewMessage;
      const settled = await Promise.allSettled([store.messages.append(lobby(0)), store.messages.append(dm(0)), store.messages.append(lobby(1)), store.messages.append(broken), store.messages.append(lobby(3)), store.messages.append(dm(1))]);
      assert.deepEqual(
        settled.map((s) => (s.status === 'fulfilled' ? `${s.value.message.conv}:${s.value.message.seq}` : 'rejected')),
        ['#lobby:1', 'alice\nbob:1', '#lobby:2', 'rejected', '#lobby:3', 'alice\nbob:2'],
      );
      assert.equal(countMessages(file), 5);
      assert.deepEqual(
        peek(file, (db) => db.prepare('SELECT key, last_seq FROM conversations ORDER BY key').all()),
        [
          { key: '#lobby', last_seq: 3 },
          { key: 'alice\nbob', last_seq: 2 },
        ],
      );
      assert.equal((await store.messages.append(lobby(4))).message.seq, 4, 'the next batch carries on from the stored seq');
    } finally {
      await store.close();
    }
  });

  it('checkpoints the write-ahead log from a worker thread, never inside a commit', async () => {
    const file = join(tempDir(), 'checkpoints.db');
    const store = new SqliteStore(file, { backgroundCheckpoints: true, synchronous: 'normal' });
    try {
      assert.equal(store.checkpointsInBackground, true);
      const before = statSync(file).size;
      for (let turn = 0; turn < 20; turn++) await Promise.all(Array.from({ length: 500 }, (_, i) => store.messages.append(lobby(turn * 500 + i))));
      // Commits here never checkpoint (wal_autocheckpoint 0): only the worker copies the log into the file.
      await waitUntil(() => statSync(file).size >= before + 200_000, { what: `the database file to grow from ${before} bytes`, timeoutMs: 5000, state: () => statSync(file).size });
      assert.equal(countMessages(file), 10_000);
    } finally {
      await store.close();
    }
    assert.equal(countMessages(file), 10_000, 'all there after close');
  });

  it('checkpoints inside commits again when the worker is gone', async () => {
    const file = join(tempDir(), 'fallback.db');
    const store = new SqliteStore(file, { backgroundCheckpoints: true, synchronous: 'normal' });
    try {
      // As if the thread had died (it exits after 20 failed checkpoints in a row).
      await (store as unknown as { checkpointer: { terminate(): Promise<number> } }).checkpointer.terminate();
      await waitUntil(() => !store.checkpointsInBackground, { what: 'the store to notice the worker is gone', timeoutMs: 2000 });
      const before = statSync(file).size;
      // Well past SQLite's 1000-page automatic checkpoint (4 MiB of log).
      for (let turn = 0; turn < 40; turn++) await Promise.all(Array.from({ length: 500 }, (_, i) => store.messages.append({ ...lobby(turn * 500 + i), body: 'x'.repeat(500) })));
      assert.ok(statSync(file).size > before + 1_000_000, 'commits checkpointed the log into the file');
    } finally {
      await store.close();
    }
  });

  it('keeps seqs gap-free and unique when two stores (two processes) append to one file', async () => {
    const file = join(tempDir(), 'two.db');
    const a = new SqliteStore(file);
    const b = new SqliteStore(file);
    try {
      const seqs: number[] = [];
      for (let turn = 0; turn < 5; turn++) {
        const results = await Promise.all(Array.from({ length: 40 }, (_, i) => (i % 2 ? a : b).messages.append(lobby(turn * 40 + i))));
        seqs.push(...results.map((r) => r.message.seq));
      }
      assert.deepEqual([...seqs].sort((x, y) => x - y), Array.from({ length: 200 }, (_, i) => i + 1));
      assert.equal(countMessages(file), 200);
    } finally {
      await a.close();
      await b.close();
    }
  });
  it('makes an append durable before acknowledging it', async () => {
    const file = join(tempDir(), 'durable.db');
    const store = new SqliteStore(file);
    try {
      for (let i = 0; i < 5; i++) {
        // Read from the other connection inside the very callback that sees the acknowledgement.
        const row = await store.messages.append(lobby(i, `d${i}`)).then((r) =>
          peek(file, (db) => db.prepare('SELECT seq, body, cid FROM messages WHERE conv = ? AND seq = ?').get('#lobby', r.message.seq)),
        );
        assert.deepEqual(row, { seq: i + 1, body: `m${i}`, cid: `d${i}` });
      }
    } finally {
      await store.close();
    }
  });

  it('commits appends still pending when it is closed, and refuses appends afterwards', async () => {
    const dir = tempDir();
    const file = join(dir, 'closing.db');
    const store = new SqliteStore(file);
    const pending = Array.from({ length: 20 }, (_, i) => store.messages.append(lobby(i)));
    await store.close();
    const results = await Promise.all(pending);
    assert.deepEqual(
      results.map((r) => r.message.seq),
      Array.from({ length: 20 }, (_, i) => i + 1),
    );
    assert.equal(countMessages(file), 20);
    await assert.rejects(store.messages.append(lobby(99)), /closed/);
    const reopened = new SqliteStore(file);
    try {
      assert.equal((await reopened.messages.history('#lobby', { limit: 50 })).length, 20);
    } finally {
      await reopened.close();
    }
  });

  it('refuses a database made by a newer Banter, saying so', async () => {
    const file = join(tempDir(), 'future.db');
    const store = new SqliteStore(file);
    await store.messages.append(lobby(1));
    await store.close();
    const future = SCHEMA_VERSION + 3;
    const db = new Database(file);
    db.pragma(`user_version = ${future}`);
    db.close();
    assert.throws(
      () => new SqliteStore(file),
      (err: unknown) => {
        assert.ok(err instanceof Error);
        assert.match(err.message, new RegExp(`v${future}\\b`), 'names the version found');
        assert.match(err.message, /newer/);
        assert.match(err.message, /upgrade Banter/i, 'says what to do');
        return true;
      },
    );
    // The refusal left the file as it was.
    assert.equal(
      peek(file, (d) => d.pragma('user_version', { simple: true })),
      future,
    );
    assert.equal(countMessages(file), 1);
  });
});

describe('SqliteStore upgrades', () => {
  it('upgrades a schema v3 database in place: old messages, users and files stay, the new features work', async () => {
    const file = join(tempDir(), 'v3.db');
    // A database as Banter with three migrations left it.
    const old = new Database(file);
    for (let v = 0; v < 3; v++) old.exec(OLD_SQLITE_MIGRATIONS[v]!);
    old.pragma('user_version = 3');
    old.prepare("INSERT INTO users (id, name, key, pass_hash, role, created_at) VALUES (1, 'alice', 'alice', 'h', 'user', 1), (2, 'Bob', 'bob', 'h', 'user', 1)").run();
    old.prepare("INSERT INTO conversations (key, last_seq, last_ts) VALUES ('#lobby', 2, 20)").run();
    old.prepare("INSERT INTO messages (conv, seq, ts, sender_id, sender_name, kind, body, cid) VALUES ('#lobby', 1, 10, 1, 'alice', 'text', 'old one', 'c1'), ('#lobby', 2, 20, 2, 'Bob', 'sticker', 'wave', NULL)").run();
    old.close();

    const store = new SqliteStore(file);
    try {
      assert.equal(peek(file, (db) => db.pragma('user_version', { simple: true })), SCHEMA_VERSION);
      const before = await store.messages.history('#lobby', { limit: 10 });
      assert.deepEqual(
        before.map((m) => [m.seq, m.body, m.cid, m.useq, m.deleted, m.editedTs]),
        [
          [1, 'old one', 'c1', undefined, undefined, undefined],
          [2, 'wave', null, undefined, undefined, undefined],
        ],
      );
      assert.equal((await store.messages.append(lobby(3, 'c1'))).duplicate, true, 'cids of old messages still count');
      assert.equal((await store.messages.change('#lobby', 1, { kind: 'edit', body: 'old one, edited', ts: 30 }))?.message.useq, 1);
      assert.deepEqual(await store.readMarkers.advance(2, '#lobby', 1), { seq: 1, moved: true });
      assert.equal(await store.messages.countUnread('#lobby', 1, 2, 100), 0);
      const room = await store.rooms.create({ key: '#new', name: '#new', topic: '', private: false, ownerId: 2, createdAt: 40 });
      assert.equal(room.ownerName, 'Bob');
    } finally {
      await store.close();
    }
  });
});

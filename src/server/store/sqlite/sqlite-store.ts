import { Worker } from 'node:worker_threads';
import Database from 'better-sqlite3';
import { SchemaTooNewError } from '../errors.js';
import { MIGRATIONS, SCHEMA_VERSION } from '../migrations.js';
import type { Store } from '../port.js';
import { SqliteFiles } from './files.js';
import { SqliteMessages } from './messages.js';
import { SqliteModeration } from './moderation.js';
import { SqliteReadMarkers } from './read-markers.js';
import { SqliteRooms } from './rooms.js';
import { SqliteSecrets } from './secrets.js';
import { SqliteSessions } from './sessions.js';
import { SqliteUsers } from './users.js';
import { SqliteWriter } from './writer.js';

export interface SqliteStoreOptions {
  /** "full" fsyncs every commit (survives power loss); "normal" survives a process crash only. */
  synchronous?: 'full' | 'normal';
  /** Most writes committed in one transaction. */
  maxBatch?: number;
  /**
   * Checkpoint the write-ahead log from a worker thread (checkpointer.ts) instead of inside
   * commits on this thread. The server turns it on; short-lived stores (tools, tests) need not.
   */
  backgroundCheckpoints?: boolean;
}

/** How often the worker checkpoints (ms): at 60,000 messages/s the log grows ~12 MB/s. */
const CHECKPOINT_INTERVAL_MS = 500;

/**
 * The embedded store: one file, one connection, one sub-store per aggregate. Writes that must be
 * ordered or batched (appends, changes, markers, memberships) go through the group commit
 * (writer.ts); reads are indexed point or range lookups served from SQLite's page cache.
 */
export class SqliteStore implements Store {
  readonly users: SqliteUsers;
  readonly sessions: SqliteSessions;
  readonly messages: SqliteMessages;
  readonly rooms: SqliteRooms;
  readonly files: SqliteFiles;
  readonly readMarkers: SqliteReadMarkers;
  readonly moderation: SqliteModeration;
  readonly secrets: SqliteSecrets;
  private readonly db: Database.Database;
  private readonly writer: SqliteWriter;
  private readonly purgeTimer: NodeJS.Timeout;
  private closed = false;
  private checkpointer: Worker | undefined;

  constructor(file: string, options: SqliteStoreOptions = {}) {
    this.db = new Database(file);
    const version = this.db.pragma('user_version', { simple: true }) as number;
    if (version > SCHEMA_VERSION) {
      this.db.close();
      throw new SchemaTooNewError(`database ${file}`, version, SCHEMA_VERSION);
    }
    this.db.pragma('journal_mode = WAL');
    this.db.pragma(`synchronous = ${options.synchronous === 'normal' ? 'NORMAL' : 'FULL'}`);
    this.db.pragma('foreign_keys = ON');
    this.db.pragma('busy_timeout = 5000');
    this.migrate(version);
    if (options.backgroundCheckpoints) this.startCheckpointer(file, options.synchronous === 'normal' ? 'NORMAL' : 'FULL');
    const db = this.db;
    this.writer = new SqliteWriter(db, options.maxBatch ?? 2000);
    this.users = new SqliteUsers(db);
    this.sessions = new SqliteSessions(db);
    this.messages = new SqliteMessages(db, this.writer);
    this.rooms = new SqliteRooms(db, this.writer);
    this.files = new SqliteFiles(db);
    this.readMarkers = new SqliteReadMarkers(db, this.writer);
    this.moderation = new SqliteModeration(db);
    this.secrets = new SqliteSecrets(db);
    // Expired sessions are of no use to anyone: drop them at start, then hourly.
    this.sessions.purgeExpired(Date.now());
    this.purgeTimer = setInterval(() => this.sessions.purgeExpired(Date.now()), 3600_000);
    this.purgeTimer.unref();
  }

  /** Runs the versions the file lacks, each in its own transaction with its user_version. */
  private migrate(from: number): void {
    for (const m of MIGRATIONS) {
      if (m.version <= from) continue;
      this.db.transaction(() => {
        this.db.exec(m.sqlite);
        this.db.pragma(`user_version = ${m.version}`);
      })();
    }
  }

  /** Hands checkpoints to a worker; if it cannot run, SQLite's automatic checkpoints come back. */
  private startCheckpointer(file: string, synchronous: 'FULL' | 'NORMAL'): void {
    const worker = new Worker(new URL('./checkpointer.js', import.meta.url), { workerData: { file, synchronous, intervalMs: CHECKPOINT_INTERVAL_MS } });
    this.db.pragma('wal_autocheckpoint = 0');
    this.checkpointer = worker;
    worker.unref();
    // It failed (to start, or to checkpoint MAX_FAILURES times in a row) or ended: unless the
    // store is closing, SQLite's own checkpoints take over again.
    const gone = (): void => {
      if (this.checkpointer !== worker) return;
      this.checkpointer = undefined;
      if (!this.closed) this.db.pragma('wal_autocheckpoint = 1000');
    };
    worker.on('error', gone);
    worker.on('exit', gone);
  }

  /** The worker checkpointing the log, if any (for tests and diagnostics). */
  get checkpointsInBackground(): boolean {
    return this.checkpointer !== undefined;
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    clearInterval(this.purgeTimer);
    await this.writer.close();
    const worker = this.checkpointer;
    this.checkpointer = undefined;
    if (worker) {
      const stopped = new Promise<void>((resolve) => {
        worker.on('message', (m: { type: string }) => m.type === 'stopped' && resolve());
        worker.once('exit', () => resolve());
        worker.once('error', () => resolve());
      });
      worker.postMessage({ type: 'stop' });
      await Promise.race([stopped, new Promise((r) => setTimeout(r, 2000).unref())]);
      await worker.terminate();
    }
    // The last connection to close checkpoints what is left and removes the log.
    this.db.close();
  }
}

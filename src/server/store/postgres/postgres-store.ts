import pg from 'pg';
import { InvalidSchemaNameError, SchemaTooNewError, StoreUnavailableError, redact } from '../errors.js';
import type { Store } from '../port.js';
import { PgContext } from './db.js';
import { PgFiles } from './files.js';
import { PgMessages } from './messages.js';
import { migrate } from './migrate.js';
import { PgModeration } from './moderation.js';
import { PgReadMarkers } from './read-markers.js';
import { PgRooms } from './rooms.js';
import { PgSecrets } from './secrets.js';
import { PgSessions } from './sessions.js';
import { PgUsers } from './users.js';

export interface PostgresStoreOptions {
  /** Schema to keep the tables in (created if missing); default: the server's search_path. */
  schema?: string;
  /** Most messages committed in one transaction. */
  maxBatch?: number;
  /** Connections in the pool. */
  poolSize?: number;
}

const SCHEMA_NAME = /^[A-Za-z_][A-Za-z0-9_]{0,62}$/;

// BIGINT (int8) and NUMERIC (SUM of BIGINT) as numbers: every value we store fits in 2^53.
const TYPES = {
  getTypeParser: ((oid: number, format?: 'text' | 'binary') =>
    oid === 20 || oid === 1700 ? (v: string) => Number(v) : pg.types.getTypeParser(oid, format)) as typeof pg.types.getTypeParser,
};

/**
 * The PostgreSQL store, for several nodes sharing one database: one pool, one sub-store per
 * aggregate. Appends are group-committed (appends.ts); changes and read markers are ordered per
 * conversation and per user (db.ts chained) and locked in the database across nodes.
 */
export class PostgresStore implements Store {
  readonly users: PgUsers;
  readonly sessions: PgSessions;
  readonly messages: PgMessages;
  readonly rooms: PgRooms;
  readonly files: PgFiles;
  readonly readMarkers: PgReadMarkers;
  readonly moderation: PgModeration;
  readonly secrets: PgSecrets;
  private closed = false;
  private readonly purgeTimer: NodeJS.Timeout;
  /** The last error of an idle pooled connection; the next query reports its own. */
  lastIdleError: Error | undefined;

  private constructor(
    private readonly pool: pg.Pool,
    options: PostgresStoreOptions,
  ) {
    const ctx = new PgContext(pool);
    this.users = new PgUsers(pool);
    this.sessions = new PgSessions(pool);
    this.messages = new PgMessages(ctx, options.maxBatch ?? 2000);
    this.rooms = new PgRooms(ctx);
    this.files = new PgFiles(pool);
    this.readMarkers = new PgReadMarkers(ctx);
    this.moderation = new PgModeration(pool);
    this.secrets = new PgSecrets(pool);
    this.pool.on('error', (err) => (this.lastIdleError = err));
    // The store has no logger: a failed purge only leaves expired sessions (refused when used) for
    // the next hourly run, and a database that is down shows on every request that needs it.
    this.purgeTimer = setInterval(() => void this.sessions.purgeExpired(Date.now()).catch(() => undefined), 3600_000);
    this.purgeTimer.unref();
  }

  /** Connects, migrates the schema and purges expired sessions; throws StoreUnavailableError if the server cannot be reached. */
  static async open(url: string, options: PostgresStoreOptions = {}): Promise<PostgresStore> {
    const { connectionString, schema } = splitUrl(url, options.schema);
    const pool = new pg.Pool({
      connectionString,
      max: options.poolSize ?? 10,
      types: TYPES,
      connectionTimeoutMillis: 10_000,
      ...(schema ? { options: `-c search_path=${schema}` } : {}),
    });
    pool.on('error', () => undefined); // replaced by the instance's handler below
    try {
      await migrate(pool, schema);
    } catch (err) {
      await pool.end().catch(() => undefined); // the migration's error is the one to report
      if (err instanceof SchemaTooNewError) throw err;
      throw new StoreUnavailableError('PostgreSQL', redact(url), err as Error);
    }
    const store = new PostgresStore(pool, options);
    await store.sessions.purgeExpired(Date.now());
    return store;
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    clearInterval(this.purgeTimer);
    await this.messages.close();
    await this.pool.end();
  }
}

/** The URL for pg without our own `schema` parameter, and that schema (checked: it goes into SQL). */
function splitUrl(url: string, schemaOption: string | undefined): { connectionString: string; schema: string | undefined } {
  const parsed = new URL(url);
  const schema = schemaOption ?? (parsed.searchParams.get('schema') || undefined);
  parsed.searchParams.delete('schema');
  if (schema !== undefined && !SCHEMA_NAME.test(schema)) throw new InvalidSchemaNameError(schema);
  return { connectionString: parsed.toString(), schema };
}

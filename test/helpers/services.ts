import { execFileSync } from 'node:child_process';
import { mkdirSync, readdirSync } from 'node:fs';
import pg from 'pg';
import { Redis } from 'ioredis';

/**
 * The real PostgreSQL and Redis on loopback that the scale-out tests use. If one is down it is
 * started (the commands of BRIEF.md / .ci/run); if it is not installed, tests skip saying why.
 */
export const PG_URL = process.env.BANTER_TEST_PG ?? 'postgres://root@127.0.0.1:5432/test';
export const REDIS_URL = process.env.BANTER_TEST_REDIS ?? 'redis://127.0.0.1:6379';

let pgState: Promise<string | undefined> | undefined;
let redisState: Promise<string | undefined> | undefined;

/** undefined when PostgreSQL answers; otherwise why the tests that need it are skipped. */
export function postgresUnavailable(): Promise<string | undefined> {
  return (pgState ??= (async () => {
    if (await pgAnswers()) return undefined;
    let versions: string[] = [];
    try {
      versions = readdirSync('/etc/postgresql');
    } catch {
      return 'PostgreSQL is not installed (no /etc/postgresql); install postgresql to run these tests';
    }
    try {
      for (const v of versions) execFileSync('pg_ctlcluster', ['--skip-systemctl-redirect', v, 'main', 'start'], { stdio: 'ignore' });
    } catch (err) {
      return `PostgreSQL is down and could not be started: ${(err as Error).message}`;
    }
    for (let i = 0; i < 50; i++) {
      if (await pgAnswers()) return undefined;
      await new Promise((r) => setTimeout(r, 200));
    }
    return `PostgreSQL at ${PG_URL} does not answer`;
  })());
}

/** undefined when Redis answers; otherwise why the tests that need it are skipped. */
export function redisUnavailable(): Promise<string | undefined> {
  return (redisState ??= (async () => {
    if (await redisAnswers()) return undefined;
    try {
      for (const dir of ['/var/lib/redis', '/var/log/redis']) mkdirSync(dir, { recursive: true });
      execFileSync('redis-server', ['--daemonize', 'yes', '--bind', '127.0.0.1', '-::1', '--port', '6379', '--save', '', '--appendonly', 'no', '--dir', '/var/lib/redis', '--logfile', '/var/log/redis/ci.log'], { stdio: 'ignore' });
    } catch (err) {
      return `Redis is down and could not be started (is redis-server installed?): ${(err as Error).message}`;
    }
    for (let i = 0; i < 50; i++) {
      if (await redisAnswers()) return undefined;
      await new Promise((r) => setTimeout(r, 200));
    }
    return `Redis at ${REDIS_URL} does not answer`;
  })());
}

async function pgAnswers(): Promise<boolean> {
  const client = new pg.Client({ connectionString: PG_URL, connectionTimeoutMillis: 2000 });
  try {
    await client.connect();
    await client.query('SELECT 1');
    return true;
  } catch {
    return false;
  } finally {
    await client.end().catch(() => undefined);
  }
}

async function redisAnswers(): Promise<boolean> {
  const redis = new Redis(REDIS_URL, { lazyConnect: true, maxRetriesPerRequest: 0, retryStrategy: () => null, connectTimeout: 2000 });
  redis.on('error', () => undefined);
  try {
    await redis.connect();
    return (await redis.ping()) === 'PONG';
  } catch {
    return false;
  } finally {
    redis.disconnect();
  }
}

let counter = 0;
/** A schema or prefix name no other test (file, process) uses. */
export function uniqueSpace(prefix: string): string {
  return `${prefix}_${process.pid}_${Date.now().toString(36)}_${++counter}`;
}

/** Drops a test's schema and everything in it. */
export async function dropSchema(schema: string): Promise<void> {
  const client = new pg.Client({ connectionString: PG_URL });
  await client.connect();
  try {
    await client.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
  } finally {
    await client.end();
  }
}

/** A PostgreSQL URL whose tables live in their own schema. */
export function pgUrlWithSchema(schema: string): string {
  const u = new URL(PG_URL);
  u.searchParams.set('schema', schema);
  return u.toString();
}

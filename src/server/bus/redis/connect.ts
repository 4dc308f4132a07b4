import { randomBytes } from 'node:crypto';
import { hostname } from 'node:os';
import { Redis } from 'ioredis';
import type { Logger } from '../../shared/logger.js';
import { redact } from '../../shared/redact.js';
import { RedisBus } from './redis-bus.js';
import { RedisPresence } from './redis-presence.js';

export interface RedisOptions {
  logger: Logger;
  /** Presence expiry of a silent node, ms. */
  presenceTtlMs: number;
  holdMs?: number;
  /** Overrides the URL's `?prefix=` (default "banter"). */
  prefix?: string;
}

const PREFIX = /^[A-Za-z0-9_.-]{1,64}$/;

/** Connects the Redis bus and presence of one node; throws BusUnavailableError if Redis cannot be reached. */
export async function openRedis(url: string, options: RedisOptions): Promise<{ bus: RedisBus; presence: RedisPresence }> {
  const parsed = new URL(url);
  const prefix = options.prefix ?? (parsed.searchParams.get('prefix') || 'banter');
  if (!PREFIX.test(prefix)) throw new InvalidPrefixError(prefix);
  parsed.searchParams.delete('prefix');
  let firstError: Error | undefined;
  const nodeId = `${hostname()}:${process.pid}:${randomBytes(4).toString('hex')}`;
  const connection = (role: string): Redis => {
    const redis = new Redis(parsed.toString(), {
      // Shown by CLIENT LIST: which node, which connection.
      connectionName: `banter-${role}-${nodeId}`,
      lazyConnect: true,
      connectTimeout: 5000,
      // After start, reconnect for ever; a command waits meanwhile and fails after 5 attempts.
      retryStrategy: (times) => Math.min(times * 100, 2000),
      maxRetriesPerRequest: 5,
      // Commands issued in one turn (a committed batch) go in one write, and their PUBLISHes reach
      // the subscribers together, so each node coalesces them into one write per client.
      enableAutoPipelining: true,
    });
    let reported = 0;
    redis.on('error', (err) => {
      firstError ??= err;
      // Once per failure spell: a dead Redis would otherwise log every retry.
      if (Date.now() - reported > 10_000) options.logger.warn({ err }, 'redis: connection error');
      reported = Date.now();
    });
    return redis;
  };
  const pub = connection('pub');
  const sub = connection('sub');
  try {
    await Promise.all([pub.connect(), sub.connect()]);
  } catch (err) {
    pub.disconnect();
    sub.disconnect();
    // "Connection is closed" says less than the socket's own error (ECONNREFUSED, ENOTFOUND, auth).
    throw new BusUnavailableError(redact(url), firstError ?? (err as Error));
  }
  const bus = new RedisBus(pub, sub, { prefix, nodeId, logger: options.logger, holdMs: options.holdMs });
  await bus.start();
  const presence = new RedisPresence(bus, { ttlMs: options.presenceTtlMs, logger: options.logger });
  await presence.start();
  return { bus, presence };
}


export class BusUnavailableError extends Error {
  constructor(
    readonly url: string,
    override readonly cause: Error,
  ) {
    super(`cannot connect to Redis at ${url}: ${cause.message || String(cause)}`);
    this.name = 'BusUnavailableError';
  }
}

/** The `prefix` setting cannot be used for Redis keys and channels: the operator's to fix. */
export class InvalidPrefixError extends Error {
  constructor(prefix: string) {
    super(`invalid Redis prefix ${JSON.stringify(prefix)}: 1-64 letters, digits, "_", "." or "-"`);
    this.name = 'InvalidPrefixError';
  }
}

import { Redis } from 'ioredis';
import type { ServerConfig } from '../../src/server/config.js';
import { REDIS_URL, dropSchema, pgUrlWithSchema, postgresUnavailable, redisUnavailable, uniqueSpace } from './services.js';
import { startTestServer, type TestServer } from './server.js';

/** Why scale-out tests cannot run here (printed as the skip reason), or undefined. */
export async function clusterUnavailable(): Promise<string | undefined> {
  const [pg, redis] = await Promise.all([postgresUnavailable(), redisUnavailable()]);
  return pg ?? redis;
}

/** Where one cluster's nodes meet: their own PostgreSQL schema and Redis prefix. */
export interface ClusterSpace {
  schema: string;
  prefix: string;
  store: string;
  bus: string;
  /** Drops the schema and the Redis keys. */
  dispose(): Promise<void>;
}

export function clusterSpace(name: string): ClusterSpace {
  const schema = uniqueSpace(`banter_${name}`);
  const prefix = uniqueSpace(`banter-${name}`);
  const bus = new URL(REDIS_URL);
  bus.searchParams.set('prefix', prefix);
  return {
    schema,
    prefix,
    store: pgUrlWithSchema(schema),
    bus: bus.toString(),
    async dispose() {
      await dropSchema(schema);
      await deleteKeys(prefix);
    },
  };
}

async function deleteKeys(prefix: string): Promise<void> {
  const redis = new Redis(REDIS_URL);
  try {
    let cursor = '0';
    do {
      const [next, keys] = await redis.scan(cursor, 'MATCH', `${prefix}:*`, 'COUNT', 1000);
      cursor = next;
      if (keys.length > 0) await redis.del(...keys);
    } while (cursor !== '0');
  } finally {
    redis.disconnect();
  }
}

/** n in-process nodes on one store and bus, started one after another. */
export async function startNodes(space: ClusterSpace, n: number, overrides: Partial<ServerConfig> = {}): Promise<TestServer[]> {
  const nodes: TestServer[] = [];
  for (let i = 0; i < n; i++) nodes.push(await startTestServer({ store: space.store, bus: space.bus, ...overrides }));
  return nodes;
}

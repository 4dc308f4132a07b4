/**
 * Scale-out fan-out: the lobby on 1, 2 and 3 nodes sharing PostgreSQL and Redis (each node a
 * `banter server` process), one sender per node, receivers spread evenly over the nodes.
 * Counts deliveries per second summed over receivers, and checks every receiver got every
 * message once and in seq order (one order across nodes). A single node on the embedded
 * defaults (SQLite, in-process bus) runs first for reference.
 *
 * Everything shares this machine: on 2 cores, PostgreSQL, Redis, every node and the load
 * generator compete for the same CPUs, so more nodes cannot mean more throughput here; what
 * this measures is the cost of the shared store and bus, and that ordering holds under load.
 * Loopback only; every run is bounded in messages and time.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import net from 'node:net';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { Redis } from 'ioredis';
import { BanterClient } from '../src/client/index.js';
import { tcpTransport } from '../src/client/node/tcp-transport.js';
import { hashPassword } from '../src/server/core/passwords.js';
import { hashToken, newToken } from '../src/server/core/tokens.js';
import type { Store } from '../src/server/store/port.js';
import { PostgresStore } from '../src/server/store/postgres/postgres-store.js';
import { SqliteStore } from '../src/server/store/sqlite/sqlite-store.js';

const MESSAGES = Number(process.env.BENCH_MESSAGES ?? 3000);
const RECEIVERS = Number(process.env.BENCH_RECEIVERS ?? 300);
const WINDOW = 200;
const TIME_LIMIT_MS = 60_000;
const TEXT = 'x'.repeat(100);
const CLI = new URL('../src/cli/main.js', import.meta.url).pathname;
const PG_URL = process.env.BANTER_TEST_PG ?? 'postgres://root@127.0.0.1:5432/test';
const REDIS_URL = process.env.BANTER_TEST_REDIS ?? 'redis://127.0.0.1:6379';

interface Result {
  deliveries: number;
  expected: number;
  seconds: number;
  perSecond: number;
  complete: boolean;
  /** Receivers that saw a seq other than the one after their previous. */
  outOfOrder: number;
}

interface Topology {
  name: string;
  nodes: number;
  store: string;
  bus: string;
  cleanup(): Promise<void>;
}

/** Users and session tokens written straight into the store (setup is not measured). */
async function seed(store: Store, count: number): Promise<string[]> {
  const passHash = await hashPassword('bench-password-1');
  const tokens: string[] = [];
  for (let i = 0; i < count; i++) {
    const user = await store.users.create({ name: `u${i}`, key: `u${i}`, passHash, role: 'user', createdAt: Date.now() });
    const token = newToken();
    await store.sessions.create({ tokenHash: hashToken(token), userId: user.id, createdAt: Date.now(), expiresAt: Date.now() + 3600_000, revoked: false });
    tokens.push(token);
  }
  await store.close();
  return tokens;
}

function startNode(data: string, t: Topology): Promise<{ port: number; child: ChildProcess }> {
  const args = ['server', '--host', '127.0.0.1', '--port', '0', '--http-port', '0', '--data', data, '--log-level', 'warn', '--send-rate', '1000000', '--send-burst', '1000000', '--sync', 'normal', '--max-connections-per-address', '1000000', '--store', t.store, '--bus', t.bus];
  const child = spawn(process.execPath, [CLI, ...args], { env: { ...process.env, BANTER_ADMIN_PASSWORD: 'bench-admin-1' }, stdio: ['ignore', 'ignore', 'pipe'] });
  return new Promise((resolve, reject) => {
    let err = '';
    child.stderr!.on('data', (d: Buffer) => {
      err += d.toString();
      const m = /listening on [^ ]+:(\d+) \(TCP/.exec(err);
      if (m) resolve({ port: Number(m[1]), child });
    });
    child.once('exit', (code) => reject(new Error(`banter exited ${code}: ${err}`)));
  });
}

async function run(t: Topology): Promise<Result> {
  const data = mkdtempSync(join(tmpdir(), 'banter-scale-bench-'));
  const senders = t.nodes;
  const store: Store = t.store === 'sqlite' ? new SqliteStore(join(data, 'banter.db'), { synchronous: 'normal' }) : await PostgresStore.open(t.store);
  const tokens = await seed(store, RECEIVERS + senders);
  const nodes: { port: number; child: ChildProcess }[] = [];
  try {
    for (let i = 0; i < t.nodes; i++) nodes.push(await startNode(data, t));
    const counts = new Array<number>(RECEIVERS).fill(0);
    const inOrder = new Array<boolean>(RECEIVERS).fill(true);
    const lastSeq = new Array<number>(RECEIVERS).fill(0);
    const sockets: net.Socket[] = [];
    for (let r = 0; r < RECEIVERS; r++) {
      const s = net.connect(nodes[r % t.nodes]!.port, '127.0.0.1');
      await new Promise((res) => s.once('connect', res));
      let rest = '';
      s.on('data', (d: Buffer) => {
        const text = rest + d.toString('latin1');
        let from = 0;
        for (let nl = text.indexOf('\n'); nl !== -1; nl = text.indexOf('\n', from)) {
          const at = text.indexOf('"seq":', from);
          if (text.startsWith('{"ev":"msg"', from) && at !== -1 && at < nl) {
            const seq = Number(text.slice(at + 6, text.indexOf(',', at)));
            if (seq !== lastSeq[r]! + 1) inOrder[r] = false;
            lastSeq[r] = seq;
            counts[r]!++;
          }
          from = nl + 1;
        }
        rest = text.slice(from);
      });
      s.write(JSON.stringify({ id: 1, op: 'login', token: tokens[r] }) + '\n');
      sockets.push(s);
    }
    const clients = await Promise.all(
      Array.from({ length: senders }, async (_, i) => {
        const c = await BanterClient.connect(tcpTransport('127.0.0.1', nodes[i]!.port));
        await c.request('login', { token: tokens[RECEIVERS + i]! });
        return c;
      }),
    );
    await new Promise((r) => setTimeout(r, 500));
    const started = performance.now();
    const perSender = Math.floor(MESSAGES / senders);
    const total = perSender * senders;
    await Promise.all(
      clients.map(
        (sender) =>
          new Promise<void>((resolve) => {
            let sent = 0;
            let acked = 0;
            const pump = (): void => {
              while (sent - acked < WINDOW / senders && sent < perSender) {
                sent++;
                void sender.request('send', { to: '#lobby', text: TEXT }).then(() => {
                  if (++acked === perSender) resolve();
                  else pump();
                });
              }
            };
            pump();
          }),
      ),
    );
    const received = () => counts.reduce((a, b) => a + b, 0);
    while (received() < RECEIVERS * total && performance.now() - started < TIME_LIMIT_MS) await new Promise((r) => setTimeout(r, 2));
    const seconds = (performance.now() - started) / 1000;
    clients.forEach((c) => c.close());
    sockets.forEach((s) => s.destroy());
    const deliveries = received();
    const outOfOrder = inOrder.filter((ok) => !ok).length;
    return { deliveries, expected: RECEIVERS * total, seconds, perSecond: deliveries / seconds, complete: deliveries === RECEIVERS * total && outOfOrder === 0, outOfOrder };
  } finally {
    for (const n of nodes) n.child.kill('SIGKILL');
    rmSync(data, { recursive: true, force: true });
    await t.cleanup();
  }
}

function shared(nodes: number): Topology {
  const space = `bench_scale_${process.pid}_${nodes}`;
  const store = new URL(PG_URL);
  store.searchParams.set('schema', space);
  const bus = new URL(REDIS_URL);
  bus.searchParams.set('prefix', space);
  return {
    name: `${nodes} node${nodes > 1 ? 's' : ''}, PostgreSQL + Redis`,
    nodes,
    store: store.toString(),
    bus: bus.toString(),
    async cleanup() {
      const client = new pg.Client({ connectionString: PG_URL });
      await client.connect();
      await client.query(`DROP SCHEMA IF EXISTS "${space}" CASCADE`);
      await client.end();
      const redis = new Redis(REDIS_URL);
      const keys = await redis.keys(`${space}:*`);
      if (keys.length > 0) await redis.del(...keys);
      redis.disconnect();
    },
  };
}

const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3);
const load = (): string => loadavg().map((l) => l.toFixed(1)).join(' ');
console.log(`scale-out fan-out: one sender per node, ${RECEIVERS} receivers spread over the nodes, ${MESSAGES} lobby messages of 100 bytes, window ${WINDOW}; ${ROUNDS} rounds, topologies interleaved`);
console.log(`${cpus().length} CPUs, load average ${load()} at the start`);
const topologies: Topology[] = [
  { name: '1 node, SQLite + in-process bus', nodes: 1, store: 'sqlite', bus: 'local', cleanup: async () => undefined },
  ...(process.env.BENCH_NODES ?? '1,2,3').split(',').map((n) => shared(Number(n))),
];
const results = new Map<Topology, (Result | string)[]>(topologies.map((t) => [t, []]));
for (let round = 0; round < ROUNDS; round++) {
  for (const t of topologies) {
    try {
      const r = await run(t);
      results.get(t)!.push(r);
      if (!r.complete) console.log(`round ${round + 1}, ${t.name}: ${r.deliveries} of ${r.expected} deliveries, ${r.outOfOrder} receivers out of order`);
    } catch (err) {
      results.get(t)!.push((err as Error).message.split('\n')[0]!);
    }
  }
}
console.log('| topology | nodes | deliveries/s (median) | range over rounds | received |');
console.log('| --- | --- | --- | --- | --- |');
const fmt = (n: number): string => Math.round(n).toLocaleString('en');
for (const t of topologies) {
  const list = results.get(t)!;
  const ok = list.filter((r): r is Result => typeof r !== 'string');
  const failed = list.filter((r): r is string => typeof r === 'string');
  if (ok.length === 0) {
    console.log(`| ${t.name} | ${t.nodes} | failed: ${failed[0]} | | |`);
    continue;
  }
  const rates = ok.map((r) => r.perSecond).sort((a, b) => a - b);
  const median = rates[Math.floor(rates.length / 2)]!;
  const complete = ok.every((r) => r.complete) && failed.length === 0;
  console.log(`| ${t.name} | ${t.nodes} | ${fmt(median)} | ${fmt(rates[0]!)} – ${fmt(rates.at(-1)!)} | ${complete ? 'all, in order, every round' : 'INCOMPLETE or failed in some round'} |`);
}
console.log(`load average ${load()} at the end`);
process.exit(0);

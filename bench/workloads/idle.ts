/**
 * Idle connections: N logged-in clients that then sit idle; server RSS per connection =
 * (RSS with them - RSS before them) / N. Banter: 100 accounts with N/100 sessions each (several
 * sessions per account are allowed; it spares 10,000 password hashes in setup). Mosquitto:
 * connected and subscribed to "lobby". ngIRCd: registered (NICK/USER), not joined: 10,000 JOINs
 * would broadcast each join to everyone already in the channel.
 */
import { readFileSync } from 'node:fs';
import { ClientPool } from '../drivers/pool.js';
import { processRssKib, sleep } from '../lib/proc.js';
import type { Measurement, Row, SystemName } from '../lib/results.js';
import { clientSpecs, fmt, guarded, isSkipped, startSystem, type RunOptions } from './common.js';

const N = Number(process.env.BENCH_IDLE_N ?? 10_000);
const USERS = 100;

/** The soft limit on open files of this process (the clients' side of every connection). */
function openFileLimit(): number {
  const m = /Max open files\s+(\d+|unlimited)/.exec(readFileSync('/proc/self/limits', 'utf8'));
  return !m || m[1] === 'unlimited' ? Infinity : Number(m[1]);
}

async function once(system: SystemName, o: RunOptions): Promise<Measurement | { skipped: string }> {
  const limit = openFileLimit();
  if (limit < N + 500) return { skipped: `open file limit ${limit} < ${N + 500} (npm run bench raises it to the hard limit, ulimit -Hn)` };
  const server = await startSystem(system, { users: USERS, sessionsPerUser: Math.ceil(N / USERS) });
  if (isSkipped(server)) return server;
  let pool: ClientPool | undefined;
  try {
    await sleep(1000);
    const before = processRssKib(server.pid);
    // Banter and MQTT clients join the room; IRC clients only register (see above).
    pool = await ClientPool.open(server.protocol, server.port, clientSpecs(server, 0, N), { receive: server.protocol !== 'irc', workers: o.workers, concurrency: server.protocol === 'irc' ? 20 : 100 });
    await sleep(2000);
    const after = processRssKib(server.pid);
    const perConnection = (after - before) / pool.opened;
    o.log(`  ${system}: ${fmt(pool.opened)} idle connections (opened in ${(pool.openMs / 1000).toFixed(1)} s); RSS ${fmt(before / 1024, 1)} MiB -> ${fmt(after / 1024, 1)} MiB: ${perConnection.toFixed(1)} KiB per connection`);
    return { value: perConnection, ok: pool.opened === N, note: `RSS ${fmt(before / 1024, 1)} -> ${fmt(after / 1024, 1)} MiB` };
  } finally {
    await pool?.close();
    await server.stop();
  }
}

export async function idle(o: RunOptions): Promise<Row[]> {
  const row: Row = {
    workload: `idle, ${fmt(N)} connections`,
    metric: 'server RSS per connection (KiB)',
    unit: 'KiB',
    better: 'lower',
    target: { bound: 16, text: '<= 16 KiB' },
    results: {},
  };
  for (const system of o.systems) row.results[system] = await guarded(system, o, () => once(system, o));
  return [row];
}

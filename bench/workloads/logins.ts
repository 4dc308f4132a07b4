/**
 * Logins. Password logins per second (Banter: argon2id, at most 4 at once; each over a fresh
 * connection), and a reconnect storm: STORM clients connecting at once (bounded to a few hundred
 * connection attempts in flight) and logging in with session tokens, as after a server restart.
 * The peers check no password, so their figure for the storm is connect + register per second
 * (MQTT CONNECT/SUBSCRIBE, IRC NICK/USER/JOIN-less registration), labelled as such.
 */
import net from 'node:net';
import { ClientPool } from '../drivers/pool.js';
import { lineReader } from '../drivers/types.js';
import { BENCH_PASSWORD, startBanter } from '../peers/banter.js';
import { CpuMeter, inBatches } from '../lib/proc.js';
import type { Measurement, Row, SystemName } from '../lib/results.js';
import { clientSpecs, fmt, guarded, isSkipped, startSystem, type RunOptions } from './common.js';

const PASSWORD_LOGINS = Number(process.env.BENCH_PASSWORD_LOGINS ?? 200);
const STORM = Number(process.env.BENCH_STORM ?? 5000);
const STORM_USERS = Number(process.env.BENCH_STORM_USERS ?? STORM);
// Connections being set up at once: a storm, within what ngIRCd's listen backlog of 10 survives.
const STORM_IN_FLIGHT = 100;

function passwordLogin(port: number, user: string): Promise<boolean> {
  return new Promise((resolve) => {
    const s = net.connect({ port, host: '127.0.0.1', noDelay: true });
    s.on('error', () => resolve(false));
    s.on(
      'data',
      lineReader((buf, from, end) => {
        const line = buf.toString('utf8', from, end);
        if (!line.startsWith('{"re":1,')) return;
        s.destroy();
        resolve(line.includes('"ok":true'));
      }),
    );
    s.once('connect', () => s.write(`{"id":1,"op":"login","user":"${user}","password":"${BENCH_PASSWORD}"}\n`));
  });
}

export async function logins(o: RunOptions): Promise<Row[]> {
  const password: Row = {
    workload: 'logins, password',
    metric: 'password logins/s (argon2id)',
    unit: '/s',
    better: 'higher',
    results: {},
  };
  const storm: Row = {
    workload: `token resumes, storm of ${fmt(STORM)}`,
    metric: 'logins/s (peers: connect + register/s)',
    unit: '/s',
    better: 'higher',
    results: {},
  };
  for (const system of o.systems) {
    if (system !== 'banter') {
      password.results[system] = { skipped: 'no password check' };
      continue;
    }
    const server = await startBanter({ users: 64 });
    try {
      const cpu = new CpuMeter(server.pid);
      const started = performance.now();
      const results = await inBatches(PASSWORD_LOGINS, 32, (i) => passwordLogin(server.port, `u${i % 64}`));
      const seconds = (performance.now() - started) / 1000;
      const usage = cpu.read();
      const ok = results.filter(Boolean).length;
      o.log(`  banter: ${ok} of ${PASSWORD_LOGINS} password logins in ${seconds.toFixed(2)} s: ${fmt(ok / seconds)}/s, server CPU ${fmt(usage.server * 100)}%`);
      password.results.banter = { value: ok / seconds, ok: ok === PASSWORD_LOGINS, serverCpu: usage.server, generatorCpu: usage.generator };
    } finally {
      await server.stop();
    }
  }
  for (const system of o.systems) {
    storm.results[system] = await guarded(system, o, () => stormOnce(system, o));
  }
  return [password, storm];
}

async function stormOnce(system: SystemName, o: RunOptions): Promise<Measurement | { skipped: string }> {
  const server = await startSystem(system, { users: STORM_USERS, sessionsPerUser: Math.ceil(STORM / STORM_USERS) });
  if (isSkipped(server)) return server;
  let pool: ClientPool | undefined;
  try {
    const cpu = new CpuMeter(server.pid);
    pool = await ClientPool.open(server.protocol, server.port, clientSpecs(server, 0, STORM), { receive: server.protocol === 'mqtt', workers: o.workers, concurrency: STORM_IN_FLIGHT });
    const usage = cpu.read();
    const perSecond = pool.opened / (pool.openMs / 1000);
    const retried = pool.retries ? ` (${fmt(pool.retries)} connects retried after a reset)` : '';
    o.log(`  ${system}: ${fmt(pool.opened)} ${system === 'banter' ? 'token logins' : 'connects + registrations'} in ${(pool.openMs / 1000).toFixed(2)} s: ${fmt(perSecond)}/s${retried}, server CPU ${fmt(usage.server * 100)}%, generator ${fmt(usage.generator * 100)}%`);
    return { value: perSecond, ok: pool.opened === STORM, serverCpu: usage.server, generatorCpu: usage.generator, note: retried.trim() || undefined };
  } finally {
    await pool?.close();
    await server.stop();
  }
}

/**
 * Many senders: N clients in the room, each sending one message per second, so N² deliveries per
 * second are offered (1M/s at N = 1000). Reports the deliveries per second held and the p99
 * latency, and whether every message reached every receiver in order.
 */
import { ClientPool } from '../drivers/pool.js';
import { CpuMeter, sleep } from '../lib/proc.js';
import type { Measurement, Row, SystemName } from '../lib/results.js';
import { clientSpecs, fmt, guarded, isSkipped, startSystem, type RunOptions } from './common.js';

const N = Number(process.env.BENCH_SENDERS_N ?? 1000);
const SECONDS = Number(process.env.BENCH_SENDERS_SECONDS ?? 10);
const DRAIN_MS = 10_000;

async function once(system: SystemName, o: RunOptions): Promise<{ held: Measurement; p99: Measurement } | { skipped: string }> {
  const server = await startSystem(system, { users: N });
  if (isSkipped(server)) return server;
  let pool: ClientPool | undefined;
  try {
    pool = await ClientPool.open(server.protocol, server.port, clientSpecs(server, 0, N), { receive: true, workers: o.workers ?? 2, latency: true, senders: N });
    await sleep(300);
    await pool.reset();
    const cpu = new CpuMeter(server.pid);
    const started = performance.now();
    await pool.send(1, SECONDS * 1000);
    const sentReport = await pool.report();
    // IRC does not echo a message to its sender; Banter and MQTT do.
    const perMessage = server.protocol === 'irc' ? N - 1 : N;
    const expected = sentReport.sent * perMessage;
    const until = performance.now() + DRAIN_MS;
    while (pool.delivered() < expected && performance.now() < until) await sleep(10);
    const seconds = (performance.now() - started) / 1000;
    const usage = cpu.read();
    const r = await pool.report();
    const ok = r.delivered === expected && r.violations === 0 && r.failedAcks === 0;
    const held = r.delivered / seconds;
    const p99 = r.histogram.quantileMs(0.99);
    const note = ok ? undefined : `got ${fmt(r.delivered)} of ${fmt(expected)} deliveries, ${r.violations} out of order, ${r.failedAcks} sends refused, ${r.lost} connections lost`;
    o.log(`  ${system}: ${fmt(r.sent)} sent, ${fmt(held)} deliveries/s held (offered ${fmt((N * perMessage))}/s), p99 ${p99.toFixed(1)} ms, max ${(r.histogram.maxMicros / 1000).toFixed(1)} ms${ok ? '' : `, ${note}`}; server CPU ${fmt(usage.server * 100)}%, generator ${fmt(usage.generator * 100)}%`);
    const base = { ok, note, serverCpu: usage.server, generatorCpu: usage.generator };
    return { held: { ...base, value: held }, p99: { ...base, value: p99 } };
  } finally {
    await pool?.close();
    await server.stop();
  }
}

export async function manySenders(o: RunOptions): Promise<Row[]> {
  const name = `many senders, ${N} x 1 msg/s`;
  const held: Row = { workload: `${name}, held`, metric: 'deliveries/s held', unit: '/s', better: 'higher', results: {} };
  const p99: Row = { workload: `${name}, p99`, metric: 'p99 send to delivery (ms)', unit: 'ms', better: 'lower', sameRunAsPrevious: true, results: {} };
  for (const system of o.systems) {
    const r = await guarded(system, o, () => once(system, o));
    held.results[system] = 'skipped' in r ? r : r.held;
    p99.results[system] = 'skipped' in r ? r : r.p99;
  }
  return [held, p99];
}

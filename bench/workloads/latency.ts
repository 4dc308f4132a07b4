/**
 * Latency: N receivers, one sender at a steady rate; p50/p99/max from the send (time stamped in
 * the payload) to each delivery.
 */
import { connectClient } from '../drivers/index.js';
import { ClientPool } from '../drivers/pool.js';
import { makePayload } from '../lib/payload.js';
import { CpuMeter, sleep } from '../lib/proc.js';
import type { Measurement, Row, SystemName } from '../lib/results.js';
import { clientSpecs, fmt, guarded, isSkipped, startSystem, type RunOptions } from './common.js';

const N = Number(process.env.BENCH_LATENCY_N ?? 1000);
const RATE = 200;
const SECONDS = Number(process.env.BENCH_LATENCY_SECONDS ?? 10);

type Quantiles = { p50: Measurement; p99: Measurement; max: Measurement };

async function once(system: SystemName, o: RunOptions): Promise<Quantiles | { skipped: string }> {
  const server = await startSystem(system, { users: N + 1 });
  if (isSkipped(server)) return server;
  let pool: ClientPool | undefined;
  try {
    pool = await ClientPool.open(server.protocol, server.port, clientSpecs(server, 1, N), { receive: true, workers: o.workers ?? 2, latency: true });
    const sender = await connectClient(
      server.protocol,
      { port: server.port, index: 0, token: server.tokens[0], receive: false, oper: true, ackEvery: 1_000_000 },
      { onPayload() {}, onAck() {} },
    );
    let sent = 0;
    // Paced on a schedule (not "every 5 ms after the last"), so timer drift does not lower the rate.
    const pace = async (count: number): Promise<void> => {
      const t0 = performance.now();
      const end = sent + count;
      const first = sent;
      while (sent < end) {
        const due = first + Math.floor(((performance.now() - t0) * RATE) / 1000) + 1;
        while (sent < Math.min(due, end)) sender.send(makePayload(0, sent++));
        await sleep(1);
      }
    };
    await pace(RATE); // one second of warm-up, delivered before the measured part starts
    const warmed = performance.now() + 10_000;
    while (pool.delivered() < RATE * N && performance.now() < warmed) await sleep(5);
    await pool.reset();
    const cpu = new CpuMeter(server.pid);
    const from = sent;
    await pace(RATE * SECONDS);
    const expected = (sent - from) * N;
    const until = performance.now() + 5000;
    while (pool.delivered() < expected && performance.now() < until) await sleep(5);
    const usage = cpu.read();
    const r = await pool.report();
    sender.close();
    const ok = r.delivered === expected && r.violations === 0;
    const h = r.histogram;
    const base = { ok, serverCpu: usage.server, generatorCpu: usage.generator, note: ok ? undefined : `got ${fmt(r.delivered)} of ${fmt(expected)}, ${r.violations} out of order` };
    o.log(`  ${system}: p50 ${h.quantileMs(0.5).toFixed(2)} ms, p99 ${h.quantileMs(0.99).toFixed(2)} ms, max ${(h.maxMicros / 1000).toFixed(1)} ms over ${fmt(h.count)} deliveries${ok ? '' : ` (${base.note})`}, server CPU ${fmt(usage.server * 100)}%, generator ${fmt(usage.generator * 100)}%`);
    return { p50: { ...base, value: h.quantileMs(0.5) }, p99: { ...base, value: h.quantileMs(0.99) }, max: { ...base, value: h.maxMicros / 1000 } };
  } finally {
    await pool?.close();
    await server.stop();
  }
}

export async function latency(o: RunOptions): Promise<Row[]> {
  const name = `latency, N=${N} at ${RATE} msg/s`;
  const rows: Row[] = (['p50', 'p99', 'max'] as const).map((q) => ({
    workload: `${name}, ${q}`,
    metric: `${q} send to delivery (ms)`,
    unit: 'ms',
    better: 'lower',
    target: q === 'p99' ? { bound: 10, text: '< 10 ms' } : undefined,
    sameRunAsPrevious: q !== 'p50',
    results: {},
  }));
  for (const system of o.systems) {
    const r = await guarded(system, o, () => once(system, o));
    for (const [i, q] of (['p50', 'p99', 'max'] as const).entries()) rows[i]!.results[system] = 'skipped' in r ? r : r[q];
  }
  return rows;
}

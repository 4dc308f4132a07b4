/**
 * Fan-out: one sender, N receivers in the room, 100-byte texts, at most WINDOW sends awaiting
 * their acknowledgement. Counts deliveries per second summed over receivers; every receiver
 * checks it got every message once and in order.
 */
import { connectClient } from '../drivers/index.js';
import { ClientPool } from '../drivers/pool.js';
import { makePayload } from '../lib/payload.js';
import { CpuMeter, sleep } from '../lib/proc.js';
import type { Measurement, Row, SystemName } from '../lib/results.js';
import { clientSpecs, fmt, guarded, isSkipped, startSystem, type RunOptions } from './common.js';

const WINDOW = 200;
const DELIVERIES = Number(process.env.BENCH_FANOUT_DELIVERIES ?? 6_000_000);
const WARMUP = 300;
const TIME_LIMIT_MS = 30_000;

async function once(system: SystemName, n: number, o: RunOptions): Promise<Measurement | { skipped: string }> {
  const server = await startSystem(system, { users: n + 1 });
  if (isSkipped(server)) return server;
  const messages = Math.ceil(DELIVERIES / n);
  let pool: ClientPool | undefined;
  try {
    pool = await ClientPool.open(server.protocol, server.port, clientSpecs(server, 1, n), { receive: true, workers: o.workers });
    let sent = 0;
    let acked = 0;
    let failed = 0;
    let wake: () => void = () => undefined;
    const sender = await connectClient(
      server.protocol,
      { port: server.port, index: 0, token: server.tokens[0], receive: false, oper: true, ackEvery: 10 },
      {
        onPayload() {},
        onAck(k, fail) {
          acked += k;
          if (fail) failed += k;
          wake();
        },
      },
    );
    // Bounded in time as well as count: a server that falls behind is reported, not waited for.
    const run = async (count: number, until: number): Promise<void> => {
      const end = sent + count;
      const timer = setInterval(() => wake(), 100);
      try {
        while (sent < end && performance.now() < until) {
          while (sent - acked < WINDOW && sent < end) sender.send(makePayload(0, sent++));
          if (sent === end) sender.flushAcks();
          await new Promise<void>((r) => (wake = r));
        }
        while (acked < sent && performance.now() < until) await new Promise<void>((r) => (wake = r));
      } finally {
        clearInterval(timer);
      }
    };
    const waitDelivered = async (target: number, started: number): Promise<void> => {
      while (pool!.delivered() < target && performance.now() - started < TIME_LIMIT_MS) await sleep(2);
    };
    // Warm-up (JIT, buffers), not measured.
    await run(WARMUP, performance.now() + TIME_LIMIT_MS);
    await waitDelivered(WARMUP * n, performance.now());
    await pool.reset();
    const cpu = new CpuMeter(server.pid);
    const started = performance.now();
    const first = sent;
    await run(messages, started + TIME_LIMIT_MS);
    // A server too slow for the time limit is measured on what it was sent meanwhile.
    const measured = sent - first;
    // (What was sent in the last moments still gets a few seconds to arrive.)
    await waitDelivered(measured * n, Math.max(started, performance.now() + 5000 - TIME_LIMIT_MS));
    const seconds = (performance.now() - started) / 1000;
    const usage = cpu.read();
    const report = await pool.report();
    sender.close();
    const complete = report.delivered === measured * n && report.violations === 0 && failed === 0;
    const capped = measured < messages ? `${fmt(measured)} of ${fmt(messages)} messages sent within the ${TIME_LIMIT_MS / 1000} s limit` : undefined;
    const value = report.delivered / seconds;
    o.log(
      `  ${system} N=${n}: ${fmt(value)} deliveries/s (${fmt(report.delivered)} in ${seconds.toFixed(2)} s${capped ? `; ${capped}` : ''})` +
        `${complete ? '' : ` INCOMPLETE: ${report.violations} out of order, ${failed} refused`}` +
        `, server CPU ${fmt(usage.server * 100)}% (${((usage.server * seconds * 1e6) / report.delivered).toFixed(3)} µs per delivery), generator ${fmt(usage.generator * 100)}%`,
    );
    return {
      value,
      ok: complete,
      note: complete ? capped : `got ${fmt(report.delivered)} of ${fmt(measured * n)}, ${report.violations} out of order`,
      serverCpu: usage.server,
      generatorCpu: usage.generator,
    };
  } finally {
    await pool?.close();
    await server.stop();
  }
}

export async function fanout(o: RunOptions): Promise<Row[]> {
  const rows: Row[] = [];
  for (const n of (process.env.BENCH_FANOUT_N ?? '100,1000').split(',').map(Number)) {
    const row: Row = {
      workload: `fan-out, N=${n}`,
      metric: 'deliveries/s',
      unit: '/s',
      better: 'higher',
      target: { vsBestPeer: 1, text: '>= 1.0x faster peer' },
      results: {},
    };
    for (const system of o.systems) row.results[system] = await guarded(system, o, () => once(system, n, o));
    rows.push(row);
  }
  return rows;
}

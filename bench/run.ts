/**
 * `npm run bench [-- workload...]`: runs the workloads against Banter and, in the same run,
 * a private Mosquitto and ngIRCd; prints one table with ratios, writes bench/results/latest.json
 * and the results section of docs/benchmarks.md.
 */
import { fanout } from './workloads/fanout.js';
import { latency } from './workloads/latency.js';
import { manySenders } from './workloads/many-senders.js';
import { idle } from './workloads/idle.js';
import { durable } from './workloads/durable.js';
import { logins } from './workloads/logins.js';
import { abuse } from './workloads/abuse.js';
import { SYSTEMS, type Row, type SystemName } from './lib/results.js';
import { printTable, writeResults } from './lib/report.js';
import type { RunOptions } from './workloads/common.js';

const WORKLOADS: Record<string, (o: RunOptions) => Promise<Row[]>> = { fanout, latency, 'many-senders': manySenders, idle, durable, logins, abuse };

const args = process.argv.slice(2);
const selected = args.filter((a) => !a.startsWith('--'));
for (const name of selected) {
  if (!WORKLOADS[name]) {
    console.error(`unknown workload ${name}; choose from: ${Object.keys(WORKLOADS).join(', ')}`);
    process.exit(2);
  }
}
const systems = (process.env.BENCH_SYSTEMS?.split(',') ?? [...SYSTEMS]) as SystemName[];
const options: RunOptions = { systems, workers: process.env.BENCH_WORKERS ? Number(process.env.BENCH_WORKERS) : undefined, log: (l) => console.log(l) };
const rows: Row[] = [];
const startedAt = new Date();
for (const name of selected.length ? selected : Object.keys(WORKLOADS)) {
  console.log(`${name}:`);
  const t0 = performance.now();
  rows.push(...(await WORKLOADS[name]!(options)));
  console.log(`  (${((performance.now() - t0) / 1000).toFixed(1)} s)`);
}
console.log();
printTable(rows, systems);
if (!args.includes('--no-write')) writeResults(rows, systems, startedAt, selected.length === 0);
process.exit(0);

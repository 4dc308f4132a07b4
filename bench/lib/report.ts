import { execSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { bottleneck, isMeasurement, type Measurement, type Row, type SystemName } from './results.js';

const ROOT = new URL('../../../', import.meta.url).pathname;
const JSON_FILE = `${ROOT}bench/results/latest.json`;
const DOC = `${ROOT}docs/benchmarks.md`;
const START = '<!-- results:start (written by npm run bench) -->';
const END = '<!-- results:end -->';

function num(v: number, unit: string): string {
  if (!Number.isFinite(v)) return String(v);
  if (unit === 'ms') return v < 10 ? v.toFixed(2) : v.toFixed(1);
  if (unit === 'KiB') return v.toFixed(1);
  return Math.round(v).toLocaleString('en');
}

function cell(r: Row['results'][SystemName], unit: string): string {
  if (r === undefined) return '';
  if (!isMeasurement(r)) return `skipped: ${r.skipped}`;
  return `${num(r.value, unit)}${r.ok ? '' : ' (FAILED CHECK)'}${r.note && r.ok ? ` (${r.note})` : ''}`;
}

function ratio(row: Row, peer: SystemName): string {
  const b = row.results.banter;
  const p = row.results[peer];
  if (!isMeasurement(b) || !isMeasurement(p) || p.value === 0 || !p.ok) return '';
  return `${(b.value / p.value).toFixed(2)}x`;
}

export function targetMet(row: Row): string {
  const b = row.results.banter;
  const t = row.target;
  if (!t || !isMeasurement(b)) return '';
  if (!b.ok) return 'no (check failed)';
  if (t.bound !== undefined) return (row.better === 'higher' ? b.value >= t.bound : b.value <= t.bound) ? 'yes' : 'no';
  const peers = (['mosquitto', 'ngircd'] as const).map((p) => row.results[p]).filter(isMeasurement).filter((m) => m.ok);
  if (peers.length === 0) return 'n/a (no peer)';
  const best = Math.max(...peers.map((m) => m.value));
  return b.value >= (t.vsBestPeer ?? 1) * best ? 'yes' : 'no';
}

export function resultsMarkdown(rows: Row[], systems: SystemName[]): string {
  const peers = systems.filter((s) => s !== 'banter');
  const head = ['workload', 'metric', ...systems, ...peers.map((p) => `banter / ${p}`), 'target', 'met'];
  const lines = [`| ${head.join(' | ')} |`, `| ${head.map(() => '---').join(' | ')} |`];
  for (const row of rows) {
    const cells = [row.workload, `${row.metric} (${row.better} is better)`, ...systems.map((s) => cell(row.results[s], row.unit)), ...peers.map((p) => ratio(row, p)), row.target?.text ?? '', targetMet(row)];
    lines.push(`| ${cells.join(' | ')} |`);
  }
  lines.push('', '| workload | system | server CPU | generator CPU | saturated |', '| --- | --- | --- | --- | --- |');
  for (const row of rows) {
    if (row.sameRunAsPrevious) continue;
    for (const s of systems) {
      const m = row.results[s];
      if (!isMeasurement(m) || m.serverCpu === undefined) continue;
      lines.push(`| ${row.workload} | ${s} | ${pct(m.serverCpu)} | ${pct(m.generatorCpu)} | ${bottleneck(m)} |`);
    }
  }
  const notes = rows.flatMap((row) => systems.map((s) => [row, s, row.results[s]] as const)).filter(([, , m]) => isMeasurement(m) && m.note && !m.ok);
  if (notes.length) lines.push('', ...notes.map(([row, s, m]) => `- ${row.workload}, ${s}: ${(m as Measurement).note}`));
  return lines.join('\n');
}

const pct = (v: number | undefined): string => (v === undefined || Number.isNaN(v) ? '' : `${Math.round(v * 100)}%`);

export function printTable(rows: Row[], systems: SystemName[]): void {
  console.log(resultsMarkdown(rows, systems));
}

function machine(startedAt: Date): string {
  const model = (() => {
    try {
      return /Model name:\s*(.+)/.exec(execSync('lscpu', { encoding: 'utf8' }))?.[1]?.trim() ?? cpus()[0]?.model;
    } catch {
      return cpus()[0]?.model;
    }
  })();
  const nproc = execSync('nproc', { encoding: 'utf8' }).trim();
  const versions = ['mosquitto -h 2>&1 | head -1', 'ngircd --version 2>&1 | head -1']
    .map((c) => {
      try {
        return execSync(c, { encoding: 'utf8', shell: '/bin/sh' }).trim();
      } catch {
        return '';
      }
    })
    .filter(Boolean);
  return [
    `- date: ${startedAt.toISOString()}`,
    `- machine: ${nproc} cores (${model}), ${Math.round(Number(execSync("awk '/MemTotal/ {print $2}' /proc/meminfo", { encoding: 'utf8', shell: '/bin/sh' })) / 1024 / 1024)} GiB; load average at start ${loadavg().map((l) => l.toFixed(2)).join(' ')}`,
    `- node ${process.version}; ${versions.join('; ')}`,
    '- the load generator (this process and its worker threads) runs on the same cores as the server',
  ].join('\n');
}

/** Merges these rows into bench/results/latest.json and rewrites the results section of docs/benchmarks.md. */
export function writeResults(rows: Row[], systems: SystemName[], startedAt: Date, _all: boolean): void {
  mkdirSync(`${ROOT}bench/results`, { recursive: true });
  const previous = existsSync(JSON_FILE) ? (JSON.parse(readFileSync(JSON_FILE, 'utf8')) as { rows: (Row & { ranAt: string; machine: string })[] }) : { rows: [] };
  const env = machine(startedAt);
  const merged = previous.rows.filter((r) => !rows.some((n) => n.workload === r.workload));
  merged.push(...rows.map((r) => ({ ...r, ranAt: startedAt.toISOString(), machine: env })));
  writeFileSync(JSON_FILE, JSON.stringify({ systems, rows: merged }, null, 2) + '\n');
  if (!existsSync(DOC)) return;
  const doc = readFileSync(DOC, 'utf8');
  const from = doc.indexOf(START);
  const to = doc.indexOf(END);
  if (from === -1 || to === -1) return;
  const order = ['fan-out', 'latency', 'many senders', 'idle', 'durable', 'logins', 'token resumes', 'connect'];
  merged.sort((a, b) => order.findIndex((p) => a.workload.startsWith(p)) - order.findIndex((p) => b.workload.startsWith(p)));
  const section = `${START}\n\n${env}\n\n${resultsMarkdown(merged, systems)}\n\n${END}`;
  writeFileSync(DOC, doc.slice(0, from) + section + doc.slice(to + END.length));
}

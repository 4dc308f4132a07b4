import { readFileSync } from 'node:fs';
import net from 'node:net';

export const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/**
 * Monotonic time in microseconds, comparable across threads and processes: CLOCK_MONOTONIC is
 * system-wide (performance.timeOrigin is not: each worker thread's is off by tens of ms).
 */
export function nowMicros(): number {
  const [s, ns] = process.hrtime();
  return s * 1_000_000 + Math.floor(ns / 1000);
}

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = net.createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address() as net.AddressInfo;
      s.close(() => resolve(port));
    });
  });
}

export async function waitForPort(port: number, timeoutMs = 10_000): Promise<void> {
  const until = Date.now() + timeoutMs;
  while (Date.now() < until) {
    const ok = await new Promise<boolean>((resolve) => {
      const s = net.connect(port, '127.0.0.1', () => (s.destroy(), resolve(true)));
      s.on('error', () => resolve(false));
    });
    if (ok) return;
    await sleep(50);
  }
  throw new Error(`nothing listens on 127.0.0.1:${port}`);
}

const CLOCK_TICKS = 100; // USER_HZ on Linux

/** CPU seconds (user + system) a process has used so far, from /proc. */
export function processCpuSeconds(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  // Fields after the command name (which may contain spaces) start after the last ')'.
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return (Number(fields[11]) + Number(fields[12])) / CLOCK_TICKS;
}

/** Resident set size of a process in KiB. */
export function processRssKib(pid: number): number {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const m = /VmRSS:\s+(\d+) kB/.exec(status);
  return m ? Number(m[1]) : NaN;
}

/** CPU seconds of this process (every thread: the load generator and its workers). */
export function selfCpuSeconds(): number {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1e6;
}

/** Measures server and generator CPU over an interval, as fractions of one core. */
export class CpuMeter {
  private readonly t0 = performance.now();
  private readonly server0: number;
  private readonly self0 = selfCpuSeconds();

  constructor(private readonly serverPid: number) {
    this.server0 = processCpuSeconds(serverPid);
  }

  read(): { seconds: number; server: number; generator: number } {
    const seconds = (performance.now() - this.t0) / 1000;
    let server = NaN;
    try {
      server = (processCpuSeconds(this.serverPid) - this.server0) / seconds;
    } catch {
      // the process is gone (durable: killed on purpose)
    }
    return { seconds, server, generator: (selfCpuSeconds() - this.self0) / seconds };
  }
}

/** Runs async tasks with at most `limit` in flight. */
export async function inBatches<T>(count: number, limit: number, task: (i: number) => Promise<T>): Promise<T[]> {
  const out = new Array<T>(count);
  let next = 0;
  const lane = async (): Promise<void> => {
    while (next < count) {
      const i = next++;
      out[i] = await task(i);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, count) }, lane));
  return out;
}

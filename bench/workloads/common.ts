import { startMosquitto, startNgircd } from '../peers/external.js';
import { startBanter, type BanterOptions } from '../peers/banter.js';
import type { PeerServer, Skipped } from '../peers/types.js';
import type { SystemName } from '../lib/results.js';

export interface RunOptions {
  /** Systems to run (default all three). */
  systems: SystemName[];
  /** Load-generator threads for receivers (BENCH_WORKERS); else each workload's own default. */
  workers: number | undefined;
  log: (line: string) => void;
}

export function startSystem(name: SystemName, banter: BanterOptions, peers: { noDelay?: boolean } = {}): Promise<PeerServer | Skipped> {
  switch (name) {
    case 'banter':
      return startBanter(banter);
    case 'mosquitto':
      return startMosquitto(peers.noDelay);
    case 'ngircd':
      return startNgircd();
  }
}

export function isSkipped(s: PeerServer | Skipped): s is Skipped {
  return 'skipped' in s;
}

/** Client specs 1..n (0 is the sender), with Banter tokens where there are any. */
export function clientSpecs(server: PeerServer, from: number, count: number): { index: number; token?: string }[] {
  return Array.from({ length: count }, (_, k) => ({ index: from + k, token: server.tokens[from + k] }));
}

export const fmt = (n: number, digits = 0): string =>
  Number.isFinite(n) ? n.toLocaleString('en', { maximumFractionDigits: digits, minimumFractionDigits: digits }) : String(n);

/** Runs one system's part of a workload; a failure is reported in the table instead of ending the run. */
export async function guarded<T>(system: SystemName, o: RunOptions, run: () => Promise<T | { skipped: string }>): Promise<T | { skipped: string }> {
  try {
    return await run();
  } catch (err) {
    const message = String((err as Error).message ?? err).split('\n')[0]!;
    o.log(`  ${system}: FAILED: ${message}`);
    return { skipped: `failed: ${message}` };
  }
}

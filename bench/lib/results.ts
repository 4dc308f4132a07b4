/** What a workload measured on one system, and how the runner prints it. */
export const SYSTEMS = ['banter', 'mosquitto', 'ngircd'] as const;
export type SystemName = (typeof SYSTEMS)[number];

export interface Measurement {
  value: number;
  /** False when the run failed its own check (messages missing, out of order, lost). */
  ok: boolean;
  note?: string;
  /** Fractions of one core over the measured interval. */
  serverCpu?: number;
  generatorCpu?: number;
}

export interface Row {
  workload: string;
  metric: string;
  unit: string;
  better: 'higher' | 'lower';
  /** The target for Banter, if any: a fixed bound, or a ratio against the faster peer. */
  target?: { bound?: number; vsBestPeer?: number; text: string };
  results: Partial<Record<SystemName, Measurement | { skipped: string }>>;
  /** Rows measured in the same run as the one before (p99 after p50) repeat no CPU line. */
  sameRunAsPrevious?: boolean;
}

export function isMeasurement(r: Measurement | { skipped: string } | undefined): r is Measurement {
  return r !== undefined && 'value' in r;
}

/** Which side saturated, from CPU over the run (2 cores: the generator shares the machine). */
export function bottleneck(m: Measurement): string {
  const s = m.serverCpu ?? NaN;
  const g = m.generatorCpu ?? NaN;
  if (Number.isNaN(s)) return '';
  if (s >= 0.85) return 'server';
  if (s + g >= 1.75) return 'machine';
  if (g >= 0.85) return 'generator';
  return 'neither';
}

/** Latency histogram: 10 µs buckets up to 1 s, plus an overflow bucket and the exact maximum. */
export const BUCKET_MICROS = 10;
export const BUCKETS = 100_000;

export class Histogram {
  readonly counts = new Float64Array(BUCKETS + 1);
  count = 0;
  maxMicros = 0;

  add(micros: number): void {
    const b = micros < 0 ? 0 : Math.min(BUCKETS, Math.floor(micros / BUCKET_MICROS));
    this.counts[b]!++;
    this.count++;
    if (micros > this.maxMicros) this.maxMicros = micros;
  }

  merge(other: { counts: ArrayLike<number>; count: number; maxMicros: number }): void {
    for (let i = 0; i <= BUCKETS; i++) this.counts[i]! += other.counts[i]!;
    this.count += other.count;
    this.maxMicros = Math.max(this.maxMicros, other.maxMicros);
  }

  /** The q-quantile (0..1) in milliseconds (upper edge of its bucket). */
  quantileMs(q: number): number {
    if (this.count === 0) return NaN;
    const rank = Math.ceil(q * this.count);
    let seen = 0;
    for (let i = 0; i <= BUCKETS; i++) {
      seen += this.counts[i]!;
      if (seen >= rank) return i === BUCKETS ? this.maxMicros / 1000 : ((i + 1) * BUCKET_MICROS) / 1000;
    }
    return this.maxMicros / 1000;
  }
}

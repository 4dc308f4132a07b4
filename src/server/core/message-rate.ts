const WINDOW_S = 60;
/** One slot more than the window: the running second must not share a slot with the oldest one. */
const SLOTS = WINDOW_S + 1;

/**
 * Messages stored per second over the last minute, for the admin console's live figures: a ring
 * of 61 counters, one per wall-clock second, so recording costs O(1) and memory stays fixed.
 */
export class MessageRate {
  private readonly counts = new Uint32Array(SLOTS);
  /** The second (ms / 1000, floored) the ring is up to date with. */
  private second = Math.floor(Date.now() / 1000);

  record(now = Date.now()): void {
    this.advance(now);
    this.counts[this.second % SLOTS]!++;
  }

  /** Counts of the last 60 whole seconds before `now`, oldest first (the running second is left out). */
  lastMinute(now = Date.now()): number[] {
    this.advance(now);
    const out: number[] = [];
    for (let s = this.second - WINDOW_S; s < this.second; s++) out.push(s < 0 ? 0 : this.counts[s % SLOTS]!);
    return out;
  }

  private advance(now: number): void {
    const second = Math.floor(now / 1000);
    if (second <= this.second) return;
    // Seconds that passed without a message count 0: clear their slots (at most the whole ring).
    for (let s = Math.max(this.second + 1, second - SLOTS + 1); s <= second; s++) this.counts[s % SLOTS] = 0;
    this.second = second;
  }
}

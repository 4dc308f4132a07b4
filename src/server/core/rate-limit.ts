/** A token bucket: `burst` tokens at most, refilled at `ratePerSec`. */
export class TokenBucket {
  private tokens: number;
  private last: number;

  constructor(
    private readonly ratePerSec: number,
    private readonly burst: number,
    now = Date.now(),
  ) {
    this.tokens = burst;
    this.last = now;
  }

  /** Takes one token if there is one; otherwise returns the seconds until there will be. */
  take(now = Date.now()): { ok: true } | { ok: false; retryAfter: number } {
    this.tokens = Math.min(this.burst, this.tokens + ((now - this.last) / 1000) * this.ratePerSec);
    this.last = now;
    if (this.tokens >= 1) {
      this.tokens -= 1;
      return { ok: true };
    }
    return { ok: false, retryAfter: Math.ceil(((1 - this.tokens) / this.ratePerSec) * 10) / 10 };
  }
}

interface FailureRecord {
  failures: number;
  blockedUntil: number;
  /** Attempts admitted and not yet settled (their password is being checked). */
  pending: number;
}

/**
 * Backs off repeated failures (logins) per key: after `allowed` consecutive failures, each further
 * one blocks the key for twice as long as the last (1 s, 2 s, 4 s, ... up to maxBackoffMs).
 * An attempt is reserved before its (slow) check and counts against the limit while it runs, so
 * parallel attempts cannot slip past it: at most `allowed` minus the failures so far run at once,
 * and once the limit is reached, one at a time after each back-off. Every admitted attempt is
 * settled by fail, succeed or release. The map is bounded: the oldest keys are forgotten first.
 */
export class FailureThrottle {
  private readonly records = new Map<string, FailureRecord>();

  constructor(
    private readonly allowed: number,
    private readonly maxBackoffMs: number,
    private readonly maxKeys = 100_000,
  ) {}

  /** Seconds the key must still wait, or 0. */
  blockedFor(key: string, now = Date.now()): number {
    const r = this.records.get(key);
    return r && r.blockedUntil > now ? Math.ceil((r.blockedUntil - now) / 1000) : 0;
  }

  /** Admits an attempt (0) or says how many seconds to wait before the next one. */
  reserve(key: string, now = Date.now()): number {
    const r = this.records.get(key);
    if (!r) {
      this.put(key, { failures: 0, blockedUntil: 0, pending: 1 });
      return 0;
    }
    const blocked = this.blockedFor(key, now);
    if (blocked > 0) return blocked;
    if (r.failures + r.pending >= this.allowed && r.pending > 0) return 1; // the attempts in flight decide
    r.pending++;
    return 0;
  }

  /** A reserved attempt failed: counted, and backed off once over the limit. */
  fail(key: string, now = Date.now()): void {
    const r = this.records.get(key) ?? { failures: 0, blockedUntil: 0, pending: 0 };
    r.pending = Math.max(0, r.pending - 1);
    r.failures += 1;
    const over = r.failures - this.allowed;
    if (over > 0) r.blockedUntil = now + Math.min(this.maxBackoffMs, 1000 * 2 ** Math.min(over - 1, 30));
    this.put(key, r); // re-inserted so Map order is least-recently-failed first
  }

  /** A reserved attempt succeeded: the key starts afresh. */
  succeed(key: string): void {
    const r = this.records.get(key);
    if (!r) return;
    if (r.pending > 1) Object.assign(r, { failures: 0, blockedUntil: 0, pending: r.pending - 1 });
    else this.records.delete(key);
  }

  /** A reserved attempt ended without counting either way (it was not checked, or an address's success). */
  release(key: string): void {
    const r = this.records.get(key);
    if (!r) return;
    r.pending = Math.max(0, r.pending - 1);
    if (r.pending === 0 && r.failures === 0) this.records.delete(key);
  }

  private put(key: string, r: FailureRecord): void {
    this.records.delete(key);
    this.records.set(key, r);
    if (this.records.size > this.maxKeys) {
      const oldest = this.records.keys().next().value;
      if (oldest !== undefined) this.records.delete(oldest);
    }
  }
}

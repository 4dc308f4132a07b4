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
}

/**
 * Backs off repeated failures (logins) per key: after `allowed` consecutive failures, each further
 * one blocks the key for twice as long as the last (1 s, 2 s, 4 s, ... up to maxBackoffMs).
 * A success clears the key. The map is bounded: the oldest keys are forgotten first.
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

  fail(key: string, now = Date.now()): void {
    const r = this.records.get(key) ?? { failures: 0, blockedUntil: 0 };
    this.records.delete(key); // re-insert so Map order is least-recently-failed first
    r.failures += 1;
    const over = r.failures - this.allowed;
    if (over > 0) r.blockedUntil = now + Math.min(this.maxBackoffMs, 1000 * 2 ** Math.min(over - 1, 30));
    this.records.set(key, r);
    if (this.records.size > this.maxKeys) {
      const oldest = this.records.keys().next().value;
      if (oldest !== undefined) this.records.delete(oldest);
    }
  }

  succeed(key: string): void {
    this.records.delete(key);
  }
}

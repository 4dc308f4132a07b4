/**
 * Who may hold a connection slot (every transport together), so that connections that never log
 * in cannot keep real users out:
 *
 * - At most `maxConnections` open connections.
 * - Connections not logged in may hold at most `maxConnections - reserve` of them. A newcomer
 *   (every connection starts anonymous) that finds that share, or the whole server, taken drops
 *   the oldest anonymous connection and takes its place: a client that logs in at once survives
 *   unless that many newer connections arrive first, while one that idles is the first to go.
 *   Logged-in connections are never dropped for a newcomer; only when every slot is held by a
 *   logged-in user is a newcomer refused.
 * - A connection that has not logged in within `loginTimeoutMs` is closed.
 *
 * Anonymous connections are kept in arrival order (a Map keeps insertion order), so the oldest is
 * the first entry, and one timer, set for the first entry's deadline, serves them all.
 */
export type DropReason = 'evicted' | 'login-timeout';

export interface ConnectionLimitsConfig {
  maxConnections: number;
  /** Slots only logged-in connections may hold. */
  reserve: number;
  loginTimeoutMs: number;
}

export type Admission = 'admitted' | 'full';

export class ConnectionLimits<C> {
  private readonly open = new Set<C>();
  /** Connections not logged in, oldest first, with the time each arrived (ms). */
  private readonly anonymous = new Map<C, number>();
  private timer: NodeJS.Timeout | undefined;
  private timerAt = Infinity;

  /** `drop` closes a connection with a reason; it is already forgotten here. */
  constructor(
    private readonly config: ConnectionLimitsConfig,
    private readonly drop: (c: C, reason: DropReason) => void,
  ) {}

  get size(): number {
    return this.open.size;
  }

  get anonymousCount(): number {
    return this.anonymous.size;
  }

  /** A new connection: admitted (perhaps in place of the oldest anonymous one), or the server is full. */
  admit(c: C): Admission {
    const { maxConnections, reserve } = this.config;
    if (this.open.size >= maxConnections || this.anonymous.size >= maxConnections - reserve) {
      const oldest = this.anonymous.keys().next();
      if (oldest.done) return 'full';
      this.forget(oldest.value);
      this.drop(oldest.value, 'evicted');
    }
    this.open.add(c);
    this.anonymous.set(c, Date.now());
    this.schedule();
    return 'admitted';
  }

  /** Logged in: no deadline any more, and never dropped for a newcomer. */
  loggedIn(c: C): void {
    this.anonymous.delete(c);
  }

  /** Logged out, the connection still open: anonymous again, with a fresh deadline. */
  loggedOut(c: C): void {
    if (!this.open.has(c)) return;
    this.anonymous.delete(c);
    this.anonymous.set(c, Date.now());
    this.schedule();
  }

  closed(c: C): void {
    this.forget(c);
  }

  /** Stops the deadline timer (shutdown). */
  close(): void {
    clearTimeout(this.timer);
    this.timer = undefined;
  }

  private forget(c: C): void {
    this.open.delete(c);
    this.anonymous.delete(c);
  }

  private schedule(): void {
    const first = this.anonymous.values().next();
    if (first.done) return;
    const at = first.value + this.config.loginTimeoutMs;
    if (this.timer && this.timerAt <= at) return;
    clearTimeout(this.timer);
    this.timerAt = at;
    this.timer = setTimeout(this.expire, Math.max(0, at - Date.now()));
    this.timer.unref();
  }

  private readonly expire = (): void => {
    this.timer = undefined;
    this.timerAt = Infinity;
    const cutoff = Date.now() - this.config.loginTimeoutMs;
    for (const [c, since] of this.anonymous) {
      if (since > cutoff) break;
      this.forget(c);
      this.drop(c, 'login-timeout');
    }
    this.schedule();
  };
}

/** The default reserve: 5% of the slots, at least one, and always fewer than all of them. */
export function defaultLoginReserve(maxConnections: number): number {
  return Math.min(Math.max(1, Math.ceil(maxConnections * 0.05)), Math.max(0, maxConnections - 1));
}

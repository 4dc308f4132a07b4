import { HISTORY_PAGE_BYTES, ProtocolError } from '../../protocol/index.js';
import type { TokenBucket } from './rate-limit.js';

/**
 * What one read may add to its connection's outbound queue: a history page and its envelope
 * (HISTORY_PAGE_BYTES bounds its messages; who, convs, rooms, members are smaller).
 */
export const READ_RESERVE_BYTES = HISTORY_PAGE_BYTES + 64 * 1024;
/**
 * Reads start only while what the connection holds, with what its running reads may add, stays
 * under this (or under its outbound cap, if that is smaller). A client that reads its replies
 * keeps its queue near empty; one that does not gets no more replies built for it, so it cannot
 * make the server hold more than this for it by asking.
 */
export const READ_BACKLOG_BYTES = 1024 * 1024;
/** A read may start while the connection holds less than this, however small its outbound cap. */
const MIN_READ_THRESHOLD_BYTES = 64 * 1024;
/** How often a read waiting for the connection's queue to drain looks again, at most. */
const DRAIN_POLL_MS = [10, 20, 50, 100, 250];

export interface ReadGateConfig {
  readRatePerSec: number;
  /** Reads running at once on the connection. */
  maxReadsRunning: number;
  /** Reads waiting on the connection; more are refused. */
  maxReadsWaiting: number;
}

/** The connection's outbound queue as its transport sees it. */
export interface OutboundState {
  queued: number;
  limit: number;
}

/**
 * One connection's admission of read ops (history, who, convs, rooms, members, ...): each takes a
 * token of the user's read allowance (shared by all their connections, like sends), at most
 * maxReadsRunning run at once, and a read starts only when its reply fits in the connection's
 * outbound budget (counted before the reply is built). Reads that cannot start yet wait, in
 * order, in a bounded queue; when it is full a read is refused with RATE_LIMITED and retry_after.
 */
export class ReadGate {
  private running = 0;
  private readonly waiting: Array<(done: () => void) => void> = [];
  private timer: NodeJS.Timeout | undefined;
  private drainPolls = 0;
  private closed = false;

  constructor(
    private readonly config: ReadGateConfig,
    /** The user's read allowance (undefined once logged out: the read then runs and is refused by its auth check). */
    private readonly allowance: () => TokenBucket | undefined,
    /** Undefined for peers without a bounded queue. */
    private readonly outbound: () => OutboundState | undefined,
  ) {}

  /** Reads waiting to start. */
  get queued(): number {
    return this.waiting.length;
  }

  /**
   * Runs `start` once the read may begin (perhaps now); `start` calls `done` when its reply has
   * been written. Returns the refusal instead when too many reads are waiting.
   */
  enter(start: (done: () => void) => void): ProtocolError | undefined {
    if (this.waiting.length >= this.config.maxReadsWaiting) {
      const retryAfter = Math.max(0.1, Math.ceil((this.waiting.length / this.config.readRatePerSec) * 10) / 10);
      return new ProtocolError('RATE_LIMITED', `too many reads waiting on this connection: try again in ${retryAfter} s`, { retry_after: retryAfter });
    }
    this.waiting.push(start);
    this.pump();
    return undefined;
  }

  /** The connection is gone: waiting reads are dropped (nobody is there for their replies). */
  close(): void {
    this.closed = true;
    this.waiting.length = 0;
    clearTimeout(this.timer);
    this.timer = undefined;
  }

  private pump(): void {
    if (this.timer !== undefined || this.closed) return;
    while (this.waiting.length > 0 && this.running < this.config.maxReadsRunning) {
      if (!this.fitsOutbound()) return this.wait(DRAIN_POLL_MS[Math.min(this.drainPolls++, DRAIN_POLL_MS.length - 1)]!);
      this.drainPolls = 0;
      const token = this.allowance()?.take() ?? { ok: true };
      if (!token.ok) return this.wait(token.retryAfter * 1000);
      const start = this.waiting.shift()!;
      this.running++;
      let finished = false;
      start(() => {
        if (finished) return;
        finished = true;
        this.running--;
        this.pump();
      });
    }
  }

  private fitsOutbound(): boolean {
    const out = this.outbound();
    if (out === undefined) return true;
    // Room for this read's reply under the backlog cap; with a small outbound cap, a read may still
    // start on a near-empty queue (its reply may then be over the cap: that is the cap's choice).
    const threshold = Math.max(Math.min(out.limit, READ_BACKLOG_BYTES) - READ_RESERVE_BYTES, MIN_READ_THRESHOLD_BYTES);
    return out.queued + this.running * READ_RESERVE_BYTES < threshold;
  }

  private wait(ms: number): void {
    this.timer = setTimeout(() => {
      this.timer = undefined;
      this.pump();
    }, ms);
  }
}

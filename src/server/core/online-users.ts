import type { OnlineUser as OnlineUserInfo } from '../../protocol/index.js';
import type { UserRecord } from '../store/port.js';
import { TokenBucket } from './rate-limit.js';

/** A user's flood-control buckets: sends (and other announced changes), and reads. */
export interface Allowances {
  send: TokenBucket;
  read: TokenBucket;
}

/** What every session of a logged-in user shares: their record, their send and read allowances. */
export class OnlineUser<S> {
  /** The sessions that hear live events and make the user present (announced, in `who`). */
  readonly sessions = new Set<S>();
  /** Quiet sessions (`presence: false`): logged in for a command or two, announced to no one. */
  readonly quietSessions = new Set<S>();
  /** When the user came online: their first announced session here began. */
  since = Date.now();
  readonly sendBucket: TokenBucket;
  /** Read ops (history, who, convs, rooms, ...) over all the user's connections: see read-gate.ts. */
  readonly readBucket: TokenBucket;
  readonly typingBucket = new TokenBucket(2, 5);
  /** Counts patches of the record heard from the bus, so a re-read from the store cannot undo a newer one. */
  patches = 0;

  constructor(
    public record: UserRecord,
    allowances: Allowances,
  ) {
    this.sendBucket = allowances.send;
    this.readBucket = allowances.read;
  }

  info(): OnlineUserInfo {
    return { user: this.record.name, role: this.record.role, since: this.since };
  }
}

/**
 * Presence on this node: who is logged in, with which sessions. A user is known here while any
 * session is, and online (announced) while any that is not quiet is.
 */
export class OnlineUsers<S> {
  private readonly byKey = new Map<string, OnlineUser<S>>();
  /** Every logged-in session that hears live events, for lobby fan-out without walking users. */
  readonly sessions = new Set<S>();
  /** Every quiet session (they get no fan-out). */
  readonly quiet = new Set<S>();
  /**
   * Allowances of users who just went offline, kept until they would be full again, so that
   * reconnecting does not buy a fresh burst. Oldest first (Map order).
   */
  private readonly parked = new Map<string, { allowances: Allowances; at: number }>();
  private readonly refillMs: number;

  constructor(
    private readonly sendRatePerSec: number,
    private readonly sendBurst: number,
    private readonly readRatePerSec: number,
    private readonly readBurst: number,
  ) {
    this.refillMs = Math.max(sendBurst / sendRatePerSec, readBurst / readRatePerSec) * 1000;
  }

  /** `first`: the user's first announced session here (they come online); never for a quiet one. */
  attach(session: S, record: UserRecord, quiet = false): { user: OnlineUser<S>; first: boolean } {
    let user = this.byKey.get(record.key);
    if (!user) {
      const allowances = this.parked.get(record.key)?.allowances ?? {
        send: new TokenBucket(this.sendRatePerSec, this.sendBurst),
        read: new TokenBucket(this.readRatePerSec, this.readBurst),
      };
      this.parked.delete(record.key);
      user = new OnlineUser<S>(record, allowances);
      this.byKey.set(record.key, user);
    }
    if (quiet) {
      user.quietSessions.add(session);
      this.quiet.add(session);
      return { user, first: false };
    }
    const first = user.sessions.size === 0;
    if (first) user.since = Date.now();
    user.sessions.add(session);
    this.sessions.add(session);
    return { user, first };
  }

  /**
   * `departed`: that was the user's last announced session here (they go offline); `gone`: their
   * last session of any kind here (the node forgets them).
   */
  detach(session: S, user: OnlineUser<S>): { departed: boolean; gone: boolean } {
    const departed = user.sessions.delete(session) && user.sessions.size === 0;
    this.sessions.delete(session);
    user.quietSessions.delete(session);
    this.quiet.delete(session);
    if (user.sessions.size > 0 || user.quietSessions.size > 0) return { departed, gone: false };
    this.byKey.delete(user.record.key);
    this.park(user.record.key, { send: user.sendBucket, read: user.readBucket });
    return { departed, gone: true };
  }

  private park(key: string, allowances: Allowances): void {
    const now = Date.now();
    this.parked.delete(key); // re-inserted last: the Map stays in order of parking
    this.parked.set(key, { allowances, at: now });
    for (const [k, p] of this.parked) {
      if (now - p.at < this.refillMs && this.parked.size <= 100_000) break;
      this.parked.delete(k);
    }
  }

  get(key: string): OnlineUser<S> | undefined {
    return this.byKey.get(key);
  }

  list(): OnlineUser<S>[] {
    return [...this.byKey.values()];
  }

}

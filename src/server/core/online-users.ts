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
  readonly sessions = new Set<S>();
  readonly since = Date.now();
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

/** Presence on this node: who is logged in, with which sessions. A user is online while any is. */
export class OnlineUsers<S> {
  private readonly byKey = new Map<string, OnlineUser<S>>();
  /** Every logged-in session, for lobby fan-out without walking users. */
  readonly sessions = new Set<S>();
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

  attach(session: S, record: UserRecord): { user: OnlineUser<S>; first: boolean } {
    let user = this.byKey.get(record.key);
    const first = user === undefined;
    if (!user) {
      const allowances = this.parked.get(record.key)?.allowances ?? {
        send: new TokenBucket(this.sendRatePerSec, this.sendBurst),
        read: new TokenBucket(this.readRatePerSec, this.readBurst),
      };
      this.parked.delete(record.key);
      user = new OnlineUser<S>(record, allowances);
      this.byKey.set(record.key, user);
    }
    user.sessions.add(session);
    this.sessions.add(session);
    return { user, first };
  }

  /** Returns true when this was the user's last session. */
  detach(session: S, user: OnlineUser<S>): boolean {
    this.sessions.delete(session);
    user.sessions.delete(session);
    if (user.sessions.size > 0) return false;
    this.byKey.delete(user.record.key);
    this.park(user.record.key, { send: user.sendBucket, read: user.readBucket });
    return true;
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

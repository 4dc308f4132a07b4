import type { OnlineUser as OnlineUserInfo } from '../../protocol/index.js';
import type { UserRecord } from '../store/port.js';
import { TokenBucket } from './rate-limit.js';

/** What every session of a logged-in user shares: their record, their send allowance. */
export class OnlineUser<S> {
  readonly sessions = new Set<S>();
  readonly since = Date.now();
  readonly sendBucket: TokenBucket;
  readonly typingBucket = new TokenBucket(2, 5);

  constructor(
    public record: UserRecord,
    sendRatePerSec: number,
    sendBurst: number,
  ) {
    this.sendBucket = new TokenBucket(sendRatePerSec, sendBurst);
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

  constructor(
    private readonly sendRatePerSec: number,
    private readonly sendBurst: number,
  ) {}

  attach(session: S, record: UserRecord): { user: OnlineUser<S>; first: boolean } {
    let user = this.byKey.get(record.key);
    const first = user === undefined;
    if (!user) {
      user = new OnlineUser<S>(record, this.sendRatePerSec, this.sendBurst);
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
    return true;
  }

  get(key: string): OnlineUser<S> | undefined {
    return this.byKey.get(key);
  }

  list(): OnlineUser<S>[] {
    return [...this.byKey.values()];
  }

  get count(): number {
    return this.byKey.size;
  }
}

/** One user as this node's IRC sessions know them: their real name and when they last did something. */
export interface IrcUserActivity {
  /** The USER real name of the user's most recently active IRC session here. */
  realname: string;
  /** ms since the epoch of their last command (not a keep-alive or a poll) on any IRC session here. */
  lastActive: number;
  /** IRC sessions of the user on this node. */
  sessions: number;
}

/**
 * What WHOIS tells of other users that only IRC knows (Banter has no real names or idle times):
 * kept per user key while the user has an IRC session on this node, so its size is bounded by
 * the open connections.
 */
export class IrcUsers {
  private readonly byKey = new Map<string, IrcUserActivity>();

  /** An IRC session of the user finished registering. */
  opened(key: string, realname: string, now = Date.now()): void {
    const known = this.byKey.get(key);
    if (known) {
      known.sessions++;
      known.realname = realname;
      known.lastActive = now;
    } else {
      this.byKey.set(key, { realname, lastActive: now, sessions: 1 });
    }
  }

  /** The user did something on the session whose real name this is. */
  active(key: string, realname: string, now = Date.now()): void {
    const known = this.byKey.get(key);
    if (!known) return;
    known.realname = realname;
    known.lastActive = now;
  }

  /** One of the user's registered IRC sessions here ended. */
  closed(key: string): void {
    const known = this.byKey.get(key);
    if (known && --known.sessions <= 0) this.byKey.delete(key);
  }

  get(key: string): Readonly<IrcUserActivity> | undefined {
    return this.byKey.get(key);
  }
}

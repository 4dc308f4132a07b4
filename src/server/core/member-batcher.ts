import type { Bus } from '../bus/port.js';
import { OutboundEvent } from '../shared/outbound-event.js';

/** Names listed per batch at most: a batch reaches every member, so its size must not grow with the storm. */
export const MAX_BATCH_NAMES = 50;

interface Pending {
  name: string;
  /** Display name -> joined (true) or left (false), the last change of each user in this window. */
  changes: Map<string, boolean>;
  count: number;
}

/**
 * Joins and leaves of big rooms, gathered into one `members` event per room per interval. Telling
 * every member of an n-member room about each of n joins is n² writes (the join storms that take
 * IRC servers down); batched, a storm costs about n writes per interval.
 */
export class MemberBatcher {
  private readonly pending = new Map<string, Pending>();
  private timer: NodeJS.Timeout | undefined;

  constructor(
    private readonly bus: Bus,
    private readonly intervalMs: number,
  ) {}

  add(roomKey: string, roomName: string, user: string, joined: boolean, count: number): void {
    let p = this.pending.get(roomKey);
    if (!p) this.pending.set(roomKey, (p = { name: roomName, changes: new Map(), count }));
    p.changes.delete(user); // re-inserted: the order is that of each user's last change
    p.changes.set(user, joined);
    p.count = count;
    this.timer ??= setTimeout(() => this.flush(), this.intervalMs);
    this.timer.unref?.();
  }

  flush(): void {
    clearTimeout(this.timer);
    this.timer = undefined;
    const all = [...this.pending];
    this.pending.clear();
    for (const [key, p] of all) {
      const joined: string[] = [];
      const left: string[] = [];
      let more = 0;
      // The latest changes are the ones listed.
      for (const [user, j] of [...p.changes].reverse()) {
        if (joined.length + left.length < MAX_BATCH_NAMES) (j ? joined : left).push(user);
        else more++;
      }
      joined.reverse();
      left.reverse();
      const event = OutboundEvent.of('members', { room: p.name, joined, left, more, count: p.count });
      void this.bus.publish({ kind: 'deliver', audience: { to: 'room', key }, event });
    }
  }

  close(): void {
    clearTimeout(this.timer);
    this.timer = undefined;
    this.pending.clear();
  }
}

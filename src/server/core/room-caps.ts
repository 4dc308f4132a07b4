import { ProtocolError } from '../../protocol/index.js';
import type { Store, UserRecord } from '../store/port.js';

export interface RoomCapsConfig {
  /** Rooms one user may own; the administrator has no such cap. */
  maxOwned: number;
  /** Rooms one user may be a member of. */
  maxJoined: number;
}

/** What a change would add to a user: a room owned, a membership, or both (create). */
export interface RoomGain {
  owns?: boolean;
  joins?: boolean;
}

/**
 * The per-user caps on rooms. Every room a user is in is loaded at each login and walked by the
 * node's membership cache, and every room created stays for good (rooms are not deleted), so
 * neither may grow without bound. The counts come from the store, once per create, join, invite
 * or hand-over (never per message).
 *
 * The administrator is exempt from the owner cap only: it is the one trusted account (set by the
 * operator, never registered), it may need many rooms (setting up a server, taking over rooms of
 * departed owners), and it has owner powers everywhere anyway. The membership cap bounds what each
 * login costs, which is the same for every account; the administrator needs no membership to act.
 */
export class RoomCaps {
  /** The last capped change per user key, so a user's changes take turns on this node. */
  private readonly turns = new Map<string, Promise<unknown>>();

  constructor(
    private readonly store: Store,
    private readonly config: RoomCapsConfig,
  ) {}

  /**
   * Runs `change` after the user's previous capped change on this node has settled: without it,
   * a burst of creates or joins would each count the rooms before any of them is stored, and
   * all get past the cap. (Two nodes can still each let one through at the cap.)
   */
  inTurn<T>(userKey: string, change: () => Promise<T>): Promise<T> {
    const previous = this.turns.get(userKey) ?? Promise.resolve();
    const next = previous.then(change, change);
    const settled = next.catch(() => undefined); // the caller gets the error from `next`; the turn only waits
    this.turns.set(userKey, settled);
    void settled.then(() => {
      if (this.turns.get(userKey) === settled) this.turns.delete(userKey);
    });
    return next;
  }

  /** TOO_MANY_ROOMS if the gain would take the user over a cap; `self` words it for the requester. */
  async check(user: UserRecord, gain: RoomGain, self: boolean): Promise<void> {
    const counts = await this.store.rooms.countsOf(user.id);
    const { maxOwned, maxJoined } = this.config;
    if (gain.owns && user.role !== 'admin' && counts.owned >= maxOwned) {
      const why = self ? `you own ${counts.owned} rooms` : `${user.name} owns ${counts.owned} rooms`;
      throw new ProtocolError('TOO_MANY_ROOMS', `${why}, the most one user may (${maxOwned})${self ? '; hand one over first' : ''}`);
    }
    if (gain.joins && counts.joined >= maxJoined) {
      const why = self ? `you are in ${counts.joined} rooms` : `${user.name} is in ${counts.joined} rooms`;
      throw new ProtocolError('TOO_MANY_ROOMS', `${why}, the most one user may (${maxJoined})${self ? '; leave one first' : ''}`);
    }
  }
}

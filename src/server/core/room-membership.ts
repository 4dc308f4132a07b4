/**
 * Which rooms this node's online users are in, so a room's fan-out walks only its members here.
 * Loaded from the store when a user comes online on this node and kept current by the bus's
 * `room-member` messages, so it also holds when other nodes change memberships. Changes that
 * arrive while a user's memberships are still loading are replayed over what the store returned.
 */
export class RoomMembership {
  private readonly byRoom = new Map<string, Set<string>>();
  private readonly byUser = new Map<string, Set<string>>();
  /** Users whose memberships are being read: changes heard meanwhile, in order. */
  private readonly loading = new Map<string, { room: string; joined: boolean }[]>();

  /** A user came online on this node; their memberships are about to be read. */
  begin(userKey: string): void {
    if (!this.byUser.has(userKey)) this.byUser.set(userKey, new Set());
    if (!this.loading.has(userKey)) this.loading.set(userKey, []);
  }

  /**
   * What the store said, then the changes heard while it was being read. `replace`: the store's
   * list is all there is (a re-read after the bus may have missed changes), not an addition.
   */
  loaded(userKey: string, rooms: string[], replace = false): void {
    const heard = this.loading.get(userKey);
    this.loading.delete(userKey);
    const mine = this.byUser.get(userKey);
    if (!mine) return; // gone offline meanwhile
    if (replace) for (const room of [...mine]) this.apply(room, userKey, false);
    for (const room of rooms) this.add(room, userKey);
    for (const change of heard ?? []) this.apply(change.room, userKey, change.joined);
  }

  /** The user's last session on this node ended. */
  forget(userKey: string): void {
    for (const room of this.byUser.get(userKey) ?? []) {
      const members = this.byRoom.get(room);
      members?.delete(userKey);
      if (members?.size === 0) this.byRoom.delete(room);
    }
    this.byUser.delete(userKey);
    this.loading.delete(userKey);
  }

  /** A membership change from the bus; ignored for users not online here. */
  changed(room: string, userKey: string, joined: boolean): void {
    if (!this.byUser.has(userKey)) return;
    this.loading.get(userKey)?.push({ room, joined });
    this.apply(room, userKey, joined);
  }

  /** User keys of the room's members online on this node. */
  membersHere(room: string): ReadonlySet<string> {
    return this.byRoom.get(room) ?? EMPTY;
  }

  private apply(room: string, userKey: string, joined: boolean): void {
    if (joined) this.add(room, userKey);
    else {
      this.byUser.get(userKey)?.delete(room);
      const members = this.byRoom.get(room);
      members?.delete(userKey);
      if (members?.size === 0) this.byRoom.delete(room);
    }
  }

  private add(room: string, userKey: string): void {
    this.byUser.get(userKey)?.add(room);
    let members = this.byRoom.get(room);
    if (!members) this.byRoom.set(room, (members = new Set()));
    members.add(userKey);
  }
}

const EMPTY: ReadonlySet<string> = new Set();

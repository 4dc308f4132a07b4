/**
 * Which rooms this node's online users are in, so a room's fan-out walks only its members here.
 * Loaded from the store when a user comes online on this node and kept current by the bus's
 * `room-member` messages, so it also holds when other nodes change memberships. Changes that
 * arrive while a user's memberships are still loading are replayed over what the store returned.
 */
/** One read of a user's memberships from the store: the changes heard while it runs, in order. */
export interface MembershipRead {
  heard: { room: string; joined: boolean }[];
}

export class RoomMembership {
  private readonly byRoom = new Map<string, Set<string>>();
  private readonly byUser = new Map<string, Set<string>>();
  /**
   * Users whose memberships are being read. Each read keeps its own changes: two reads can
   * overlap (a login's and a re-read after the bus dropped) and finish in any order, and each
   * must replay everything heard since it began over what it read.
   */
  private readonly loading = new Map<string, Set<MembershipRead>>();

  /** A user came online on this node, or is read again; their memberships are about to be read. */
  begin(userKey: string): MembershipRead {
    if (!this.byUser.has(userKey)) this.byUser.set(userKey, new Set());
    let reads = this.loading.get(userKey);
    if (!reads) this.loading.set(userKey, (reads = new Set()));
    const read: MembershipRead = { heard: [] };
    reads.add(read);
    return read;
  }

  /**
   * What the store said, then the changes heard while it was being read. `replace`: the store's
   * list is all there is (a re-read after the bus may have missed changes), not an addition.
   * A read the user's going offline made void changes nothing.
   */
  loaded(userKey: string, read: MembershipRead, rooms: string[], replace = false): void {
    const reads = this.loading.get(userKey);
    if (!reads?.delete(read)) return;
    if (reads.size === 0) this.loading.delete(userKey);
    const mine = this.byUser.get(userKey);
    if (!mine) return;
    if (replace) for (const room of [...mine]) this.apply(room, userKey, false);
    for (const room of rooms) this.add(room, userKey);
    for (const change of read.heard) this.apply(change.room, userKey, change.joined);
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
    for (const read of this.loading.get(userKey) ?? []) read.heard.push({ room, joined });
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

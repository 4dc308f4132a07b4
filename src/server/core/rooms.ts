import {
  FORBIDDEN_CONTROL_CHARS,
  LOBBY,
  MAX_ROOMS_LIMIT,
  MAX_TOPIC_CHARS,
  ProtocolError,
  isValidRoomName,
  nameKey,
  roomKey,
  type MutedUntil,
  type RoomInfo,
  type RoomMemberInfo,
} from '../../protocol/index.js';
import type { Bus } from '../bus/port.js';
import { DuplicateRoomError, type RoomMember, type RoomRecord, type Store, type UserRecord } from '../store/port.js';
import { MemberBatcher } from './member-batcher.js';
import { mutedError } from './mutes.js';
import { RoomCaps, type RoomCapsConfig } from './room-caps.js';
import type { RoomMembership } from './room-membership.js';
import { OutboundEvent } from '../shared/outbound-event.js';

export interface RoomsConfig extends RoomCapsConfig {
  /** Rooms with more members than this get their joins and leaves batched. */
  quietSize: number;
  /** How often batched joins and leaves go out. */
  batchIntervalMs: number;
}

/** A room a user may use: its record and their membership. */
export interface RoomAccess {
  room: RoomRecord;
  member: RoomMember;
}

/**
 * Rooms beyond #lobby: creating, joining, leaving, and the owner's powers (invite, remove, topic,
 * hand over, mute within the room), which the server's administrator has in every room. Every
 * change is stored first, then announced to the room's members through the bus.
 */
export class Rooms {
  private readonly batcher: MemberBatcher;
  private readonly caps: RoomCaps;

  constructor(
    private readonly store: Store,
    private readonly bus: Bus,
    readonly membership: RoomMembership,
    private readonly config: RoomsConfig,
    /** Which of these users are online on any node (presence, not just this node's sessions). */
    private readonly onlineOf: (userKeys: string[]) => Promise<ReadonlySet<string>>,
  ) {
    this.batcher = new MemberBatcher(bus, config.batchIntervalMs);
    this.caps = new RoomCaps(store, config);
  }

  async create(me: UserRecord, name: string, topic: string | undefined, isPrivate: boolean): Promise<RoomInfo> {
    if (!isValidRoomName(name)) {
      throw new ProtocolError('INVALID_NAME', 'a room name is "#" and 1-32 letters, digits, "_", "." or "-"');
    }
    const key = roomKey(name);
    if (key === LOBBY) throw new ProtocolError('ROOM_EXISTS', '#lobby exists: everyone is in it');
    const clean = cleanTopic(topic ?? '');
    // A topic is the creator's words, listed to everyone: not while they are muted.
    const muted = activeMute(me.mutedUntil);
    if (clean !== '' && muted !== null) throw mutedError(muted, 'you may not give a new room a topic while you are muted');
    return this.caps.inTurn(me.key, async () => {
      await this.caps.check(me, { owns: true, joins: true }, true);
      try {
        const room = await this.store.rooms.create({
          key,
          name: `#${name.slice(1).normalize('NFC')}`,
          topic: clean,
          private: isPrivate,
          ownerId: me.id,
          createdAt: Date.now(),
        });
        // Every node's cache knows before the reply: the creator's next message reaches them here.
        await this.bus.publish({ kind: 'room-member', room: key, userKey: me.key, joined: true });
        return info(room, 1, true);
      } catch (err) {
        if (err instanceof DuplicateRoomError) throw new ProtocolError('ROOM_EXISTS', `${name} exists; join it or pick another name`);
        throw err;
      }
    });
  }

  /** One page of rooms in key order; `next` (the last key listed) if more follow. */
  async list(me: UserRecord, page: { after?: string; limit?: number; joined?: boolean }): Promise<{ rooms: RoomInfo[]; next?: string }> {
    const limit = Math.min(page.limit ?? MAX_ROOMS_LIMIT, MAX_ROOMS_LIMIT);
    // A room's name works as a cursor too: it stands for its key.
    const after = page.after !== undefined && isValidRoomName(page.after) ? roomKey(page.after) : page.after;
    // One more than the page: whether it exists says if there is a next page.
    const rows = await this.store.rooms.list(me.id, { after, limit: limit + 1, joinedOnly: page.joined === true });
    const rooms = rows.slice(0, limit).map((r) => info(r, r.memberCount, r.joined));
    return rows.length > limit ? { rooms, next: rows[limit - 1]!.key } : { rooms };
  }

  async join(me: UserRecord, name: string): Promise<RoomInfo> {
    const room = await this.find(name);
    await this.caps.inTurn(me.key, async () => {
      if (await this.store.rooms.findMember(room.key, me.id)) return;
      // The owner may come back to a private room they left; the administrator goes anywhere.
      if (room.private && room.ownerId !== me.id && me.role !== 'admin') {
        throw new ProtocolError('NOT_A_MEMBER', `${room.name} is private: its owner can invite you`);
      }
      await this.caps.check(me, { joins: true }, true);
      if (await this.store.rooms.addMember(room.key, me.id, Date.now())) await this.announce(room, me, true);
    });
    return info(room, await this.store.rooms.memberCount(room.key), true);
  }

  async leave(me: UserRecord, name: string): Promise<{ room: string }> {
    const { room } = await this.access(me, name);
    if (await this.store.rooms.removeMember(room.key, me.id)) await this.announce(room, me, false);
    return { room: room.name };
  }

  async invite(me: UserRecord, name: string, user: string): Promise<{ room: string; user: string }> {
    const room = await this.asOwner(me, name, 'invite');
    const target = await this.user(user);
    await this.caps.inTurn(target.key, async () => {
      if (await this.store.rooms.findMember(room.key, target.id)) return; // inviting a member changes nothing
      await this.caps.check(target, { joins: true }, false);
      if (await this.store.rooms.addMember(room.key, target.id, Date.now())) await this.announce(room, target, true, me);
    });
    return { room: room.name, user: target.name };
  }

  async remove(me: UserRecord, name: string, user: string): Promise<{ room: string; user: string }> {
    const room = await this.asOwner(me, name, 'remove members');
    const target = await this.user(user);
    if (target.id === room.ownerId) throw new ProtocolError('FORBIDDEN', `${target.name} owns ${room.name}; hand it over first`);
    if (!(await this.store.rooms.removeMember(room.key, target.id))) throw new ProtocolError('NOT_A_MEMBER', `${target.name} is not in ${room.name}`);
    await this.announce(room, target, false, me);
    return { room: room.name, user: target.name };
  }

  async setTopic(me: UserRecord, name: string, topic: string): Promise<{ room: string; topic: string }> {
    const room = await this.asOwner(me, name, 'set the topic');
    // The topic is shown to every member: a mute, server-wide or in this room, holds for it as for messages.
    const muted = await this.muteIn(me, room);
    if (muted) throw mutedError(muted.until, muted.where, muted.room);
    const clean = cleanTopic(topic);
    await this.store.rooms.update(room.key, { topic: clean });
    await this.toRoom(room.key, OutboundEvent.of('topic', { room: room.name, topic: clean, by: me.name }));
    return { room: room.name, topic: clean };
  }

  async handOver(me: UserRecord, name: string, user: string): Promise<{ room: string; owner: string }> {
    const room = await this.asOwner(me, name, 'hand it over');
    const target = await this.user(user);
    if (!(await this.store.rooms.findMember(room.key, target.id))) {
      throw new ProtocolError('NOT_A_MEMBER', `${target.name} is not in ${room.name}; invite them first`);
    }
    await this.caps.inTurn(target.key, async () => {
      if (target.id !== room.ownerId) await this.caps.check(target, { owns: true }, false);
      await this.store.rooms.update(room.key, { ownerId: target.id });
    });
    await this.toRoom(room.key, OutboundEvent.of('owner', { room: room.name, owner: target.name, by: me.name }));
    return { room: room.name, owner: target.name };
  }

  async mute(me: UserRecord, name: string, user: string, minutes: number | undefined): Promise<{ room: string; user: string; until: Exclude<MutedUntil, null> }> {
    const room = await this.asOwner(me, name, 'mute members');
    const target = await this.memberOf(room, user);
    if (target.userId === room.ownerId || target.key === 'admin') throw new ProtocolError('FORBIDDEN', `${target.name} cannot be muted in ${room.name}`);
    const until = minutes === undefined ? 'forever' : Date.now() + Math.round(minutes * 60_000);
    await this.store.rooms.setMemberMute(room.key, target.userId, until);
    await this.toRoom(room.key, OutboundEvent.of('room_muted', { room: room.name, user: target.name, until }));
    return { room: room.name, user: target.name, until };
  }

  async unmute(me: UserRecord, name: string, user: string): Promise<{ room: string; user: string }> {
    const room = await this.asOwner(me, name, 'unmute members');
    const target = await this.memberOf(room, user);
    await this.store.rooms.setMemberMute(room.key, target.userId, null);
    await this.toRoom(room.key, OutboundEvent.of('room_muted', { room: room.name, user: target.name, until: null }));
    return { room: room.name, user: target.name };
  }

  async members(me: UserRecord, name: string): Promise<{ room: string; members: RoomMemberInfo[] }> {
    const { room } = await this.access(me, name);
    const list = await this.store.rooms.members(room.key);
    const online = await this.onlineOf(list.map((m) => m.key));
    return {
      room: room.name,
      members: list.map((m) => ({ user: m.name, owner: m.userId === room.ownerId, online: online.has(m.key), muted_until: activeMute(m.mutedUntil) })),
    };
  }

  /**
   * Whether the user's words may not be shown in this room now: muted server-wide, or in the room
   * (false for a room that does not exist or that they are not in).
   */
  async mutedIn(me: UserRecord, name: string): Promise<boolean> {
    if (activeMute(me.mutedUntil) !== null) return true;
    if (!isValidRoomName(name) || roomKey(name) === LOBBY) return false;
    const room = await this.store.rooms.find(roomKey(name));
    return room !== null && (await this.muteIn(me, room)) !== null;
  }

  /** The room and the user's membership; NOT_A_MEMBER for anyone else. */
  async access(me: UserRecord, name: string): Promise<RoomAccess> {
    const room = await this.find(name);
    const member = await this.store.rooms.findMember(room.key, me.id);
    if (!member) {
      const how = room.private ? 'it is private: its owner can invite you' : `join it first`;
      throw new ProtocolError('NOT_A_MEMBER', `you are not in ${room.name}; ${how}`);
    }
    return { room, member };
  }

  /** The rooms a user is in, for this node's cache, when the user comes online here. */
  async load(user: UserRecord): Promise<void> {
    const read = this.membership.begin(user.key);
    const rooms = await this.store.rooms.roomsOf(user.id);
    this.membership.loaded(user.key, read, rooms.map((r) => r.room.key));
  }

  /** Reads a user's rooms again, replacing what this node's cache holds (the bus may have missed changes). */
  async reload(user: UserRecord): Promise<void> {
    const read = this.membership.begin(user.key);
    const rooms = await this.store.rooms.roomsOf(user.id);
    this.membership.loaded(user.key, read, rooms.map((r) => r.room.key), true);
  }

  close(): void {
    this.batcher.close();
  }

  private async find(name: string): Promise<RoomRecord> {
    if (!isValidRoomName(name)) throw new ProtocolError('NO_SUCH_ROOM', `no room ${JSON.stringify(name)}`);
    const key = roomKey(name);
    if (key === LOBBY) throw new ProtocolError('BAD_REQUEST', 'everyone is in #lobby, always; it has no owner');
    const room = await this.store.rooms.find(key);
    if (!room) throw new ProtocolError('NO_SUCH_ROOM', `no room ${name}`);
    return room;
  }

  private async asOwner(me: UserRecord, name: string, what: string): Promise<RoomRecord> {
    const room = await this.find(name);
    if (room.ownerId !== me.id && me.role !== 'admin') throw new ProtocolError('FORBIDDEN', `only the owner of ${room.name} may ${what}`);
    return room;
  }

  /** The mute that keeps the user's words out of this room, if any: server-wide first, then the room's. */
  private async muteIn(me: UserRecord, room: RoomRecord): Promise<{ until: Exclude<MutedUntil, null>; where: string; room?: string } | null> {
    const global = activeMute(me.mutedUntil);
    if (global !== null) return { until: global, where: 'you are muted' };
    const member = await this.store.rooms.findMember(room.key, me.id);
    const local = member ? activeMute(member.mutedUntil) : null;
    return local === null ? null : { until: local, where: `you are muted in ${room.name}`, room: room.name };
  }

  private async user(name: string): Promise<UserRecord> {
    const user = await this.store.users.findByKey(nameKey(name));
    if (!user) throw new ProtocolError('NO_SUCH_USER', `no user named ${name}`);
    return user;
  }

  private async memberOf(room: RoomRecord, name: string): Promise<RoomMember> {
    const user = await this.user(name);
    const member = await this.store.rooms.findMember(room.key, user.id);
    if (!member) throw new ProtocolError('NOT_A_MEMBER', `${user.name} is not in ${room.name}`);
    return member;
  }

  /**
   * Updates every node's membership cache, then tells the room. The user concerned always hears
   * it on all their sessions (a leaver is no longer in the room's audience); the other members
   * hear it at once in small rooms, batched in big ones.
   */
  private async announce(room: RoomRecord, user: UserRecord, joined: boolean, by?: UserRecord): Promise<void> {
    await this.bus.publish({ kind: 'room-member', room: room.key, userKey: user.key, joined });
    const count = await this.store.rooms.memberCount(room.key);
    const body = by ? { room: room.name, user: user.name, by: by.name } : { room: room.name, user: user.name };
    // A join carries the room as the joiner now sees it, so their clients need not look it up.
    const event = joined ? OutboundEvent.of('joined', { ...body, info: info(room, count, true) }) : OutboundEvent.of('left', body);
    // The size the room had with the user in it.
    const quiet = (joined ? count : count + 1) > this.config.quietSize;
    if (!quiet && joined) return this.toRoom(room.key, event);
    await this.bus.publish({ kind: 'deliver', audience: { to: 'user', key: user.key }, event });
    if (quiet) this.batcher.add(room.key, room.name, user.name, joined, count);
    else return this.toRoom(room.key, event);
  }

  private toRoom(key: string, event: OutboundEvent): Promise<void> {
    return this.bus.publish({ kind: 'deliver', audience: { to: 'room', key }, event });
  }
}

function info(room: RoomRecord, members: number, joined: boolean): RoomInfo {
  return { room: room.name, topic: room.topic, private: room.private, owner: room.ownerName, members, joined };
}

function cleanTopic(topic: string): string {
  if (FORBIDDEN_CONTROL_CHARS.test(topic)) throw new ProtocolError('BAD_REQUEST', 'a topic is plain text, without control characters');
  const clean = topic.trim();
  const length = [...clean].length;
  if (length > MAX_TOPIC_CHARS) throw new ProtocolError('TOO_LONG', `a topic has at most ${MAX_TOPIC_CHARS} characters (this one has ${length})`);
  return clean;
}

/** A room mute still in force, or null. */
export function activeMute(m: MutedUntil): MutedUntil {
  return typeof m === 'number' && m <= Date.now() ? null : m;
}

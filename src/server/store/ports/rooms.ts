import type { MutedUntil } from '../../../protocol/index.js';

/** Rooms (conversation key "#" + name key; #lobby is not a room of this store) and their members. */
export interface RoomStore {
  /** Stores a new room, its owner as its first member, and its (empty) conversation; DuplicateRoomError if the key is taken. */
  create(room: NewRoom): Promise<RoomRecord>;
  find(key: string): Promise<RoomRecord | null>;
  update(key: string, patch: RoomPatch): Promise<void>;
  /**
   * Public rooms and the private rooms the user is a member of (only the rooms they are a member
   * of with `joinedOnly`), in key order, with keys after `page.after`, at most `page.limit`.
   */
  list(userId: number, page: RoomPage): Promise<RoomListing[]>;
  /** Adds a member; false (and nothing changes) if they already were one. */
  addMember(room: string, userId: number, joinedAt: number): Promise<boolean>;
  /** Removes a member; false if they were not one. */
  removeMember(room: string, userId: number): Promise<boolean>;
  /** A member of a room, or null if not a member. */
  findMember(room: string, userId: number): Promise<RoomMember | null>;
  /** Every member, in the order they joined. */
  members(room: string): Promise<RoomMember[]>;
  memberCount(room: string): Promise<number>;
  setMemberMute(room: string, userId: number, until: MutedUntil): Promise<void>;
  /** The rooms a user is a member of, with their conversation's newest seq and ts. */
  roomsOf(userId: number): Promise<RoomSummary[]>;
  /** How many rooms the user owns, and how many they are a member of (for the per-user caps). */
  countsOf(userId: number): Promise<RoomCounts>;
}

export interface NewRoom {
  /** "#" + nameKey(name): the conversation key. */
  key: string;
  /** "#" + the name as created. */
  name: string;
  topic: string;
  private: boolean;
  ownerId: number;
  createdAt: number;
}

export interface RoomRecord extends NewRoom {
  /** The owner's display name. */
  ownerName: string;
}

export type RoomPatch = Partial<Pick<NewRoom, 'topic' | 'ownerId'>>;

export interface RoomListing extends RoomRecord {
  memberCount: number;
  joined: boolean;
}

export interface RoomMember {
  userId: number;
  /** Display name and key of the user. */
  name: string;
  key: string;
  joinedAt: number;
  mutedUntil: MutedUntil;
}

export interface RoomPage {
  /** Only keys after this one (in the store's order of keys); absent: from the first. */
  after?: string;
  limit: number;
  joinedOnly?: boolean;
}

export interface RoomCounts {
  owned: number;
  joined: number;
}

export interface RoomSummary {
  room: RoomRecord;
  lastSeq: number;
  lastTs: number | null;
}

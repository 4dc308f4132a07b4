import type { MutedUntil, Role } from '../../protocol/index.js';

/**
 * The storage port: everything the chat core keeps. Adapters (SQLite, PostgreSQL) implement it and
 * must pass test/store/contract.ts. All methods are async so an adapter may do real I/O.
 */
export interface Store {
  // accounts
  createUser(user: NewUser): Promise<UserRecord>;
  findUserByKey(key: string): Promise<UserRecord | null>;
  findUserById(id: number): Promise<UserRecord | null>;
  updateUser(id: number, patch: UserPatch): Promise<void>;
  // sessions: tokens are kept only as hashes
  createSession(session: SessionRecord): Promise<void>;
  findSession(tokenHash: string): Promise<SessionRecord | null>;
  extendSession(tokenHash: string, expiresAt: number): Promise<void>;
  revokeSession(tokenHash: string): Promise<void>;
  revokeUserSessions(userId: number): Promise<number>;
  // messages
  /**
   * Stores a message durably and gives it the next seq of its conversation: strictly increasing,
   * no gaps, even with concurrent writers. Resolves only once the message is durable. A message
   * whose (sender, cid) was stored before is not stored again: the first one comes back with
   * duplicate = true. Appends resolve in the order they were called.
   */
  appendMessage(message: NewMessage): Promise<AppendResult>;
  history(conv: string, query: HistoryQuery): Promise<StoredMessage[]>;
  /** The conversations a user takes part in: #lobby and every private one. */
  conversationsOf(userKey: string): Promise<ConversationSummary[]>;
  // files: the records of uploads (the bytes are kept elsewhere, by content hash)
  /** Stores a new file record; its id is new (the caller makes it random). */
  createFile(file: FileRecord): Promise<void>;
  findFile(id: string): Promise<FileRecord | null>;
  /** The sum of the sizes of every file record this user uploaded (equal uploads count each time); 0 if none. */
  uploadedBytes(userId: number): Promise<number>;
  /** Records that a file was sent to a conversation (key as in NewMessage.conv); doing it again changes nothing. */
  shareFile(fileId: string, conv: string): Promise<void>;
  /** The conversation keys a file was sent to, in no particular order; [] if none or unknown. */
  fileConversations(fileId: string): Promise<string[]>;
  // read markers: one per user and conversation, only ever moving forward
  /**
   * Moves the user's read marker of a conversation to `seq` if that is further than it is (a user
   * without one has 0). Resolves with the marker as it stands afterwards (the larger of the old one
   * and `seq`) and whether it moved. Writes resolve in the order they were called.
   */
  advanceReadMarker(userId: number, conv: string, seq: number): Promise<{ seq: number; moved: boolean }>;
  /** Every read marker of a user, in no particular order. */
  readMarkers(userId: number): Promise<ReadMarker[]>;
  /**
   * Messages of a conversation with seq > after, not sent by `exceptSenderId` and not deleted,
   * counted up to `cap` (the answer is at most `cap`).
   */
  countUnread(conv: string, after: number, exceptSenderId: number, cap: number): Promise<number>;
  // changes to stored messages: edits, deletes, reactions
  /** One message, with its reactions, or null. Deleted messages are returned (deleted = true). */
  findMessage(conv: string, seq: number): Promise<StoredMessage | null>;
  /**
   * Applies one change to a stored message and gives it the conversation's next update sequence
   * (`useq`: per conversation, strictly increasing from 1, no gaps, like seq). Resolves with the
   * message as it is after the change, or null if there is no such message, or it is deleted (a
   * deleted message changes no more). An edit replaces the body and sets editedTs; a delete empties
   * the body, sets deleted and drops its reactions; a reaction toggles (user, emoji): added if the
   * user had not reacted with that emoji, removed if they had; a reaction that would give the
   * message more than `maxEmojis` different emoji is not applied and resolves with `added: false,
   * refused: true`. Changes resolve in the order they were called.
   */
  changeMessage(conv: string, seq: number, change: MessageChange): Promise<ChangeResult | null>;
  /** Messages whose latest change has useq > after, ordered by useq, at most `limit`. */
  changedAfter(conv: string, after: number, limit: number): Promise<StoredMessage[]>;
  /** The last update sequence of each named conversation (0 for none or unknown). */
  lastUpdateSeqs(convs: string[]): Promise<Record<string, number>>;
  // rooms (conversation key "#" + name key; #lobby is not a room of this table)
  /** Stores a new room, its owner as its first member, and its (empty) conversation. */
  createRoom(room: NewRoom): Promise<RoomRecord>;
  findRoom(key: string): Promise<RoomRecord | null>;
  updateRoom(key: string, patch: RoomPatch): Promise<void>;
  /**
   * Public rooms and the private rooms the user is a member of (only the rooms they are a member
   * of with `joinedOnly`), in key order, with keys after `page.after`, at most `page.limit`.
   */
  listRooms(userId: number, page: RoomPage): Promise<RoomListing[]>;
  /** Adds a member; false (and nothing changes) if they already were one. */
  addMember(room: string, userId: number, joinedAt: number): Promise<boolean>;
  /** Removes a member; false if they were not one. */
  removeMember(room: string, userId: number): Promise<boolean>;
  /** A member of a room, or null if not a member. */
  findMember(room: string, userId: number): Promise<RoomMember | null>;
  /** Every member, in the order they joined. */
  roomMembers(room: string): Promise<RoomMember[]>;
  memberCount(room: string): Promise<number>;
  setMemberMute(room: string, userId: number, until: MutedUntil): Promise<void>;
  /** The rooms a user is a member of, with their conversation's newest seq and ts. */
  roomsOf(userId: number): Promise<RoomSummary[]>;
  /** How many rooms the user owns, and how many they are a member of (for the per-user caps). */
  roomCounts(userId: number): Promise<RoomCounts>;
  // moderation
  addAudit(entry: AuditEntry): Promise<void>;
  listAudit(limit: number): Promise<AuditRecord[]>;
  // server secrets (the key that signs file links), shared by every node of one database
  /**
   * The secret stored under `name`; if there is none yet, `fresh` is stored and returned. Nodes
   * starting together all get the one value that was stored first.
   */
  secret(name: string, fresh: string): Promise<string>;
  close(): Promise<void>;
}

export interface NewUser {
  name: string;
  key: string;
  passHash: string;
  role: Role;
  createdAt: number;
}

export interface UserRecord extends NewUser {
  id: number;
  mutedUntil: MutedUntil;
  banReason: string | null;
}

export type UserPatch = Partial<Pick<UserRecord, 'passHash' | 'role' | 'mutedUntil' | 'banReason'>>;

export interface SessionRecord {
  tokenHash: string;
  userId: number;
  createdAt: number;
  expiresAt: number;
  revoked: boolean;
}

export type MessageKind = 'text' | 'sticker' | 'file';

export interface NewMessage {
  /** Conversation key: "#lobby", a room's key ("#" + name key), or "dm:<key>:<key>" with the two user keys sorted. */
  conv: string;
  senderId: number;
  senderName: string;
  kind: MessageKind;
  /** The text, the sticker name, or the file reference as JSON. */
  body: string;
  cid: string | null;
}

export interface StoredMessage extends NewMessage {
  seq: number;
  ts: number;
  // Present only once the message was changed (edited, deleted, reacted to):
  /** When the body was last edited. */
  editedTs?: number;
  /** The message was deleted: body is "". */
  deleted?: boolean;
  /** The conversation's update sequence of the latest change. */
  useq?: number;
  /** Emoji -> display names of the users who reacted, oldest reaction first; absent if none. */
  reactions?: Record<string, string[]>;
}

export type MessageChange =
  | { kind: 'edit'; body: string; ts: number }
  | { kind: 'delete'; ts: number }
  | { kind: 'react'; userId: number; userName: string; emoji: string; ts: number; maxEmojis: number };

export interface ChangeResult {
  message: StoredMessage;
  /** For a reaction: true if it was added, false if it was removed (or refused). */
  added: boolean;
  /** A reaction refused for going over maxEmojis: nothing changed. */
  refused?: boolean;
}

export interface ReadMarker {
  conv: string;
  seq: number;
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

export interface AppendResult {
  message: StoredMessage;
  duplicate: boolean;
}

/** Newest `limit` messages before `before`, or oldest `limit` after `after`; always oldest first. */
export interface HistoryQuery {
  before?: number;
  after?: number;
  limit: number;
}

export interface ConversationSummary {
  conv: string;
  lastSeq: number;
  lastTs: number | null;
  /** For a private conversation: the other party's display name. */
  peer: string | null;
}

/** An uploaded file: the bytes are stored under `sha256`; `name` is already sanitised. */
export interface FileRecord {
  /** Random, URL-safe. */
  id: string;
  /** Lower-case hex SHA-256 of the content. */
  sha256: string;
  size: number;
  mime: string;
  name: string;
  uploaderId: number;
  createdAt: number;
}

export interface AuditEntry {
  ts: number;
  actor: string;
  action: string;
  target: string | null;
  detail: string | null;
}

export interface AuditRecord extends AuditEntry {
  id: number;
}

export class DuplicateRoomError extends Error {
  constructor(readonly key: string) {
    super(`room ${key} exists`);
    this.name = 'DuplicateRoomError';
  }
}

export class DuplicateUserError extends Error {
  constructor(readonly key: string) {
    super(`user ${key} exists`);
    this.name = 'DuplicateUserError';
  }
}

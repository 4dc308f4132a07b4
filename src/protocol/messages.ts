import { z } from 'zod';
import type { ErrorBody } from './errors.js';
import { MAX_CID_CHARS } from './limits.js';
import type { StickerName } from './stickers.js';

// Request schemas check shape and types only. Rules with their own error codes (name syntax,
// password strength, text length, stickers) are the server's to judge, so those stay plain strings.

const str = z.string();
const user = z.string().min(1).max(256);
const cid = z.string().min(1).max(MAX_CID_CHARS);
const reason = z.string().max(1000).optional();
// Sequence numbers stay below 2^31: PostgreSQL keeps them as INTEGER.
const MAX_SEQ = 2 ** 31 - 1;
const seq = z.number().int().min(0).max(MAX_SEQ);
const conv = z.string().min(1).max(300);
const room = z.string().min(1).max(100);
const minutes = z.number().positive().max(10 * 365 * 24 * 60);
const messageRef = { conv, seq: z.number().int().min(1).max(MAX_SEQ) };

export const REQUEST_SCHEMAS = {
  hello: z.strictObject({ client: z.string().max(200).optional() }),
  ping: z.strictObject({}),
  pong: z.strictObject({}),
  register: z.strictObject({ user, password: str }),
  // presence: false: a quiet session for one command (no presence, no events; §8.18).
  login: z.union([
    z.strictObject({ user, password: str, presence: z.boolean().optional() }),
    z.strictObject({ token: z.string().min(1).max(200), presence: z.boolean().optional() }),
  ]),
  send: z
    .strictObject({
      to: z.string().min(1).max(300),
      text: str.optional(),
      sticker: z.string().max(100).optional(),
      file: z.strictObject({ id: z.string().min(1).max(200) }).optional(),
      cid: cid.optional(),
    })
    .refine((m) => [m.text, m.sticker, m.file].filter((v) => v !== undefined).length === 1, {
      message: 'exactly one of text, sticker or file is required',
    }),
  history: z
    .strictObject({
      conv,
      before: seq.optional(),
      after: seq.optional(),
      limit: z.number().int().min(1).optional(),
      updated_after: seq.optional(),
    })
    .refine((q) => q.updated_after === undefined || (q.before === undefined && q.after === undefined), {
      message: 'updated_after cannot be combined with before or after',
    }),
  who: z.strictObject({}),
  // People by name, online or not: a page in key order; `after` is the `next` of the previous page.
  users: z.strictObject({ prefix: z.string().max(100).optional(), after: user.optional(), limit: z.number().int().min(1).optional() }),
  convs: z.strictObject({}),
  typing: z.strictObject({ to: z.string().min(1).max(300) }),
  logout: z.strictObject({}),
  mute: z.strictObject({ user, minutes: minutes.optional(), reason }),
  unmute: z.strictObject({ user }),
  kick: z.strictObject({ user, reason }),
  ban: z.strictObject({ user, reason }),
  unban: z.strictObject({ user }),
  notice: z.strictObject({ text: z.string().min(1) }),
  audit: z.strictObject({ limit: z.number().int().min(1).optional() }),
  // read markers, edits, deletes, reactions
  read: z.strictObject({ conv, seq }),
  edit: z.strictObject({ ...messageRef, text: str }),
  delete: z.strictObject(messageRef),
  react: z.strictObject({ ...messageRef, emoji: z.string().min(1).max(64) }),
  // rooms
  // A page in key order: `after` is the `next` of the previous page (a room key).
  rooms: z.strictObject({ after: room.optional(), limit: z.number().int().min(1).optional(), joined: z.boolean().optional() }),
  create: z.strictObject({ room, topic: z.string().max(2000).optional(), private: z.boolean().optional() }),
  join: z.strictObject({ room }),
  leave: z.strictObject({ room }),
  invite: z.strictObject({ room, user }),
  remove: z.strictObject({ room, user }),
  topic: z.strictObject({ room, topic: z.string().max(2000) }),
  members: z.strictObject({ room }),
  owner: z.strictObject({ room, user }),
  room_mute: z.strictObject({ room, user, minutes: minutes.optional() }),
  room_unmute: z.strictObject({ room, user }),
  sessions: z.strictObject({}),
  revoke_sessions: z.strictObject({ user }),
  stats: z.strictObject({}),
  // files
  // `file`, not `id`: a request's `id` is its envelope's (§2.1).
  file_url: z.strictObject({ file: z.string().min(1).max(200) }),
} as const;

export type Op = keyof typeof REQUEST_SCHEMAS;
export const OPS = Object.keys(REQUEST_SCHEMAS) as Op[];
export type RequestBody<O extends Op> = z.infer<(typeof REQUEST_SCHEMAS)[O]>;
export type RequestId = number | string;

export function isOp(value: unknown): value is Op {
  return typeof value === 'string' && Object.prototype.hasOwnProperty.call(REQUEST_SCHEMAS, value);
}

// ---- What the server sends ----

export type MutedUntil = number | 'forever' | null;
export type Role = 'user' | 'admin';

export interface FileRef {
  id: string;
  name: string;
  size: number;
  mime: string;
}

/** A stored chat message, as `msg` events and `history` carry it. */
/**
 * What an `update` changed, for clients that show changes as they happen (an IRC client shows a
 * reaction as a reaction, an edit as a correction): `by` is the user who made it.
 */
export type MessageChangeInfo = { kind: 'edit'; by: string } | { kind: 'delete'; by: string } | { kind: 'react'; by: string; emoji: string; added: boolean };

export interface ChatMessage {
  /** "#lobby", or "@name" of the other party as the receiving user sees it. */
  conv: string;
  seq: number;
  /** ms since the epoch, when the server stored it. */
  ts: number;
  from: string;
  text?: string;
  sticker?: StickerName;
  file?: FileRef;
  cid?: string;
  /** When the text was last edited (ms); absent if never. */
  edited_ts?: number;
  /** Present (true) once deleted: the text, sticker or file is gone. */
  deleted?: true;
  /** Emoji -> display names of the users who reacted with it, in the order they did. */
  reactions?: Record<string, string[]>;
  /** The conversation's update sequence at this message's latest change; absent if never changed. */
  useq?: number;
}

/** A room as `rooms`, `create` and `join` describe it. */
export interface RoomInfo {
  /** "#" + display name. */
  room: string;
  topic: string;
  private: boolean;
  /** Display name of the owner. */
  owner: string;
  members: number;
  /** Whether the requester is a member. */
  joined: boolean;
}

export interface RoomMemberInfo {
  user: string;
  owner: boolean;
  online: boolean;
  /** A mute within this room: ms, "forever", or null. */
  muted_until: MutedUntil;
}

export interface ReplyResults {
  /** `http_port`: where this server's HTTP API (files) and WebSocket endpoint listen. */
  hello: { server: string; proto: number; http_port?: number };
  ping: Record<string, never>;
  pong: Record<string, never>;
  register: { user: string };
  login: { user: string; role: Role; token: string; muted_until: MutedUntil };
  send: { conv: string; seq: number; ts: number };
  /** `more`: the page stopped at HISTORY_PAGE_BYTES before `limit`; there are further messages in its direction. */
  history: { messages: ChatMessage[]; more?: true };
  who: { users: OnlineUser[] };
  /** `next`: there are more; ask again with `after` = `next`. */
  users: { users: UserListing[]; next?: string };
  convs: { convs: ConversationInfo[] };
  typing: Record<string, never>;
  logout: Record<string, never>;
  mute: { user: string; until: MutedUntil };
  unmute: { user: string };
  kick: { user: string };
  ban: { user: string };
  unban: { user: string };
  notice: Record<string, never>;
  audit: { entries: AuditEntry[] };
  read: { conv: string; seq: number };
  edit: { conv: string; seq: number; useq: number };
  delete: { conv: string; seq: number; useq: number };
  react: { conv: string; seq: number; useq: number; added: boolean };
  /** `next`: there are more rooms; ask again with `after` = `next`. */
  rooms: { rooms: RoomInfo[]; next?: string };
  create: RoomInfo;
  join: RoomInfo;
  leave: { room: string };
  invite: { room: string; user: string };
  remove: { room: string; user: string };
  topic: { room: string; topic: string };
  members: { room: string; members: RoomMemberInfo[] };
  owner: { room: string; owner: string };
  room_mute: { room: string; user: string; until: Exclude<MutedUntil, null> };
  room_unmute: { room: string; user: string };
  sessions: { sessions: SessionInfo[] };
  /** `revoked`: how many login tokens were still valid and are no longer. */
  revoke_sessions: { user: string; revoked: number };
  /** Signed links (paths, resolved against the HTTP base) to a file and its thumbnail; `expires` in ms. */
  file_url: { file: string; url: string; thumb_url: string; expires: number };
  stats: ServerStats;
}

/** One logged-in connection, as the admin's `sessions` lists it. */
export interface SessionInfo {
  user: string;
  role: Role;
  /** How the connection reaches the server: "tcp" (the line protocol), "ws" (WebSocket) or "irc" (the IRC gateway). */
  transport: string;
  /** The remote IP address the server sees. */
  address: string;
  /** ms since the epoch, when the connection opened. */
  since: number;
}

/** The admin's `stats`: live figures of this server process. */
export interface ServerStats {
  ts: number;
  /** Open connections, logged in or not, TCP, WebSocket and IRC together. */
  connections: number;
  /** Logged-in connections. */
  sessions: number;
  /** Users online. */
  users: number;
  /** Messages stored in each of the last 60 whole seconds, oldest first. */
  messages: number[];
}

/** One administrator action, as the audit log keeps it. */
export interface AuditEntry {
  id: number;
  ts: number;
  actor: string;
  action: string;
  target: string | null;
  detail: string | null;
}

export interface ConversationInfo {
  /** "#lobby" or "@name". */
  conv: string;
  last_seq: number;
  last_ts: number | null;
  /** The user's read marker: every message up to this seq is read (0: none). */
  read_seq: number;
  /** Messages after read_seq from others, not deleted; at most MAX_UNREAD_COUNT. */
  unread: number;
  /** The conversation's update sequence: the last edit, delete or reaction (0: none yet). */
  last_useq: number;
}

/** A registered user as `users` lists them. */
export interface UserListing {
  user: string;
  role: Role;
  /** Online on any node now. */
  online: boolean;
}

export interface OnlineUser {
  user: string;
  role: Role;
  /** ms since the epoch, when the user's oldest current session began. */
  since: number;
}

export interface EventBodies {
  msg: ChatMessage;
  presence: { user: string; online: boolean; role?: Role; since?: number };
  notice: { text: string; from?: string; ts: number };
  muted: { until: Exclude<MutedUntil, null>; reason?: string };
  unmuted: Record<string, never>;
  kicked: { reason: string };
  banned: { reason: string };
  typing: { conv: string; user: string };
  ping: Record<string, never>;
  shutdown: { reason: string };
  error: { error: ErrorBody };
  /** The user's read marker moved (to every session of the user). */
  read: { conv: string; seq: number };
  /** A message was edited, deleted or reacted to: its whole new state, and what changed. */
  update: ChatMessage & { useq: number; change: MessageChangeInfo };
  /** `info`: the room as its members now see it (the joiner's clients add it from this, no lookup). */
  joined: { room: string; user: string; by?: string; info: RoomInfo };
  left: { room: string; user: string; by?: string };
  /** Joins and leaves of a big room, batched (see --room-quiet-size). */
  /** `joined`/`left`: at most 50 names together (the latest changes); `more`: changes not listed. */
  members: { room: string; joined: string[]; left: string[]; more: number; count: number };
  topic: { room: string; topic: string; by: string };
  owner: { room: string; owner: string; by: string };
  room_muted: { room: string; user: string; until: Exclude<MutedUntil, null> | null };
}

export type EventName = keyof EventBodies;
export type ServerEvent = { [E in EventName]: { ev: E } & EventBodies[E] }[EventName];

export type Reply =
  | ({ re: RequestId; ok: true } & Record<string, unknown>)
  | { re: RequestId; ok: false; error: ErrorBody };

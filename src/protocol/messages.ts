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
const seq = z.number().int().min(0).max(Number.MAX_SAFE_INTEGER);

export const REQUEST_SCHEMAS = {
  hello: z.strictObject({ client: z.string().max(200).optional() }),
  ping: z.strictObject({}),
  pong: z.strictObject({}),
  register: z.strictObject({ user, password: str }),
  login: z.union([z.strictObject({ user, password: str }), z.strictObject({ token: z.string().min(1).max(200) })]),
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
  history: z.strictObject({
    conv: z.string().min(1).max(300),
    before: seq.optional(),
    after: seq.optional(),
    limit: z.number().int().min(1).optional(),
  }),
  who: z.strictObject({}),
  convs: z.strictObject({}),
  typing: z.strictObject({ to: z.string().min(1).max(300) }),
  logout: z.strictObject({}),
  mute: z.strictObject({ user, minutes: z.number().positive().max(10 * 365 * 24 * 60).optional(), reason }),
  unmute: z.strictObject({ user }),
  kick: z.strictObject({ user, reason }),
  ban: z.strictObject({ user, reason }),
  unban: z.strictObject({ user }),
  notice: z.strictObject({ text: z.string().min(1) }),
  audit: z.strictObject({ limit: z.number().int().min(1).optional() }),
  sessions: z.strictObject({}),
  stats: z.strictObject({}),
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
}

export interface ReplyResults {
  /** `http_port`: where this server's HTTP API (files) and WebSocket endpoint listen. */
  hello: { server: string; proto: number; http_port?: number };
  ping: Record<string, never>;
  pong: Record<string, never>;
  register: { user: string };
  login: { user: string; role: Role; token: string; muted_until: MutedUntil };
  send: { conv: string; seq: number; ts: number };
  history: { messages: ChatMessage[] };
  who: { users: OnlineUser[] };
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
  sessions: { sessions: SessionInfo[] };
  stats: ServerStats;
}

/** One logged-in connection, as the admin's `sessions` lists it. */
export interface SessionInfo {
  user: string;
  role: Role;
  /** "tcp" or "ws". */
  transport: string;
  /** The remote IP address the server sees. */
  address: string;
  /** ms since the epoch, when the connection opened. */
  since: number;
}

/** The admin's `stats`: live figures of this server process. */
export interface ServerStats {
  ts: number;
  /** Open connections, logged in or not, TCP and WebSocket together. */
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
}

export type EventName = keyof EventBodies;
export type ServerEvent = { [E in EventName]: { ev: E } & EventBodies[E] }[EventName];

export type Reply =
  | ({ re: RequestId; ok: true } & Record<string, unknown>)
  | { re: RequestId; ok: false; error: ErrorBody };

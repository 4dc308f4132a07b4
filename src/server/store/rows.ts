import type { MutedUntil, Role } from '../../protocol/index.js';
import type { NewMessage, RoomMember, RoomRecord, StoredMessage, UserRecord } from './port.js';

/**
 * Rows as both adapters read them, and their conversion to the port's records. The schemas match
 * column for column; flags are 0/1 in SQLite and booleans in PostgreSQL (whose BIGINTs are read as
 * numbers: postgres-store.ts TYPES).
 */

export interface UserRow {
  id: number;
  name: string;
  key: string;
  pass_hash: string;
  role: Role;
  created_at: number;
  muted_until: number | null;
  ban_reason: string | null;
  skeleton: string | null;
}

export interface MessageRow {
  conv: string;
  seq: number;
  ts: number;
  sender_id: number;
  sender_name: string;
  kind: NewMessage['kind'];
  body: string;
  cid: string | null;
  edited_ts?: number | null;
  deleted?: boolean | number;
  useq?: number | null;
}

export interface RoomRow {
  key: string;
  name: string;
  topic: string;
  private: boolean | number;
  owner_id: number;
  owner_name: string;
  created_at: number;
}

export interface MemberRow {
  user_id: number;
  name: string;
  key: string;
  joined_at: number;
  muted_until: number | null;
}

export const FOREVER = -1;

export function toUser(row: UserRow | undefined): UserRecord | null {
  if (!row) return null;
  return {
    id: row.id,
    name: row.name,
    key: row.key,
    passHash: row.pass_hash,
    role: row.role,
    createdAt: row.created_at,
    mutedUntil: toMuted(row.muted_until),
    banReason: row.ban_reason,
    ...(row.skeleton !== null && { skeleton: row.skeleton }),
  };
}

export function toMuted(m: number | null): MutedUntil {
  return m === null ? null : m === FOREVER ? 'forever' : m;
}

export function fromMuted(m: MutedUntil): number | null {
  return m === null ? null : m === 'forever' ? FOREVER : m;
}

export function toMessage(r: MessageRow): StoredMessage {
  const m: StoredMessage = { conv: r.conv, seq: r.seq, ts: r.ts, senderId: r.sender_id, senderName: r.sender_name, kind: r.kind, body: r.body, cid: r.cid };
  if (r.edited_ts != null) m.editedTs = r.edited_ts;
  if (r.deleted) m.deleted = true;
  if (r.useq != null) m.useq = r.useq;
  return m;
}

export function toRoom(r: RoomRow): RoomRecord {
  return { key: r.key, name: r.name, topic: r.topic, private: Boolean(r.private), ownerId: r.owner_id, ownerName: r.owner_name, createdAt: r.created_at };
}

export function toMember(r: MemberRow): RoomMember {
  return { userId: r.user_id, name: r.name, key: r.key, joinedAt: r.joined_at, mutedUntil: toMuted(r.muted_until) };
}

/** One reaction as both adapters read it: ordered by seq, then oldest first. */
export interface ReactionRow {
  seq: number;
  emoji: string;
  user_name: string;
}

/** Puts reactions on the messages they belong to (messages keep the order they are given in). */
export function attachReactions(messages: StoredMessage[], rows: ReactionRow[]): StoredMessage[] {
  const bySeq = new Map<number, Record<string, string[]>>();
  for (const r of rows) {
    let map = bySeq.get(r.seq);
    if (!map) bySeq.set(r.seq, (map = {}));
    (map[r.emoji] ??= []).push(r.user_name);
  }
  for (const m of messages) {
    const reactions = bySeq.get(m.seq);
    if (reactions) m.reactions = reactions;
  }
  return messages;
}

/**
 * The keys that start with `prefix`, as a half-open range [from, to) in UTF-8 byte order: U+10FFFF
 * is the largest character, and no name may hold it, so every key with the prefix sorts below
 * prefix + U+10FFFF.
 */
export function keyRange(prefix: string): [string, string] {
  return [prefix, `${prefix}\u{10FFFF}`];
}

import type { MutedUntil, Role } from '../../../protocol/index.js';
import type { NewMessage, RoomMember, RoomRecord, StoredMessage, UserRecord } from '../port.js';

/** Rows as PostgreSQL returns them (BIGINT as numbers, see TYPES), and their conversion to the port's records. */

export interface UserRow {
  id: number;
  name: string;
  key: string;
  pass_hash: string;
  role: Role;
  created_at: number;
  muted_until: number | null;
  ban_reason: string | null;
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
  deleted?: boolean;
  useq?: number | null;
}

export interface RoomRow {
  key: string;
  name: string;
  topic: string;
  private: boolean;
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
  return { key: r.key, name: r.name, topic: r.topic, private: r.private, ownerId: r.owner_id, ownerName: r.owner_name, createdAt: r.created_at };
}

export function toMember(r: MemberRow): RoomMember {
  return { userId: r.user_id, name: r.name, key: r.key, joinedAt: r.joined_at, mutedUntil: toMuted(r.muted_until) };
}

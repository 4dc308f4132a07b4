import type { MutedUntil } from '../../../protocol/index.js';
import { DuplicateRoomError } from '../errors.js';
import type { NewRoom, RoomCounts, RoomListing, RoomMember, RoomPage, RoomPatch, RoomRecord, RoomStore, RoomSummary } from '../ports/rooms.js';
import { fromMuted, toMember, toRoom, type MemberRow, type RoomRow } from '../rows.js';
import type { PgContext } from './db.js';

const MEMBER = 'SELECT m.user_id, u.name, u.key, m.joined_at, m.muted_until FROM room_members m JOIN users u ON u.id = m.user_id';

export class PgRooms implements RoomStore {
  constructor(private readonly ctx: PgContext) {}

  private get pool() {
    return this.ctx.pool;
  }

  async create(room: NewRoom): Promise<RoomRecord> {
    try {
      await this.ctx.transaction(async (db) => {
        await db.query('INSERT INTO rooms (key, name, topic, private, owner_id, created_at) VALUES ($1, $2, $3, $4, $5, $6)', [
          room.key,
          room.name,
          room.topic,
          room.private,
          room.ownerId,
          room.createdAt,
        ]);
        await db.query('INSERT INTO room_members (room, user_id, joined_at) VALUES ($1, $2, $3)', [room.key, room.ownerId, room.createdAt]);
        await db.query('INSERT INTO conversations (key) VALUES ($1) ON CONFLICT (key) DO NOTHING', [room.key]);
      });
    } catch (err) {
      const { code, constraint } = err as { code?: string; constraint?: string };
      if (code === '23505' && constraint === 'rooms_pkey') throw new DuplicateRoomError(room.key);
      throw err;
    }
    return (await this.find(room.key))!;
  }

  async find(key: string): Promise<RoomRecord | null> {
    const { rows } = await this.pool.query<RoomRow>('SELECT r.*, u.name AS owner_name FROM rooms r JOIN users u ON u.id = r.owner_id WHERE r.key = $1', [key]);
    return rows[0] ? toRoom(rows[0]) : null;
  }

  async update(key: string, patch: RoomPatch): Promise<void> {
    const columns: [string, unknown][] = [];
    if (patch.topic !== undefined) columns.push(['topic', patch.topic]);
    if (patch.ownerId !== undefined) columns.push(['owner_id', patch.ownerId]);
    if (columns.length === 0) return;
    const sets = columns.map(([c], i) => `${c} = $${i + 1}`);
    await this.pool.query(`UPDATE rooms SET ${sets.join(', ')} WHERE key = $${columns.length + 1}`, [...columns.map(([, v]) => v), key]);
  }

  async list(userId: number, page: RoomPage): Promise<RoomListing[]> {
    // Keys compare and sort in the database's collation, both here and for the cursor.
    const sql = page.joinedOnly
      ? `SELECT r.*, u.name AS owner_name,
           (SELECT count(*) FROM room_members c WHERE c.room = r.key) AS member_count, TRUE AS joined
         FROM room_members m JOIN rooms r ON r.key = m.room JOIN users u ON u.id = r.owner_id
         WHERE m.user_id = $1 AND m.room > $2
         ORDER BY m.room LIMIT $3`
      : `SELECT r.*, u.name AS owner_name,
           (SELECT count(*) FROM room_members m WHERE m.room = r.key) AS member_count,
           EXISTS (SELECT 1 FROM room_members m WHERE m.room = r.key AND m.user_id = $1) AS joined
         FROM rooms r JOIN users u ON u.id = r.owner_id
         WHERE r.key > $2 AND (NOT r.private OR EXISTS (SELECT 1 FROM room_members m WHERE m.room = r.key AND m.user_id = $1))
         ORDER BY r.key LIMIT $3`;
    const { rows } = await this.pool.query<RoomRow & { member_count: number; joined: boolean }>(sql, [userId, page.after ?? '', page.limit]);
    return rows.map((r) => ({ ...toRoom(r), memberCount: r.member_count, joined: r.joined }));
  }

  async addMember(room: string, userId: number, joinedAt: number): Promise<boolean> {
    const result = await this.pool.query('INSERT INTO room_members (room, user_id, joined_at) VALUES ($1, $2, $3) ON CONFLICT DO NOTHING', [room, userId, joinedAt]);
    return (result.rowCount ?? 0) > 0;
  }

  async removeMember(room: string, userId: number): Promise<boolean> {
    return ((await this.pool.query('DELETE FROM room_members WHERE room = $1 AND user_id = $2', [room, userId])).rowCount ?? 0) > 0;
  }

  async findMember(room: string, userId: number): Promise<RoomMember | null> {
    const { rows } = await this.pool.query<MemberRow>(`${MEMBER} WHERE m.room = $1 AND m.user_id = $2`, [room, userId]);
    return rows[0] ? toMember(rows[0]) : null;
  }

  async members(room: string): Promise<RoomMember[]> {
    const { rows } = await this.pool.query<MemberRow>(`${MEMBER} WHERE m.room = $1 ORDER BY m.joined_at, m.user_id`, [room]);
    return rows.map(toMember);
  }

  async memberCount(room: string): Promise<number> {
    return (await this.pool.query<{ n: number }>('SELECT count(*) AS n FROM room_members WHERE room = $1', [room])).rows[0]!.n;
  }

  async setMemberMute(room: string, userId: number, until: MutedUntil): Promise<void> {
    await this.pool.query('UPDATE room_members SET muted_until = $1 WHERE room = $2 AND user_id = $3', [fromMuted(until), room, userId]);
  }

  async roomsOf(userId: number): Promise<RoomSummary[]> {
    const { rows } = await this.pool.query<RoomRow & { last_seq: number | null; last_ts: number | null }>(
      `SELECT r.*, u.name AS owner_name, c.last_seq, c.last_ts FROM room_members m
       JOIN rooms r ON r.key = m.room JOIN users u ON u.id = r.owner_id
       LEFT JOIN conversations c ON c.key = r.key
       WHERE m.user_id = $1 ORDER BY r.key`,
      [userId],
    );
    return rows.map((r) => ({ room: toRoom(r), lastSeq: r.last_seq ?? 0, lastTs: r.last_ts }));
  }

  async countsOf(userId: number): Promise<RoomCounts> {
    const { rows } = await this.pool.query<RoomCounts>(
      'SELECT (SELECT count(*) FROM rooms WHERE owner_id = $1) AS owned, (SELECT count(*) FROM room_members WHERE user_id = $1) AS joined',
      [userId],
    );
    return rows[0]!;
  }
}

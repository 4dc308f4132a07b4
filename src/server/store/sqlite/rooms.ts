import type Database from 'better-sqlite3';
import type { MutedUntil } from '../../../protocol/index.js';
import { DuplicateRoomError } from '../errors.js';
import type { NewRoom, RoomCounts, RoomListing, RoomMember, RoomPage, RoomPatch, RoomRecord, RoomStore, RoomSummary } from '../ports/rooms.js';
import { fromMuted, toMember, toRoom, type MemberRow, type RoomRow } from '../rows.js';
import type { SqliteWriter } from './writer.js';

const MEMBER = 'SELECT m.user_id, u.name, u.key, m.joined_at, m.muted_until FROM room_members m JOIN users u ON u.id = m.user_id';

export class SqliteRooms implements RoomStore {
  private readonly stmt;

  constructor(
    private readonly db: Database.Database,
    private readonly writer: SqliteWriter,
  ) {
    this.stmt = {
      insert: db.prepare(
        'INSERT INTO rooms (key, name, topic, private, owner_id, created_at) VALUES (@key, @name, @topic, @private, @ownerId, @createdAt)',
      ),
      ensureConv: db.prepare('INSERT INTO conversations (key) VALUES (?) ON CONFLICT (key) DO NOTHING'),
      byKey: db.prepare('SELECT r.*, u.name AS owner_name FROM rooms r JOIN users u ON u.id = r.owner_id WHERE r.key = ?'),
      setTopic: db.prepare('UPDATE rooms SET topic = ? WHERE key = ?'),
      setOwner: db.prepare('UPDATE rooms SET owner_id = ? WHERE key = ?'),
      list: db.prepare(`
        SELECT r.*, u.name AS owner_name,
          (SELECT count(*) FROM room_members m WHERE m.room = r.key) AS member_count,
          EXISTS (SELECT 1 FROM room_members m WHERE m.room = r.key AND m.user_id = @userId) AS joined
        FROM rooms r JOIN users u ON u.id = r.owner_id
        WHERE r.key > @after AND (r.private = 0 OR EXISTS (SELECT 1 FROM room_members m WHERE m.room = r.key AND m.user_id = @userId))
        ORDER BY r.key LIMIT @limit`),
      // From the user's memberships (room_members_by_user), however many public rooms there are.
      listJoined: db.prepare(`
        SELECT r.*, u.name AS owner_name,
          (SELECT count(*) FROM room_members c WHERE c.room = r.key) AS member_count, 1 AS joined
        FROM room_members m JOIN rooms r ON r.key = m.room JOIN users u ON u.id = r.owner_id
        WHERE m.user_id = @userId AND m.room > @after
        ORDER BY m.room LIMIT @limit`),
      addMember: db.prepare('INSERT INTO room_members (room, user_id, joined_at) VALUES (?, ?, ?) ON CONFLICT DO NOTHING'),
      removeMember: db.prepare('DELETE FROM room_members WHERE room = ? AND user_id = ?'),
      member: db.prepare(`${MEMBER} WHERE m.room = ? AND m.user_id = ?`),
      members: db.prepare(`${MEMBER} WHERE m.room = ? ORDER BY m.joined_at, m.user_id`),
      memberCount: db.prepare('SELECT count(*) FROM room_members WHERE room = ?').pluck(),
      setMemberMute: db.prepare('UPDATE room_members SET muted_until = ? WHERE room = ? AND user_id = ?'),
      roomsOf: db.prepare(`
        SELECT r.*, u.name AS owner_name, c.last_seq, c.last_ts FROM room_members m
        JOIN rooms r ON r.key = m.room JOIN users u ON u.id = r.owner_id
        LEFT JOIN conversations c ON c.key = r.key
        WHERE m.user_id = ? ORDER BY r.key`),
      counts: db.prepare(`
        SELECT (SELECT count(*) FROM rooms WHERE owner_id = @userId) AS owned,
          (SELECT count(*) FROM room_members WHERE user_id = @userId) AS joined`),
    };
  }

  async create(room: NewRoom): Promise<RoomRecord> {
    try {
      this.db.transaction(() => {
        this.stmt.insert.run({ ...room, private: room.private ? 1 : 0 });
        this.stmt.addMember.run(room.key, room.ownerId, room.createdAt);
        this.stmt.ensureConv.run(room.key);
      })();
    } catch (err) {
      if ((err as { code?: string }).code === 'SQLITE_CONSTRAINT_PRIMARYKEY') throw new DuplicateRoomError(room.key);
      throw err;
    }
    return (await this.find(room.key))!;
  }

  async find(key: string): Promise<RoomRecord | null> {
    const row = this.stmt.byKey.get(key) as RoomRow | undefined;
    return row ? toRoom(row) : null;
  }

  async update(key: string, patch: RoomPatch): Promise<void> {
    await this.writer.queued(() => {
      if (patch.topic !== undefined) this.stmt.setTopic.run(patch.topic, key);
      if (patch.ownerId !== undefined) this.stmt.setOwner.run(patch.ownerId, key);
    });
  }

  async list(userId: number, page: RoomPage): Promise<RoomListing[]> {
    const params = { userId, after: page.after ?? '', limit: page.limit };
    const rows = (page.joinedOnly ? this.stmt.listJoined : this.stmt.list).all(params) as (RoomRow & { member_count: number; joined: number })[];
    return rows.map((r) => ({ ...toRoom(r), memberCount: r.member_count, joined: r.joined !== 0 }));
  }

  addMember(room: string, userId: number, joinedAt: number): Promise<boolean> {
    return this.writer.queued(() => this.stmt.addMember.run(room, userId, joinedAt).changes > 0);
  }

  removeMember(room: string, userId: number): Promise<boolean> {
    return this.writer.queued(() => this.stmt.removeMember.run(room, userId).changes > 0);
  }

  async findMember(room: string, userId: number): Promise<RoomMember | null> {
    const row = this.stmt.member.get(room, userId) as MemberRow | undefined;
    return row ? toMember(row) : null;
  }

  async members(room: string): Promise<RoomMember[]> {
    return (this.stmt.members.all(room) as MemberRow[]).map(toMember);
  }

  async memberCount(room: string): Promise<number> {
    return this.stmt.memberCount.get(room) as number;
  }

  async setMemberMute(room: string, userId: number, until: MutedUntil): Promise<void> {
    await this.writer.queued(() => this.stmt.setMemberMute.run(fromMuted(until), room, userId));
  }

  async roomsOf(userId: number): Promise<RoomSummary[]> {
    const rows = this.stmt.roomsOf.all(userId) as (RoomRow & { last_seq: number | null; last_ts: number | null })[];
    return rows.map((r) => ({ room: toRoom(r), lastSeq: r.last_seq ?? 0, lastTs: r.last_ts }));
  }

  async countsOf(userId: number): Promise<RoomCounts> {
    return this.stmt.counts.get({ userId }) as RoomCounts;
  }
}

import type Database from 'better-sqlite3';
import { DuplicateUserError, LookAlikeUserError } from '../errors.js';
import type { NewUser, UserPage, UserPatch, UserRecord, UserStore } from '../ports/users.js';
import { fromMuted, keyRange, toUser, type UserRow } from '../rows.js';

export class SqliteUsers implements UserStore {
  private readonly stmt;

  constructor(private readonly db: Database.Database) {
    this.stmt = {
      insert: db.prepare('INSERT INTO users (name, key, pass_hash, role, created_at, skeleton) VALUES (@name, @key, @passHash, @role, @createdAt, @skeleton)'),
      byKey: db.prepare('SELECT * FROM users WHERE key = ?'),
      bySkeleton: db.prepare('SELECT * FROM users WHERE skeleton = ?'),
      withoutSkeleton: db.prepare('SELECT id, name FROM users WHERE skeleton IS NULL AND id > ? ORDER BY id LIMIT ?'),
      setSkeleton: db.prepare('UPDATE users SET skeleton = ? WHERE id = ? AND skeleton IS NULL'),
      byId: db.prepare('SELECT * FROM users WHERE id = ?'),
      // BINARY collation compares UTF-8 bytes: a range over the unique index on key.
      page: db.prepare('SELECT * FROM users WHERE key >= ? AND key < ? AND key > ? AND ban_reason IS NULL ORDER BY key LIMIT ?'),
    };
  }

  async create(user: NewUser): Promise<UserRecord> {
    try {
      const info = this.stmt.insert.run({ ...user, skeleton: user.skeleton ?? null });
      return { ...user, id: Number(info.lastInsertRowid), mutedUntil: null, banReason: null };
    } catch (err) {
      if ((err as { code?: string }).code === 'SQLITE_CONSTRAINT_UNIQUE') {
        if (/users\.skeleton/.test((err as Error).message)) throw new LookAlikeUserError(user.skeleton!);
        throw new DuplicateUserError(user.key);
      }
      throw err;
    }
  }

  async findBySkeleton(skeleton: string): Promise<UserRecord | null> {
    return toUser(this.stmt.bySkeleton.get(skeleton) as UserRow | undefined);
  }

  async listWithoutSkeleton(afterId: number, limit: number): Promise<{ id: number; name: string }[]> {
    return this.stmt.withoutSkeleton.all(afterId, limit) as { id: number; name: string }[];
  }

  async setSkeleton(id: number, skeleton: string): Promise<boolean> {
    try {
      this.stmt.setSkeleton.run(skeleton, id);
      return true;
    } catch (err) {
      if ((err as { code?: string }).code === 'SQLITE_CONSTRAINT_UNIQUE') return false;
      throw err;
    }
  }

  async findByKey(key: string): Promise<UserRecord | null> {
    return toUser(this.stmt.byKey.get(key) as UserRow | undefined);
  }

  async findById(id: number): Promise<UserRecord | null> {
    return toUser(this.stmt.byId.get(id) as UserRow | undefined);
  }

  async list(page: UserPage): Promise<UserRecord[]> {
    const [from, to] = keyRange(page.prefix ?? '');
    const rows = this.stmt.page.all(from, to, page.after ?? '', page.limit) as UserRow[];
    return rows.map((r) => toUser(r)!);
  }

  async update(id: number, patch: UserPatch): Promise<void> {
    const columns: [string, unknown][] = [];
    if (patch.passHash !== undefined) columns.push(['pass_hash', patch.passHash]);
    if (patch.role !== undefined) columns.push(['role', patch.role]);
    if (patch.mutedUntil !== undefined) columns.push(['muted_until', fromMuted(patch.mutedUntil)]);
    if (patch.banReason !== undefined) columns.push(['ban_reason', patch.banReason]);
    if (columns.length === 0) return;
    const sets = columns.map(([c]) => `${c} = ?`);
    this.db.prepare(`UPDATE users SET ${sets.join(', ')} WHERE id = ?`).run(...columns.map(([, v]) => v), id);
  }
}

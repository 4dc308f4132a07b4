import type pg from 'pg';
import { DuplicateUserError, LookAlikeUserError } from '../errors.js';
import type { NewUser, UserPage, UserPatch, UserRecord, UserStore } from '../ports/users.js';
import { fromMuted, keyRange, toUser, type UserRow } from '../rows.js';

export class PgUsers implements UserStore {
  constructor(private readonly pool: pg.Pool) {}

  async create(user: NewUser): Promise<UserRecord> {
    try {
      const { rows } = await this.pool.query<{ id: number }>(
        'INSERT INTO users (name, key, pass_hash, role, created_at, skeleton) VALUES ($1, $2, $3, $4, $5, $6) RETURNING id',
        [user.name, user.key, user.passHash, user.role, user.createdAt, user.skeleton ?? null],
      );
      return { ...user, id: rows[0]!.id, mutedUntil: null, banReason: null };
    } catch (err) {
      if ((err as { code?: string }).code === '23505') {
        if ((err as { constraint?: string }).constraint === 'users_by_skeleton') throw new LookAlikeUserError(user.skeleton!);
        throw new DuplicateUserError(user.key);
      }
      throw err;
    }
  }

  async findBySkeleton(skeleton: string): Promise<UserRecord | null> {
    return toUser((await this.pool.query<UserRow>('SELECT * FROM users WHERE skeleton = $1', [skeleton])).rows[0]);
  }

  async listWithoutSkeleton(afterId: number, limit: number): Promise<{ id: number; name: string }[]> {
    return (await this.pool.query<{ id: number; name: string }>('SELECT id, name FROM users WHERE skeleton IS NULL AND id > $1 ORDER BY id LIMIT $2', [afterId, limit])).rows;
  }

  async setSkeleton(id: number, skeleton: string): Promise<boolean> {
    try {
      await this.pool.query('UPDATE users SET skeleton = $1 WHERE id = $2 AND skeleton IS NULL', [skeleton, id]);
      return true;
    } catch (err) {
      if ((err as { code?: string }).code === '23505') return false;
      throw err;
    }
  }

  async findByKey(key: string): Promise<UserRecord | null> {
    return toUser((await this.pool.query<UserRow>('SELECT * FROM users WHERE key = $1', [key])).rows[0]);
  }

  async findById(id: number): Promise<UserRecord | null> {
    return toUser((await this.pool.query<UserRow>('SELECT * FROM users WHERE id = $1', [id])).rows[0]);
  }

  async list(page: UserPage): Promise<UserRecord[]> {
    const [from, to] = keyRange(page.prefix ?? '');
    // COLLATE "C": byte order, as SQLite's, whatever the database's locale.
    const { rows } = await this.pool.query<UserRow>(
      'SELECT * FROM users WHERE key COLLATE "C" >= $1 AND key COLLATE "C" < $2 AND key COLLATE "C" > $3 AND ban_reason IS NULL ORDER BY key COLLATE "C" LIMIT $4',
      [from, to, page.after ?? '', page.limit],
    );
    return rows.map((r) => toUser(r)!);
  }

  async update(id: number, patch: UserPatch): Promise<void> {
    const columns: [string, unknown][] = [];
    if (patch.passHash !== undefined) columns.push(['pass_hash', patch.passHash]);
    if (patch.role !== undefined) columns.push(['role', patch.role]);
    if (patch.mutedUntil !== undefined) columns.push(['muted_until', fromMuted(patch.mutedUntil)]);
    if (patch.banReason !== undefined) columns.push(['ban_reason', patch.banReason]);
    if (columns.length === 0) return;
    const sets = columns.map(([c], i) => `${c} = $${i + 1}`);
    await this.pool.query(`UPDATE users SET ${sets.join(', ')} WHERE id = $${columns.length + 1}`, [...columns.map(([, v]) => v), id]);
  }
}

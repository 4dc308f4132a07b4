import type pg from 'pg';
import type { FileRecord, FileRecordStore } from '../ports/files.js';

export class PgFiles implements FileRecordStore {
  constructor(private readonly pool: pg.Pool) {}

  async create(f: FileRecord): Promise<void> {
    await this.pool.query('INSERT INTO files (id, sha256, size, mime, name, uploader_id, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7)', [
      f.id,
      f.sha256,
      f.size,
      f.mime,
      f.name,
      f.uploaderId,
      f.createdAt,
    ]);
  }

  async find(id: string): Promise<FileRecord | null> {
    const { rows } = await this.pool.query<FileRecord>(
      'SELECT id, sha256, size, mime, name, uploader_id AS "uploaderId", created_at AS "createdAt" FROM files WHERE id = $1',
      [id],
    );
    return rows[0] ?? null;
  }

  async uploadedBytes(userId: number): Promise<number> {
    const { rows } = await this.pool.query<{ total: number }>('SELECT COALESCE(SUM(size), 0) AS total FROM files WHERE uploader_id = $1', [userId]);
    return rows[0]!.total;
  }

  async share(fileId: string, conv: string): Promise<void> {
    await this.pool.query('INSERT INTO file_shares (file_id, conv) VALUES ($1, $2) ON CONFLICT DO NOTHING', [fileId, conv]);
  }

  async conversationsOf(fileId: string): Promise<string[]> {
    return (await this.pool.query<{ conv: string }>('SELECT conv FROM file_shares WHERE file_id = $1', [fileId])).rows.map((r) => r.conv);
  }
}

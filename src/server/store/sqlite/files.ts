import type Database from 'better-sqlite3';
import type { FileRecord, FileRecordStore } from '../ports/files.js';

export class SqliteFiles implements FileRecordStore {
  private readonly stmt;

  constructor(db: Database.Database) {
    this.stmt = {
      insert: db.prepare(
        'INSERT INTO files (id, sha256, size, mime, name, uploader_id, created_at) VALUES (@id, @sha256, @size, @mime, @name, @uploaderId, @createdAt)',
      ),
      byId: db.prepare('SELECT id, sha256, size, mime, name, uploader_id AS uploaderId, created_at AS createdAt FROM files WHERE id = ?'),
      uploadedBytes: db.prepare('SELECT COALESCE(SUM(size), 0) FROM files WHERE uploader_id = ?').pluck(),
      share: db.prepare('INSERT INTO file_shares (file_id, conv) VALUES (?, ?) ON CONFLICT DO NOTHING'),
      convs: db.prepare('SELECT conv FROM file_shares WHERE file_id = ?').pluck(),
    };
  }

  async create(file: FileRecord): Promise<void> {
    this.stmt.insert.run(file);
  }

  async find(id: string): Promise<FileRecord | null> {
    return (this.stmt.byId.get(id) as FileRecord | undefined) ?? null;
  }

  async uploadedBytes(userId: number): Promise<number> {
    return this.stmt.uploadedBytes.get(userId) as number;
  }

  async share(fileId: string, conv: string): Promise<void> {
    this.stmt.share.run(fileId, conv);
  }

  async conversationsOf(fileId: string): Promise<string[]> {
    return this.stmt.convs.all(fileId) as string[];
  }
}

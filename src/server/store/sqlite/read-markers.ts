import type Database from 'better-sqlite3';
import type { ReadMarker, ReadMarkerStore } from '../ports/read-markers.js';
import type { SqliteWriter } from './writer.js';

export class SqliteReadMarkers implements ReadMarkerStore {
  private readonly stmt;

  constructor(
    db: Database.Database,
    private readonly writer: SqliteWriter,
  ) {
    this.stmt = {
      marker: db.prepare('SELECT seq FROM read_markers WHERE user_id = ? AND conv = ?').pluck(),
      set: db.prepare('INSERT INTO read_markers (user_id, conv, seq) VALUES (?, ?, ?) ON CONFLICT (user_id, conv) DO UPDATE SET seq = excluded.seq'),
      of: db.prepare('SELECT conv, seq FROM read_markers WHERE user_id = ?'),
    };
  }

  advance(userId: number, conv: string, seq: number): Promise<{ seq: number; moved: boolean }> {
    return this.writer.queued(() => {
      const old = (this.stmt.marker.get(userId, conv) as number | undefined) ?? 0;
      if (seq <= old) return { seq: old, moved: false };
      this.stmt.set.run(userId, conv, seq);
      return { seq, moved: true };
    });
  }

  async listOf(userId: number): Promise<ReadMarker[]> {
    return this.stmt.of.all(userId) as ReadMarker[];
  }
}

import type { ReadMarker, ReadMarkerStore } from '../ports/read-markers.js';
import type { PgContext } from './db.js';

export class PgReadMarkers implements ReadMarkerStore {
  constructor(private readonly ctx: PgContext) {}

  advance(userId: number, conv: string, seq: number): Promise<{ seq: number; moved: boolean }> {
    const pool = this.ctx.pool;
    const current = async (): Promise<number> =>
      (await pool.query<{ seq: number }>('SELECT seq FROM read_markers WHERE user_id = $1 AND conv = $2', [userId, conv])).rows[0]?.seq ?? 0;
    return this.ctx.chained(`m:${userId}`, async () => {
      if (seq <= 0) return { seq: await current(), moved: false };
      // One statement: the marker moves only forward, whichever node writes.
      const { rows } = await pool.query<{ seq: number }>(
        `INSERT INTO read_markers (user_id, conv, seq) VALUES ($1, $2, $3)
         ON CONFLICT (user_id, conv) DO UPDATE SET seq = excluded.seq WHERE read_markers.seq < excluded.seq
         RETURNING seq`,
        [userId, conv, seq],
      );
      if (rows.length > 0) return { seq: rows[0]!.seq, moved: true };
      return { seq: await current(), moved: false };
    });
  }

  async listOf(userId: number): Promise<ReadMarker[]> {
    return (await this.ctx.pool.query<ReadMarker>('SELECT conv, seq FROM read_markers WHERE user_id = $1', [userId])).rows;
  }
}

import type pg from 'pg';
import type { ChangeResult, MessageChange } from '../ports/messages.js';
import { toMessage, type MessageRow } from '../rows.js';
import { withReactions } from './db.js';

/**
 * One change of a stored message, in the caller's transaction. The conversation's row is locked
 * first, as banter_append locks it: changes from every node take turns per conversation, so each
 * takes last_useq + 1 and useq has no gaps.
 */
export async function applyChange(db: pg.PoolClient, conv: string, seq: number, change: MessageChange): Promise<ChangeResult | null> {
  const locked = await db.query('SELECT 1 FROM conversations WHERE key = $1 FOR UPDATE', [conv]);
  if (locked.rowCount === 0) return null;
  const row = (await db.query<MessageRow>('SELECT * FROM messages WHERE conv = $1 AND seq = $2', [conv, seq])).rows[0];
  if (!row || row.deleted) return null;
  let added = false;
  if (change.kind === 'react') {
    const had = (await db.query('SELECT 1 FROM reactions WHERE conv = $1 AND seq = $2 AND emoji = $3 AND user_id = $4', [conv, seq, change.emoji, change.userId])).rowCount! > 0;
    if (!had) {
      const { rows } = await db.query<{ emojis: number; has: boolean }>(
        'SELECT count(DISTINCT emoji) AS emojis, bool_or(emoji = $3) AS has FROM reactions WHERE conv = $1 AND seq = $2',
        [conv, seq, change.emoji],
      );
      if (!rows[0]!.has && rows[0]!.emojis >= change.maxEmojis) {
        return { message: (await withReactions(db, conv, [toMessage(row)]))[0]!, added: false, refused: true };
      }
      await db.query('INSERT INTO reactions (conv, seq, emoji, user_id, user_name, ts) VALUES ($1, $2, $3, $4, $5, $6)', [
        conv,
        seq,
        change.emoji,
        change.userId,
        change.userName,
        change.ts,
      ]);
    } else {
      await db.query('DELETE FROM reactions WHERE conv = $1 AND seq = $2 AND emoji = $3 AND user_id = $4', [conv, seq, change.emoji, change.userId]);
    }
    added = !had;
  }
  const { rows: useqRows } = await db.query<{ useq: number }>('UPDATE conversations SET last_useq = last_useq + 1 WHERE key = $1 RETURNING last_useq AS useq', [conv]);
  const useq = useqRows[0]!.useq;
  let after: MessageRow;
  if (change.kind === 'edit') {
    after = (await db.query<MessageRow>('UPDATE messages SET body = $1, edited_ts = $2, useq = $3 WHERE conv = $4 AND seq = $5 RETURNING *', [change.body, change.ts, useq, conv, seq])).rows[0]!;
  } else if (change.kind === 'delete') {
    after = (await db.query<MessageRow>("UPDATE messages SET body = '', deleted = TRUE, useq = $1 WHERE conv = $2 AND seq = $3 RETURNING *", [useq, conv, seq])).rows[0]!;
    await db.query('DELETE FROM reactions WHERE conv = $1 AND seq = $2', [conv, seq]);
  } else {
    after = (await db.query<MessageRow>('UPDATE messages SET useq = $1 WHERE conv = $2 AND seq = $3 RETURNING *', [useq, conv, seq])).rows[0]!;
  }
  return { message: (await withReactions(db, conv, [toMessage(after)]))[0]!, added };
}

import type Database from 'better-sqlite3';
import type { ChangeResult, MessageChange, StoredMessage } from '../ports/messages.js';
import { toMessage, type MessageRow } from '../rows.js';

/** The statements of edits, deletes and reactions (MessageStore.change). */
export function prepareChanges(db: Database.Database) {
  return {
    message: db.prepare('SELECT * FROM messages WHERE conv = ? AND seq = ?'),
    nextUseq: db.prepare('UPDATE conversations SET last_useq = last_useq + 1 WHERE key = ? RETURNING last_useq').pluck(),
    edit: db.prepare('UPDATE messages SET body = ?, edited_ts = ?, useq = ? WHERE conv = ? AND seq = ?'),
    delete: db.prepare("UPDATE messages SET body = '', deleted = 1, useq = ? WHERE conv = ? AND seq = ?"),
    touch: db.prepare('UPDATE messages SET useq = ? WHERE conv = ? AND seq = ?'),
    dropReactions: db.prepare('DELETE FROM reactions WHERE conv = ? AND seq = ?'),
    hasReaction: db.prepare('SELECT 1 FROM reactions WHERE conv = ? AND seq = ? AND emoji = ? AND user_id = ?').pluck(),
    addReaction: db.prepare('INSERT INTO reactions (conv, seq, emoji, user_id, user_name, ts) VALUES (?, ?, ?, ?, ?, ?)'),
    removeReaction: db.prepare('DELETE FROM reactions WHERE conv = ? AND seq = ? AND emoji = ? AND user_id = ?'),
    emojiCount: db.prepare('SELECT count(DISTINCT emoji) FROM reactions WHERE conv = ? AND seq = ?').pluck(),
    hasEmoji: db.prepare('SELECT 1 FROM reactions WHERE conv = ? AND seq = ? AND emoji = ? LIMIT 1').pluck(),
  };
}

export type ChangeStatements = ReturnType<typeof prepareChanges>;

/**
 * Applies one change inside the group commit's transaction (the caller queues it): the write lock
 * is held, so last_useq + 1 is the conversation's next update sequence without gaps.
 */
export function applyChange(
  stmt: ChangeStatements,
  conv: string,
  seq: number,
  change: MessageChange,
  withReactions: (m: StoredMessage) => StoredMessage,
): ChangeResult | null {
  const row = stmt.message.get(conv, seq) as MessageRow | undefined;
  if (!row || row.deleted) return null;
  let added = false;
  if (change.kind === 'react') {
    const had = stmt.hasReaction.get(conv, seq, change.emoji, change.userId) !== undefined;
    if (!had && stmt.hasEmoji.get(conv, seq, change.emoji) === undefined && (stmt.emojiCount.get(conv, seq) as number) >= change.maxEmojis) {
      return { message: withReactions(toMessage(row)), added: false, refused: true };
    }
    if (had) stmt.removeReaction.run(conv, seq, change.emoji, change.userId);
    else stmt.addReaction.run(conv, seq, change.emoji, change.userId, change.userName, change.ts);
    added = !had;
  }
  const useq = stmt.nextUseq.get(conv) as number;
  if (change.kind === 'edit') stmt.edit.run(change.body, change.ts, useq, conv, seq);
  else if (change.kind === 'delete') {
    stmt.delete.run(useq, conv, seq);
    stmt.dropReactions.run(conv, seq);
  } else stmt.touch.run(useq, conv, seq);
  const after = stmt.message.get(conv, seq) as MessageRow;
  return { message: withReactions(toMessage(after)), added };
}

import type { StoredMessage } from './port.js';

/** One reaction as both adapters read it: ordered by seq, then oldest first. */
export interface ReactionRow {
  seq: number;
  emoji: string;
  user_name: string;
}

/** Puts reactions on the messages they belong to (messages keep the order they are given in). */
export function attachReactions(messages: StoredMessage[], rows: ReactionRow[]): StoredMessage[] {
  const bySeq = new Map<number, Record<string, string[]>>();
  for (const r of rows) {
    let map = bySeq.get(r.seq);
    if (!map) bySeq.set(r.seq, (map = {}));
    (map[r.emoji] ??= []).push(r.user_name);
  }
  for (const m of messages) {
    const reactions = bySeq.get(m.seq);
    if (reactions) m.reactions = reactions;
  }
  return messages;
}

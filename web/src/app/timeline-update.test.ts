import { describe, expect, it } from 'vitest';
import type { ChatMessage } from '../../../src/protocol/messages.js';
import { mergeItems, messageItem, reactionChips, updateItem } from './timeline.js';

const msg = (seq: number, extra: Partial<ChatMessage> = {}): ChatMessage => ({ conv: '#r', seq, ts: seq * 1000, from: 'alice', text: `m${seq}`, ...extra });

describe('timeline updates', () => {
  it('replaces the row with the same seq, keeping order and id', () => {
    const items = mergeItems([], [1, 2, 3].map((s) => messageItem(msg(s))));
    const next = updateItem(items, msg(2, { text: 'changed', edited_ts: 5, useq: 1 }));
    expect(next).not.toBe(items);
    expect(next.map((i) => i.id)).toEqual(items.map((i) => i.id));
    const row = next[1]!;
    expect(row.kind === 'msg' && row.m.text).toBe('changed');
    expect(row.kind === 'msg' && row.m.edited_ts).toBe(5);
  });
  it('ignores a message not shown and an update older than the row', () => {
    const items = mergeItems([], [messageItem(msg(1, { useq: 4, deleted: true }))]);
    expect(updateItem(items, msg(9, { useq: 5 }))).toBe(items);
    expect(updateItem(items, msg(1, { useq: 3, text: 'stale' }))).toBe(items);
  });
  it('makes chips with counts and my own reaction marked, whatever the case of my name', () => {
    const chips = reactionChips(msg(1, { reactions: { '👍': ['Bob', 'carol'], '🎉': ['carol'], '😢': [] } }), 'bob');
    expect(chips).toEqual([
      { emoji: '👍', count: 2, mine: true, users: ['Bob', 'carol'] },
      { emoji: '🎉', count: 1, mine: false, users: ['carol'] },
    ]);
  });
});

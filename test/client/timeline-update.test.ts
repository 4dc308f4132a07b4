import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { ChatMessage } from '../../src/protocol/index.js';
import { mergeItems, messageItem, reactionChips, updateItem } from '../../src/client/timeline.js';

const msg = (seq: number, extra: Partial<ChatMessage> = {}): ChatMessage => ({ conv: '#r', seq, ts: seq * 1000, from: 'alice', text: `m${seq}`, ...extra });

describe('timeline updates', () => {
  it('replaces the row with the same seq, keeping order and id', () => {
    const items = mergeItems([], [1, 2, 3].map((s) => messageItem(msg(s))));
    const next = updateItem(items, msg(2, { text: 'changed', edited_ts: 5, useq: 1 }));
    assert.notEqual(next, items);
    assert.deepEqual(next.map((i) => i.id), items.map((i) => i.id));
    const row = next[1]!;
    assert.equal(row.kind === 'msg' && row.m.text, 'changed');
    assert.equal(row.kind === 'msg' && row.m.edited_ts, 5);
  });
  it('ignores a message not shown and an update older than the row', () => {
    const items = mergeItems([], [messageItem(msg(1, { useq: 4, deleted: true }))]);
    assert.equal(updateItem(items, msg(9, { useq: 5 })), items);
    assert.equal(updateItem(items, msg(1, { useq: 3, text: 'stale' })), items);
  });
  it('makes chips with counts and my own reaction marked, whatever the case of my name', () => {
    const chips = reactionChips(msg(1, { reactions: { '👍': ['Bob', 'carol'], '🎉': ['carol'], '😢': [] } }), 'bob');
    assert.deepEqual(chips, [
      { emoji: '👍', count: 2, mine: true, users: ['Bob', 'carol'] },
      { emoji: '🎉', count: 1, mine: false, users: ['carol'] },
    ]);
  });
});

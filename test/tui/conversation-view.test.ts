import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { mergeItems, messageItem, systemItem, type Item } from '../../src/client/index.js';
import type { ChatMessage } from '../../src/protocol/index.js';
import { rowsThatFit } from '../../src/tui/conversation-view.js';

const msg = (seq: number, reactions?: Record<string, string[]>): Item => messageItem({ conv: '#r', seq, ts: seq, from: 'alice', text: `m${seq}`, ...(reactions ? { reactions } : {}) } satisfies ChatMessage);

describe('terminal conversation view', () => {
  const items = mergeItems([], [msg(1), msg(2, { '👍': ['bob'] }), msg(3), msg(4)]);
  const seqs = (rows: readonly Item[]) => rows.map((r) => (r.kind === 'msg' ? r.m.seq : r.kind));

  it('fills the lines from the newest row up, a row with reactions taking two', () => {
    assert.deepEqual(seqs(rowsThatFit(items, 4, 3)), [3, 4]);
    assert.deepEqual(seqs(rowsThatFit(items, 4, 4)), [2, 3, 4]);
    assert.deepEqual(seqs(rowsThatFit(items, 4, 5)), [1, 2, 3, 4]);
    assert.deepEqual(seqs(rowsThatFit(items, 4, 50)), [1, 2, 3, 4]);
  });
  it('ends where the scrolling says, and always shows that row', () => {
    assert.deepEqual(seqs(rowsThatFit(items, 2, 2)), [2]);
    assert.deepEqual(seqs(rowsThatFit(items, 2, 1)), [2], 'a two-line row in one line: still shown');
    assert.deepEqual(seqs(rowsThatFit(items, 0, 5)), []);
  });
  it('counts system rows as one line', () => {
    const withSystem = mergeItems(items, [systemItem(items, 'bob joined', 'info')]);
    assert.deepEqual(seqs(rowsThatFit(withSystem, withSystem.length, 2)), [4, 'system']);
  });
});

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { ChatMessage } from '../../src/protocol/index.js';
import { mergeItems, messageItem, nthLastMessage, oldestSeq, pendingItem, removeItem, startsDay, startsGroup, systemItem } from '../../src/client/timeline.js';

const msg = (seq: number, from = 'alice', ts = seq * 1000): ChatMessage => ({ conv: '#lobby', seq, ts, from, text: `m${seq}` });

describe('timeline', () => {
  it('appends, prepends and interleaves by seq, dropping duplicates', () => {
    let items = mergeItems([], [5, 6].map((s) => messageItem(msg(s))));
    items = mergeItems(items, [messageItem(msg(7)), messageItem(msg(6))]);
    items = mergeItems(items, [1, 2, 3].map((s) => messageItem(msg(s))));
    items = mergeItems(items, [messageItem(msg(4)), messageItem(msg(5))]);
    assert.deepEqual(items.map((i) => i.key), [1, 2, 3, 4, 5, 6, 7]);
    assert.equal(oldestSeq(items), 1);
  });
  it('returns the same array when nothing is new', () => {
    const items = mergeItems([], [messageItem(msg(1))]);
    assert.equal(mergeItems(items, [messageItem(msg(1))]), items);
    assert.equal(mergeItems(items, []), items);
  });
  it('puts a system row after the newest stored message and pending rows last', () => {
    let items = mergeItems([], [messageItem(msg(1)), messageItem(msg(2))]);
    const pending = pendingItem('alice', { text: 'hi' });
    items = mergeItems(items, [pending]);
    items = mergeItems(items, [systemItem(items, 'muted', 'warn')]);
    items = mergeItems(items, [messageItem(msg(3))]);
    assert.deepEqual(items.map((i) => i.kind), ['msg', 'msg', 'system', 'msg', 'pending']);
    assert.deepEqual(removeItem(items, pending.id).map((i) => i.kind), ['msg', 'msg', 'system', 'msg']);
  });
  it('groups runs by sender within 5 minutes', () => {
    const a = messageItem(msg(1, 'alice', 0));
    assert.equal(startsGroup(undefined, a), true);
    assert.equal(startsGroup(a, messageItem(msg(2, 'alice', 60_000))), false);
    assert.equal(startsGroup(a, messageItem(msg(2, 'bob', 60_000))), true);
    assert.equal(startsGroup(a, messageItem(msg(2, 'alice', 6 * 60_000))), true);
  });
  it('starts a new day at local midnight', () => {
    const late = messageItem(msg(1, 'alice', new Date(2026, 0, 1, 23, 59).getTime()));
    const early = messageItem(msg(2, 'alice', new Date(2026, 0, 2, 0, 1).getTime()));
    const later = messageItem(msg(3, 'alice', new Date(2026, 0, 2, 9, 0).getTime()));
    assert.equal(startsDay(undefined, late), true);
    assert.equal(startsDay(late, early), true);
    assert.equal(startsDay(early, later), false);
  });
  it('finds the n-th last stored message, skipping system and pending rows and those that do not match', () => {
    let items = mergeItems([], [messageItem(msg(1, 'alice')), messageItem(msg(2, 'bob')), messageItem(msg(3, 'alice'))]);
    items = mergeItems(items, [systemItem(items, 'bob joined', 'notice'), pendingItem('alice', { text: 'on its way' })]);
    assert.equal(nthLastMessage(items, 1)?.seq, 3);
    assert.equal(nthLastMessage(items, 2)?.seq, 2);
    assert.equal(nthLastMessage(items, 2, (m) => m.from === 'alice')?.seq, 1);
    assert.equal(nthLastMessage(items, 3, (m) => m.from === 'alice'), undefined);
  });
  it('keeps a system row that came before any message above the first page fetched later', () => {
    let items = mergeItems([], [systemItem([], 'You joined #r', 'info')]);
    items = mergeItems(items, [1, 2].map((s) => messageItem(msg(s))));
    assert.deepEqual(items.map((i) => i.kind), ['system', 'msg', 'msg']);
  });
});

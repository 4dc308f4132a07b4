import { describe, expect, it } from 'vitest';
import type { ChatMessage } from '../../../src/protocol/messages.js';
import { mergeItems, messageItem, oldestSeq, pendingItem, removeItem, startsDay, startsGroup, systemItem } from './timeline.js';

const msg = (seq: number, from = 'alice', ts = seq * 1000): ChatMessage => ({ conv: '#lobby', seq, ts, from, text: `m${seq}` });

describe('timeline', () => {
  it('appends, prepends and interleaves by seq, dropping duplicates', () => {
    let items = mergeItems([], [5, 6].map((s) => messageItem(msg(s))));
    items = mergeItems(items, [messageItem(msg(7)), messageItem(msg(6))]);
    items = mergeItems(items, [1, 2, 3].map((s) => messageItem(msg(s))));
    items = mergeItems(items, [messageItem(msg(4)), messageItem(msg(5))]);
    expect(items.map((i) => i.key)).toEqual([1, 2, 3, 4, 5, 6, 7]);
    expect(oldestSeq(items)).toBe(1);
  });
  it('returns the same array when nothing is new', () => {
    const items = mergeItems([], [messageItem(msg(1))]);
    expect(mergeItems(items, [messageItem(msg(1))])).toBe(items);
    expect(mergeItems(items, [])).toBe(items);
  });
  it('puts a system row after the newest stored message and pending rows last', () => {
    let items = mergeItems([], [messageItem(msg(1)), messageItem(msg(2))]);
    const pending = pendingItem('alice', { text: 'hi' });
    items = mergeItems(items, [pending]);
    items = mergeItems(items, [systemItem(items, 'muted', 'warn')]);
    items = mergeItems(items, [messageItem(msg(3))]);
    expect(items.map((i) => i.kind)).toEqual(['msg', 'msg', 'system', 'msg', 'pending']);
    expect(removeItem(items, pending.id).map((i) => i.kind)).toEqual(['msg', 'msg', 'system', 'msg']);
  });
  it('groups runs by sender within 5 minutes', () => {
    const a = messageItem(msg(1, 'alice', 0));
    expect(startsGroup(undefined, a)).toBe(true);
    expect(startsGroup(a, messageItem(msg(2, 'alice', 60_000)))).toBe(false);
    expect(startsGroup(a, messageItem(msg(2, 'bob', 60_000)))).toBe(true);
    expect(startsGroup(a, messageItem(msg(2, 'alice', 6 * 60_000)))).toBe(true);
  });
  it('starts a new day at local midnight', () => {
    const late = messageItem(msg(1, 'alice', new Date(2026, 0, 1, 23, 59).getTime()));
    const early = messageItem(msg(2, 'alice', new Date(2026, 0, 2, 0, 1).getTime()));
    const later = messageItem(msg(3, 'alice', new Date(2026, 0, 2, 9, 0).getTime()));
    expect(startsDay(undefined, late)).toBe(true);
    expect(startsDay(late, early)).toBe(true);
    expect(startsDay(early, later)).toBe(false);
  });
});

// @vitest-environment node
// (Node's Blob has arrayBuffer(); jsdom's does not. IndexedDB is fake-indexeddb's.)
import 'fake-indexeddb/auto';
import { describe, expect, it } from 'vitest';
import { snapshotFileName, SnapshotStore } from './store';

const png = (n: number) => new Blob([new Uint8Array([137, 80, 78, 71, n])], { type: 'image/png' });

describe('SnapshotStore', () => {
  it('adds, lists newest first, gets and deletes, with notifications', async () => {
    const store = new SnapshotStore(`t-${Math.random()}`);
    let changes = 0;
    const off = store.subscribe(() => changes++);
    const a = await store.add({ kind: 'window', width: 10, height: 5, blob: png(1), createdAt: 1000 });
    const b = await store.add({ kind: 'screen', width: 20, height: 8, blob: png(2), createdAt: 2000 });
    expect((await store.list()).map((s) => s.id)).toEqual([b.id, a.id]);
    const got = await store.get(a.id);
    expect(got?.kind).toBe('window');
    expect(got?.blob.type).toBe('image/png');
    expect([...new Uint8Array(await got!.blob.arrayBuffer())]).toEqual([137, 80, 78, 71, 1]);
    await store.remove(a.id);
    expect((await store.list()).map((s) => s.id)).toEqual([b.id]);
    expect(changes).toBe(3);
    off();
  });

  it('keeps at most its limit, dropping the oldest', async () => {
    const store = new SnapshotStore(`t-${Math.random()}`, 3);
    for (let i = 1; i <= 5; i++) await store.add({ kind: 'window', width: 1, height: 1, blob: png(i), createdAt: i * 1000 });
    expect((await store.list()).map((s) => s.createdAt)).toEqual([5000, 4000, 3000]);
  });

  it('names files by kind and time', () => {
    expect(snapshotFileName({ kind: 'window', createdAt: 0 })).toBe('chat-1970-01-01T00-00-00.png');
    expect(snapshotFileName({ kind: 'screen', createdAt: 0 })).toBe('screen-1970-01-01T00-00-00.png');
  });
});

import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { MAX_ROOMS_LIMIT, roomKey, type RoomInfo } from '../../src/protocol/index.js';
import { coreHarness, refusal, type CoreHarness, type HarnessConnection } from '../helpers/core-harness.js';

// One more public room than a page holds, so paging is needed to see them all.
const ROOMS = MAX_ROOMS_LIMIT + 1;
const names = Array.from({ length: ROOMS }, (_, i) => `#Page${String(i).padStart(4, '0')}`);
const keys = (rooms: RoomInfo[]) => rooms.map((r) => roomKey(r.room));

describe('rooms in pages (core)', () => {
  let h: CoreHarness;
  let maker: HarnessConnection;
  let reader: HarnessConnection;
  // Read-only tests share one core: making 501 rooms is the slow part.
  before(async () => {
    h = await coreHarness({ maxRoomsOwned: ROOMS + 10, maxRoomsJoined: ROOMS + 10 });
    maker = await h.user('maker');
    reader = await h.user('reader');
    for (let i = 0; i < names.length; i += 100) await Promise.all(names.slice(i, i + 100).map((room) => maker.request('create', { room })));
  });
  after(() => h.close());

  it('without paging fields: the first MAX_ROOMS_LIMIT rooms in key order, and next', async () => {
    const first = await reader.request('rooms', {});
    assert.equal(first.rooms.length, MAX_ROOMS_LIMIT);
    assert.deepEqual(keys(first.rooms), keys(first.rooms).sort(), 'in key order');
    assert.deepEqual(first.rooms.map((r) => r.room), names.slice(0, MAX_ROOMS_LIMIT));
    assert.equal(first.next, roomKey(names[MAX_ROOMS_LIMIT - 1]!), 'next is the last key listed');
    const rest = await reader.request('rooms', { after: first.next! });
    assert.deepEqual(rest.rooms.map((r) => r.room), names.slice(MAX_ROOMS_LIMIT));
    assert.equal(rest.next, undefined, 'the last page has no next');
    assert.equal((await reader.request('rooms', { limit: 100_000 })).rooms.length, MAX_ROOMS_LIMIT, 'a larger limit is reduced to the most');
  });

  it('limit and after page through every room once; a room name works as the cursor', async () => {
    const seen: string[] = [];
    let cursor: string | undefined;
    let pages = 0;
    do {
      const page = await reader.request('rooms', cursor === undefined ? { limit: 120 } : { limit: 120, after: cursor });
      assert.ok(page.rooms.length <= 120);
      seen.push(...page.rooms.map((r) => r.room));
      cursor = page.next;
      pages++;
    } while (cursor !== undefined);
    assert.equal(pages, Math.ceil(ROOMS / 120));
    assert.deepEqual(seen, names);
    const byName = await reader.request('rooms', { after: names[9]!.toUpperCase(), limit: 2 });
    assert.deepEqual(byName.rooms.map((r) => r.room), names.slice(10, 12));
    assert.equal(byName.next, roomKey(names[11]!));
    const exact = await reader.request('rooms', { after: roomKey(names[ROOMS - 3]!), limit: 2 });
    assert.deepEqual(exact.rooms.map((r) => r.room), names.slice(ROOMS - 2));
    assert.equal(exact.next, undefined, 'a page that ends at the last room has no next');
  });

  it('joined lists only the rooms the user is in, private ones included', async () => {
    const joiner = await h.user('joiner');
    const last = names.at(-1)!;
    await joiner.request('join', { room: last });
    await maker.request('create', { room: '#AAsecret', private: true });
    await maker.request('invite', { room: '#AAsecret', user: 'joiner' });
    const mine = await joiner.request('rooms', { joined: true });
    assert.deepEqual(mine.rooms.map((r) => [r.room, r.joined, r.private]), [
      ['#AAsecret', true, true],
      [last, true, false],
    ]);
    assert.equal(mine.next, undefined);
    const one = await joiner.request('rooms', { joined: true, limit: 1 });
    assert.deepEqual([one.rooms.map((r) => r.room), one.next], [['#AAsecret'], '#aasecret']);
    assert.ok(!(await joiner.request('rooms', {})).rooms.some((r) => r.room === last), 'beyond the first page of all rooms');
  });

  it('refuses bad paging fields with BAD_REQUEST', async () => {
    for (const body of [{ limit: 0 }, { limit: 1.5 }, { limit: '5' }, { after: 5 }, { after: '' }, { after: `#${'x'.repeat(100)}` }, { joined: 'yes' }, { page: 2 }]) {
      assert.equal((await refusal(reader.request('rooms', body as never))).code, 'BAD_REQUEST', JSON.stringify(body));
    }
  });
});

import assert from 'node:assert/strict';
import { afterEach, beforeEach, describe, it } from 'node:test';
import { coreHarness, refusal, type CoreHarness, type HarnessConnection } from '../helpers/core-harness.js';

type Settled = PromiseSettledResult<unknown>;
const refusedCodes = (results: Settled[]) => results.filter((r) => r.status === 'rejected').map((r) => ((r as PromiseRejectedResult).reason as { code: string }).code);

// Small caps so the tests reach them: 3 rooms owned, 5 memberships.
describe('room caps (core)', () => {
  let h: CoreHarness;
  beforeEach(async () => (h = await coreHarness({ maxRoomsOwned: 3, maxRoomsJoined: 5 })));
  afterEach(() => h.close());

  it('a user owns at most maxRoomsOwned rooms, even with a burst of creates; leaving does not free one, handing over does', async () => {
    const [alice, bob] = [await h.user('alice'), await h.user('bob')];
    const burst = await Promise.allSettled(Array.from({ length: 6 }, (_, i) => alice.request('create', { room: `#a${i}` })));
    assert.equal(burst.filter((r) => r.status === 'fulfilled').length, 3, 'the cap holds for requests in flight at once');
    assert.deepEqual(refusedCodes(burst), ['TOO_MANY_ROOMS', 'TOO_MANY_ROOMS', 'TOO_MANY_ROOMS']);
    const err = await refusal(alice.request('create', { room: '#a6' }));
    assert.equal(err.code, 'TOO_MANY_ROOMS');
    assert.match(err.message, /you own 3 rooms, the most one user may \(3\); hand one over first/);
    const owned = (await alice.request('rooms', {})).rooms.filter((r) => r.owner === 'alice').map((r) => r.room);
    assert.equal(owned.length, 3, 'the refused creates stored nothing');
    await alice.request('leave', { room: owned[0]! });
    assert.equal((await refusal(alice.request('create', { room: '#a7' }))).code, 'TOO_MANY_ROOMS', 'a room one left is still owned');
    // Handing over frees a place, and counts against the new owner.
    await bob.request('join', { room: owned[1]! });
    await alice.request('owner', { room: owned[1]!, user: 'bob' });
    assert.equal((await alice.request('create', { room: '#a8' })).owner, 'alice');
    for (let i = 0; i < 2; i++) await bob.request('create', { room: `#b${i}` });
    await bob.request('join', { room: owned[2]! });
    const handOver = await refusal(alice.request('owner', { room: owned[2]!, user: 'bob' }));
    assert.equal(handOver.code, 'TOO_MANY_ROOMS');
    assert.match(handOver.message, /bob owns 3 rooms, the most one user may \(3\)/);
    const members = await alice.request('members', { room: owned[2]! });
    assert.equal(members.members.find((m) => m.owner)?.user, 'alice', 'the refused hand-over changed nothing');
  });

  it('a user is in at most maxRoomsJoined rooms, by create, join or invite; leaving frees a place', async () => {
    const ownerOf = new Map<string, HarnessConnection>();
    for (const name of ['o1', 'o2', 'o3']) {
      const u = await h.user(name);
      for (let i = 0; i < 3; i++) {
        await u.request('create', { room: `#${name}_${i}` });
        ownerOf.set(`#${name}_${i}`, u);
      }
    }
    const open = [...ownerOf.keys()];
    const carol = await h.user('carol');
    // Two of her own, then joins, all at once: 3 more fit.
    await carol.request('create', { room: '#c1' });
    await carol.request('create', { room: '#c2' });
    const burst = await Promise.allSettled(open.slice(0, 6).map((r) => carol.request('join', { room: r })));
    assert.equal(burst.filter((r) => r.status === 'fulfilled').length, 3);
    assert.deepEqual(refusedCodes(burst), ['TOO_MANY_ROOMS', 'TOO_MANY_ROOMS', 'TOO_MANY_ROOMS']);
    const joined = (await carol.request('rooms', {})).rooms.filter((r) => r.joined).map((r) => r.room);
    assert.equal(joined.length, 5);
    const err = await refusal(carol.request('join', { room: open[8]! }));
    assert.equal(err.code, 'TOO_MANY_ROOMS');
    assert.match(err.message, /you are in 5 rooms, the most one user may \(5\); leave one first/);
    assert.equal((await refusal(carol.request('create', { room: '#c3' }))).code, 'TOO_MANY_ROOMS', 'a create is a membership too');
    assert.equal((await carol.request('join', { room: joined[0]! })).joined, true, 'joining a room one is in changes nothing and passes');
    const invite = await refusal(ownerOf.get(open[8]!)!.request('invite', { room: open[8]!, user: 'carol' }));
    assert.equal(invite.code, 'TOO_MANY_ROOMS');
    assert.match(invite.message, /carol is in 5 rooms, the most one user may \(5\)/);
    const inRoom = joined.find((r) => ownerOf.has(r))!;
    assert.deepEqual(await ownerOf.get(inRoom)!.request('invite', { room: inRoom, user: 'carol' }), { room: inRoom, user: 'carol' }, 'inviting a member changes nothing and passes');
    await carol.request('leave', { room: inRoom });
    assert.equal((await carol.request('join', { room: open[8]! })).joined, true, 'leaving freed a place');
  });

  it('the administrator has no owner cap, but the membership cap', async () => {
    const admin = await h.admin();
    for (let i = 0; i < 5; i++) await admin.request('create', { room: `#m${i}` });
    assert.equal((await refusal(admin.request('create', { room: '#m5' }))).code, 'TOO_MANY_ROOMS', 'five memberships');
    await admin.request('leave', { room: '#m0' });
    assert.equal((await admin.request('create', { room: '#m6' })).owner, 'admin', 'a sixth room owned');
  });
});

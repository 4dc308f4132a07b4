import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { adminClient, newUser, refusal, uniqueName } from '../helpers/clients.js';
import { startTestServer, type TestServer } from '../helpers/server.js';

// Small caps so the tests reach them: 3 rooms owned, 5 memberships.
let server: TestServer;
before(async () => (server = await startTestServer({ maxRoomsOwned: 3, maxRoomsJoined: 5 })));
after(() => server.dispose());

const room = () => `#${uniqueName('room')}`;
type Settled = PromiseSettledResult<unknown>;
const refusedCodes = (results: Settled[]) => results.filter((r) => r.status === 'rejected').map((r) => ((r as PromiseRejectedResult).reason as { code: string }).code);

describe('room caps', () => {
  it('a user owns at most --max-rooms-owned rooms, even with a burst of creates; leaving does not free one, handing over does', async () => {
    const [alice, bob] = await Promise.all([newUser(server.tcpPort), newUser(server.tcpPort)]);
    const names = Array.from({ length: 6 }, room);
    const burst = await Promise.allSettled(names.map((r) => alice.client.request('create', { room: r })));
    assert.equal(burst.filter((r) => r.status === 'fulfilled').length, 3, 'the cap holds for requests in flight at once');
    assert.deepEqual(refusedCodes(burst), ['TOO_MANY_ROOMS', 'TOO_MANY_ROOMS', 'TOO_MANY_ROOMS']);
    const err = await refusal(alice.client.request('create', { room: room() }));
    assert.equal(err.code, 'TOO_MANY_ROOMS');
    assert.match(err.message, /you own 3 rooms, the most one user may \(3\); hand one over first/);
    const owned = (await alice.client.request('rooms', {})).rooms.filter((r) => r.owner === alice.name).map((r) => r.room);
    assert.equal(owned.length, 3, 'the refused creates stored nothing');
    await alice.client.request('leave', { room: owned[0]! });
    assert.equal((await refusal(alice.client.request('create', { room: room() }))).code, 'TOO_MANY_ROOMS', 'a room one left is still owned');
    // Handing over frees a place, and counts against the new owner.
    await bob.client.request('join', { room: owned[1]! });
    await alice.client.request('owner', { room: owned[1]!, user: bob.name });
    assert.equal((await alice.client.request('create', { room: room() })).owner, alice.name);
    for (let i = 0; i < 2; i++) await bob.client.request('create', { room: room() });
    await bob.client.request('join', { room: owned[2]! });
    const handOver = await refusal(alice.client.request('owner', { room: owned[2]!, user: bob.name }));
    assert.equal(handOver.code, 'TOO_MANY_ROOMS');
    assert.match(handOver.message, new RegExp(`${bob.name} owns 3 rooms, the most one user may \\(3\\)`));
    const members = await alice.client.request('members', { room: owned[2]! });
    assert.equal(members.members.find((m) => m.owner)?.user, alice.name, 'the refused hand-over changed nothing');
    alice.client.close();
    bob.client.close();
  });

  it('a user is in at most --max-rooms-joined rooms, by create, join or invite; leaving frees a place', async () => {
    const [owner, carol, helper1, helper2] = await Promise.all([newUser(server.tcpPort), newUser(server.tcpPort), newUser(server.tcpPort), newUser(server.tcpPort)]);
    const ownerOf = new Map<string, typeof owner>();
    for (const u of [owner, helper1, helper2]) {
      for (let i = 0; i < 3; i++) {
        const r = room();
        await u.client.request('create', { room: r });
        ownerOf.set(r, u);
      }
    }
    const open = [...ownerOf.keys()];
    // carol: 2 of her own, then joins, all at once: 3 more fit.
    await carol.client.request('create', { room: room() });
    await carol.client.request('create', { room: room() });
    const burst = await Promise.allSettled(open.slice(0, 6).map((r) => carol.client.request('join', { room: r })));
    assert.equal(burst.filter((r) => r.status === 'fulfilled').length, 3);
    assert.deepEqual(refusedCodes(burst), ['TOO_MANY_ROOMS', 'TOO_MANY_ROOMS', 'TOO_MANY_ROOMS']);
    const joined = (await carol.client.request('rooms', {})).rooms.filter((r) => r.joined).map((r) => r.room);
    assert.equal(joined.length, 5);
    const err = await refusal(carol.client.request('join', { room: open[8]! }));
    assert.equal(err.code, 'TOO_MANY_ROOMS');
    assert.match(err.message, /you are in 5 rooms, the most one user may \(5\); leave one first/);
    assert.equal((await refusal(carol.client.request('create', { room: room() }))).code, 'TOO_MANY_ROOMS', 'a create is a membership too');
    assert.equal((await carol.client.request('join', { room: joined[0]! })).joined, true, 'joining a room one is in changes nothing and passes');
    const invite = await refusal(helper2.client.request('invite', { room: open[8]!, user: carol.name }));
    assert.equal(invite.code, 'TOO_MANY_ROOMS');
    assert.match(invite.message, new RegExp(`${carol.name} is in 5 rooms, the most one user may \\(5\\)`));
    const inRoom = joined.find((r) => ownerOf.has(r))!;
    assert.deepEqual(await ownerOf.get(inRoom)!.client.request('invite', { room: inRoom, user: carol.name }), { room: inRoom, user: carol.name }, 'inviting a member changes nothing and passes');
    await carol.client.request('leave', { room: inRoom });
    assert.equal((await carol.client.request('join', { room: open[8]! })).joined, true, 'leaving freed a place');
    for (const u of [owner, carol, helper1, helper2]) u.client.close();
  });

  it('the administrator has no owner cap, but the membership cap', async () => {
    const admin = await adminClient(server.tcpPort);
    const made: string[] = [];
    for (let i = 0; i < 5; i++) {
      made.push(room());
      await admin.request('create', { room: made[i]! });
    }
    assert.equal((await refusal(admin.request('create', { room: room() }))).code, 'TOO_MANY_ROOMS', 'five memberships');
    await admin.request('leave', { room: made[0]! });
    assert.equal((await admin.request('create', { room: room() })).owner, 'admin', 'a sixth room owned');
    admin.close();
  });
});

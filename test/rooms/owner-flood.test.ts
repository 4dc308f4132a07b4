import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { newUser, record, refusal, uniqueName, waitUntil } from '../helpers/clients.js';
import { startTestServer, type TestServer } from '../helpers/server.js';

// A burst of 8 and a refill so slow (one token per 50 s) that none comes back during the test.
let server: TestServer;
before(async () => (server = await startTestServer({ sendRate: 0.02, sendBurst: 8 })));
after(() => server.dispose());

describe('owner ops and flood control', () => {
  it('normal use passes; a burst of topics, invites, mutes and hand-overs is refused with RATE_LIMITED and fans nothing out', async () => {
    const [owner, member, guest] = await Promise.all([newUser(server.tcpPort), newUser(server.tcpPort), newUser(server.tcpPort)]);
    const room = `#${uniqueName('room')}`;
    await owner.client.request('create', { room }); // token 1
    await member.client.request('join', { room }); // the member's own allowance
    const heard = { topic: record(member.client, 'topic'), muted: record(member.client, 'room_muted'), joined: record(member.client, 'joined') };
    // Normal use: each owner op once (tokens 2-7).
    await owner.client.request('topic', { room, topic: 'first' });
    await owner.client.request('invite', { room, user: guest.name });
    await owner.client.request('room_mute', { room, user: guest.name, minutes: 5 });
    await owner.client.request('room_unmute', { room, user: guest.name });
    await owner.client.request('remove', { room, user: guest.name });
    await owner.client.request('topic', { room, topic: 'second' });
    await waitUntil(() => heard.topic.length === 2 && heard.muted.length === 2 && heard.joined.length === 1, 'the members hear each op');
    // A burst: one token is left (token 8), then every owner op is refused.
    const burst = await Promise.allSettled(Array.from({ length: 20 }, (_, i) => owner.client.request('topic', { room, topic: `spam ${i}` })));
    assert.equal(burst.filter((r) => r.status === 'fulfilled').length, 1, 'the last token of the burst');
    for (const r of burst.filter((x) => x.status === 'rejected')) {
      const err = (r as PromiseRejectedResult).reason as { code: string; retryAfter?: number };
      assert.equal(err.code, 'RATE_LIMITED');
      assert.ok(err.retryAfter !== undefined && err.retryAfter > 0, 'with retry_after');
    }
    const refused = [
      owner.client.request('invite', { room, user: guest.name }),
      owner.client.request('remove', { room, user: member.name }),
      owner.client.request('room_mute', { room, user: member.name }),
      owner.client.request('room_unmute', { room, user: member.name }),
      owner.client.request('owner', { room, user: member.name }),
      owner.client.request('topic', { room, topic: 'one more' }),
    ];
    for (const op of refused) assert.equal((await refusal(op)).code, 'RATE_LIMITED');
    // Nothing refused reached the room: a request that the member makes after them is answered
    // after their events would have been sent.
    await member.client.request('members', { room });
    assert.deepEqual(heard.topic.map((t) => t.topic), ['first', 'second', 'spam 0'], 'the one accepted topic of the burst, no more');
    assert.equal(heard.muted.length, 2);
    assert.equal(heard.joined.length, 1);
    const listed = await member.client.request('members', { room });
    assert.deepEqual(listed.members.map((m) => m.user).sort(), [owner.name, member.name].sort(), 'no refused op took effect');
    assert.equal(listed.members.find((m) => m.user === owner.name)!.owner, true);
    for (const u of [owner, member, guest]) u.client.close();
  });
});

import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { adminClient, newUser, nextEvent, record, refusal, uniqueName, waitUntil } from '../helpers/clients.js';
import { startTestServer, type TestServer } from '../helpers/server.js';
import { expectNothingBefore } from '../helpers/wait.js';

let server: TestServer;
before(async () => (server = await startTestServer()));
after(() => server.dispose());

const room = () => `#${uniqueName('room')}`;

describe('rooms', () => {
  it('isolate messages: members get them, others do not, and cannot send or read', async () => {
    const [alice, bob, carol] = await Promise.all([newUser(server.tcpPort), newUser(server.tcpPort), newUser(server.tcpPort)]);
    const name = room();
    const created = await alice.client.request('create', { room: name, topic: 'all about dev' });
    assert.deepEqual(created, { room: name, topic: 'all about dev', private: false, owner: alice.name, members: 1, joined: true });
    const joined = await bob.client.request('join', { room: name.toUpperCase() });
    assert.equal(joined.room, name, 'any spelling joins; the room keeps its own');
    assert.equal(joined.members, 2);
    const [aliceGot, bobGot, carolGot] = [record(alice.client, 'msg'), record(bob.client, 'msg'), record(carol.client, 'msg')];
    const sent = await alice.client.request('send', { to: name, text: 'dev only' });
    assert.deepEqual(sent.conv, name);
    assert.equal(sent.seq, 1, 'a room has its own seq');
    await waitUntil(() => bobGot.length === 1 && aliceGot.length === 1, 'the members get it');
    assert.equal(bobGot[0]!.conv, name);
    assert.equal(bobGot[0]!.text, 'dev only');
    assert.equal((await refusal(carol.client.request('send', { to: name, text: 'let me in' }))).code, 'NOT_A_MEMBER');
    assert.equal((await refusal(carol.client.request('history', { conv: name }))).code, 'NOT_A_MEMBER');
    assert.equal((await refusal(carol.client.request('typing', { to: name }))).code, 'NOT_A_MEMBER');
    await alice.client.request('send', { to: '#lobby', text: 'lobby for all' });
    // Sent after the room message: had carol been sent that, it would have come first.
    await expectNothingBefore(carolGot, { marker: (m) => m.text === 'lobby for all', unwanted: (m) => m.conv === name, what: 'nothing of the room reached a non-member' });
    const history = await bob.client.request('history', { conv: name });
    assert.deepEqual(history.messages.map((m) => m.text), ['dev only']);
    const convs = await bob.client.request('convs', {});
    assert.ok(convs.convs.some((c) => c.conv === name && c.last_seq === 1), 'convs lists the room');
    // After leaving, nothing more arrives.
    await bob.client.request('leave', { room: name });
    await alice.client.request('send', { to: name, text: 'after bob left' });
    await alice.client.request('send', { to: '#lobby', text: `after ${bob.name} left` });
    await expectNothingBefore(bobGot, { marker: (m) => m.text === `after ${bob.name} left`, unwanted: (m) => m.text === 'after bob left', what: 'nothing of the room after leaving it' });
    assert.equal(bobGot.filter((m) => m.conv === name).length, 1);
    assert.equal((await refusal(bob.client.request('send', { to: name, text: 'back?' }))).code, 'NOT_A_MEMBER');
    for (const u of [alice, bob, carol]) u.client.close();
  });

  it('a private room refuses non-members until invited, and is not listed for them', async () => {
    const [owner, guest, stranger] = await Promise.all([newUser(server.tcpPort), newUser(server.tcpPort), newUser(server.tcpPort)]);
    const name = room();
    await owner.client.request('create', { room: name, private: true });
    for (const op of [() => stranger.client.request('join', { room: name }), () => stranger.client.request('history', { conv: name }), () => stranger.client.request('members', { room: name })]) {
      const err = await refusal(op());
      assert.equal(err.code, 'NOT_A_MEMBER');
      assert.match(err.message, /private/);
    }
    assert.ok(!(await stranger.client.request('rooms', {})).rooms.some((r) => r.room === name), 'hidden from non-members');
    const guestJoined = nextEvent(guest.client, 'joined', (j) => j.room === name);
    assert.deepEqual(await owner.client.request('invite', { room: name, user: guest.name }), { room: name, user: guest.name });
    assert.deepEqual(await guestJoined, { room: name, user: guest.name, by: owner.name }, 'the invitee hears of it');
    const listed = (await guest.client.request('rooms', {})).rooms.find((r) => r.room === name);
    assert.deepEqual(listed, { room: name, topic: '', private: true, owner: owner.name, members: 2, joined: true });
    const got = nextEvent(owner.client, 'msg', (m) => m.conv === name);
    await guest.client.request('send', { to: name, text: 'thanks for the invite' });
    assert.equal((await got).from, guest.name);
    assert.equal((await refusal(stranger.client.request('send', { to: name, text: 'x' }))).code, 'NOT_A_MEMBER');
    for (const u of [owner, guest, stranger]) u.client.close();
  });

  it('owner powers hold, a non-owner\'s are refused, and the administrator has them everywhere', async () => {
    const [owner, member, other] = await Promise.all([newUser(server.tcpPort), newUser(server.tcpPort), newUser(server.tcpPort)]);
    const name = room();
    await owner.client.request('create', { room: name, topic: 'first' });
    await member.client.request('join', { room: name });
    await other.client.request('join', { room: name });
    const asMember = [
      member.client.request('invite', { room: name, user: owner.name }),
      member.client.request('remove', { room: name, user: other.name }),
      member.client.request('topic', { room: name, topic: 'mine now' }),
      member.client.request('owner', { room: name, user: member.name }),
      member.client.request('room_mute', { room: name, user: other.name }),
      member.client.request('room_unmute', { room: name, user: other.name }),
    ];
    for (const p of asMember) assert.equal((await refusal(p)).code, 'FORBIDDEN');

    const topicSeen = nextEvent(member.client, 'topic');
    assert.deepEqual(await owner.client.request('topic', { room: name, topic: 'second' }), { room: name, topic: 'second' });
    assert.deepEqual(await topicSeen, { room: name, topic: 'second', by: owner.name });

    // Mute within the room: the member cannot speak there, but can in the lobby.
    const mutedSeen = nextEvent(member.client, 'room_muted');
    const muted = await owner.client.request('room_mute', { room: name, user: other.name, minutes: 5 });
    assert.equal(muted.user, other.name);
    assert.equal((await mutedSeen).user, other.name);
    const err = await refusal(other.client.request('send', { to: name, text: 'hello?' }));
    assert.equal(err.code, 'MUTED');
    assert.equal(err.until, muted.until);
    await other.client.request('send', { to: '#lobby', text: 'I can still talk here' });
    // Nor does the muted member's typing reach the room (it is dropped, not refused).
    const typing = record(member.client, 'typing');
    await other.client.request('typing', { to: name });
    await other.client.request('typing', { to: '#lobby' });
    await expectNothingBefore(typing, { marker: (t) => t.conv === '#lobby' && t.user === other.name, unwanted: (t) => t.conv === name, what: 'no typing from a member muted in the room' });
    const members = await member.client.request('members', { room: name });
    // In order of joining; the create and two joins within one millisecond may come in any order.
    const byName = (rows: unknown[][]) => rows.sort((a, b) => String(a[0]).localeCompare(String(b[0])));
    assert.deepEqual(
      byName(members.members.map((m) => [m.user, m.owner, m.online, m.muted_until])),
      byName([
        [owner.name, true, true, null],
        [member.name, false, true, null],
        [other.name, false, true, muted.until],
      ]),
    );
    await owner.client.request('room_unmute', { room: name, user: other.name });
    await other.client.request('typing', { to: name });
    await waitUntil(() => typing.some((t) => t.conv === name && t.user === other.name), 'typing once unmuted');
    await other.client.request('send', { to: name, text: 'back' });

    // Remove: the removed member is told, and is out.
    const removedSeen = nextEvent(other.client, 'left', (l) => l.room === name);
    await owner.client.request('remove', { room: name, user: other.name });
    assert.deepEqual(await removedSeen, { room: name, user: other.name, by: owner.name });
    assert.equal((await refusal(other.client.request('send', { to: name, text: 'x' }))).code, 'NOT_A_MEMBER');
    assert.equal((await refusal(owner.client.request('remove', { room: name, user: owner.name }))).code, 'FORBIDDEN', 'the owner cannot be removed');

    // Hand over: the new owner has the powers, the old one does not.
    const ownerSeen = nextEvent(member.client, 'owner');
    assert.deepEqual(await owner.client.request('owner', { room: name, user: member.name }), { room: name, owner: member.name });
    assert.deepEqual(await ownerSeen, { room: name, owner: member.name, by: owner.name });
    assert.equal((await refusal(owner.client.request('topic', { room: name, topic: 'no' }))).code, 'FORBIDDEN');
    await member.client.request('topic', { room: name, topic: 'new owner' });
    assert.equal((await refusal(member.client.request('owner', { room: name, user: other.name }))).code, 'NOT_A_MEMBER', 'only to a member');

    // The administrator: any room, without being its owner.
    const admin = await adminClient(server.tcpPort);
    await admin.request('topic', { room: name, topic: 'set by admin' });
    await admin.request('invite', { room: name, user: other.name });
    await admin.request('remove', { room: name, user: owner.name });
    const list = await member.client.request('members', { room: name });
    assert.deepEqual(list.members.map((m) => m.user).sort(), [member.name, other.name].sort());
    const priv = room();
    await owner.client.request('create', { room: priv, private: true });
    await admin.request('join', { room: priv });
    admin.close();
    for (const u of [owner, member, other]) u.client.close();
  });

  it('checks room names: invalid, taken in any spelling, #lobby, unknown', async () => {
    const { client } = await newUser(server.tcpPort);
    for (const bad of ['general', '#', '#has space', `#${'x'.repeat(33)}`, '#a:b', '##x']) {
      assert.equal((await refusal(client.request('create', { room: bad }))).code, 'INVALID_NAME', bad);
    }
    const name = `#Caps${uniqueName('r')}`;
    await client.request('create', { room: name });
    assert.equal((await refusal(client.request('create', { room: name.toLowerCase() }))).code, 'ROOM_EXISTS');
    assert.equal((await refusal(client.request('create', { room: '#LOBBY' }))).code, 'ROOM_EXISTS');
    assert.equal((await refusal(client.request('join', { room: '#no_such_room_here' }))).code, 'NO_SUCH_ROOM');
    assert.equal((await refusal(client.request('send', { to: '#no_such_room_here', text: 'x' }))).code, 'NO_SUCH_ROOM');
    assert.equal((await refusal(client.request('leave', { room: '#lobby' }))).code, 'BAD_REQUEST', 'nobody leaves #lobby');
    assert.equal((await refusal(client.request('topic', { room: name, topic: 'a\u001b[2J' }))).code, 'BAD_REQUEST');
    assert.equal((await refusal(client.request('topic', { room: name, topic: 't'.repeat(301) }))).code, 'TOO_LONG');
    assert.equal((await client.request('rooms', {})).rooms.find((r) => r.room === name)?.owner, (await client.request('members', { room: name })).members[0]!.user);
    client.close();
  });

  it('tells members of joins and leaves, and keeps memberships across a reconnect', async () => {
    const [a, b] = await Promise.all([newUser(server.tcpPort), newUser(server.tcpPort)]);
    const name = room();
    await a.client.request('create', { room: name });
    const joined = nextEvent(a.client, 'joined');
    await b.client.request('join', { room: name });
    assert.deepEqual(await joined, { room: name, user: b.name });
    const left = nextEvent(a.client, 'left');
    await b.client.request('leave', { room: name });
    assert.deepEqual(await left, { room: name, user: b.name });
    // A new connection of a (logged in with the token) is in the room at once.
    const connections = server.chat.connectionCount;
    a.client.close();
    await waitUntil(() => server.chat.connectionCount === connections - 1, 'the server to see the old connection close');
    const { connect } = await import('../helpers/clients.js');
    const again = await connect(server.tcpPort);
    await again.request('login', { token: a.token });
    const inbox = record(again, 'msg');
    await b.client.request('join', { room: name });
    await b.client.request('send', { to: name, text: 'are you there?' });
    await waitUntil(() => inbox.some((m) => m.conv === name), 'the reconnected member gets room messages');
    again.close();
    b.client.close();
  });
});

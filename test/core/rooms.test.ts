import assert from 'node:assert/strict';
import { afterEach, beforeEach, describe, it } from 'node:test';
import { coreHarness, outcome, refusal, type CoreHarness } from '../helpers/core-harness.js';

describe('rooms (core)', () => {
  let h: CoreHarness;
  beforeEach(async () => (h = await coreHarness()));
  afterEach(() => h.close());

  it('isolate messages: members get them, others do not, and cannot send, read or type there', async () => {
    const [alice, bob, carol] = [await h.user('alice'), await h.user('bob'), await h.user('carol')];
    const created = await alice.request('create', { room: '#dev', topic: 'all about dev' });
    assert.deepEqual(created, { room: '#dev', topic: 'all about dev', private: false, owner: 'alice', members: 1, joined: true });
    const joined = await bob.request('join', { room: '#DEV' });
    assert.equal(joined.room, '#dev', 'any spelling joins; the room keeps its own');
    assert.equal(joined.members, 2);
    const sent = await alice.request('send', { to: '#dev', text: 'dev only' });
    assert.deepEqual([sent.conv, sent.seq], ['#dev', 1], 'a room has its own seq');
    assert.deepEqual([(await bob.next('msg')).text, (await alice.next('msg')).text], ['dev only', 'dev only']);
    for (const op of [carol.request('send', { to: '#dev', text: 'let me in' }), carol.request('history', { conv: '#dev' }), carol.request('typing', { to: '#dev' })]) {
      assert.equal((await refusal(op)).code, 'NOT_A_MEMBER');
    }
    await alice.request('send', { to: '#lobby', text: 'lobby for all' });
    await carol.nothingBefore('msg', (m) => m.text === 'lobby for all', (e) => e.ev === 'msg' && e.conv === '#dev', 'a room message to a non-member');
    assert.deepEqual((await bob.request('history', { conv: '#dev' })).messages.map((m) => m.text), ['dev only']);
    assert.ok((await bob.request('convs', {})).convs.some((c) => c.conv === '#dev' && c.last_seq === 1), 'convs lists the room');
    // After leaving, nothing more arrives.
    await bob.request('leave', { room: '#dev' });
    await alice.request('send', { to: '#dev', text: 'after bob left' });
    await alice.request('send', { to: '#lobby', text: 'marker' });
    await bob.nothingBefore('msg', (m) => m.text === 'marker', (e) => e.ev === 'msg' && e.text === 'after bob left', 'a message after leaving');
    assert.equal((await refusal(bob.request('send', { to: '#dev', text: 'back?' }))).code, 'NOT_A_MEMBER');
  });

  it('a private room refuses non-members until invited, and is not listed for them', async () => {
    const [owner, guest, stranger] = [await h.user('owner'), await h.user('guest'), await h.user('stranger')];
    await owner.request('create', { room: '#secret', private: true });
    for (const op of [stranger.request('join', { room: '#secret' }), stranger.request('history', { conv: '#secret' }), stranger.request('members', { room: '#secret' })]) {
      const err = await refusal(op);
      assert.equal(err.code, 'NOT_A_MEMBER');
      assert.match(err.message, /private/);
    }
    assert.ok(!(await stranger.request('rooms', {})).rooms.some((r) => r.room === '#secret'), 'hidden from non-members');
    assert.deepEqual(await owner.request('invite', { room: '#secret', user: 'guest' }), { room: '#secret', user: 'guest' });
    assert.deepEqual(await guest.next('joined', (j) => j.room === '#secret'), { room: '#secret', user: 'guest', by: 'owner', info: { room: '#secret', topic: '', private: true, owner: 'owner', members: 2, joined: true } }, 'the invitee hears of it, with the room as it is listed');
    const listed = (await guest.request('rooms', {})).rooms.find((r) => r.room === '#secret');
    assert.deepEqual(listed, { room: '#secret', topic: '', private: true, owner: 'owner', members: 2, joined: true });
    await guest.request('send', { to: '#secret', text: 'thanks for the invite' });
    assert.equal((await owner.next('msg', (m) => m.conv === '#secret')).from, 'guest');
    assert.equal((await refusal(stranger.request('send', { to: '#secret', text: 'x' }))).code, 'NOT_A_MEMBER');
  });

  it('owner powers hold, a non-owner\'s are refused, and the administrator has them everywhere', async () => {
    const [owner, member, other] = [await h.user('owner'), await h.user('member'), await h.user('other')];
    await owner.request('create', { room: '#r', topic: 'first' });
    await member.request('join', { room: '#r' });
    await other.request('join', { room: '#r' });
    for (const p of [
      member.request('invite', { room: '#r', user: 'owner' }),
      member.request('remove', { room: '#r', user: 'other' }),
      member.request('topic', { room: '#r', topic: 'mine now' }),
      member.request('owner', { room: '#r', user: 'member' }),
      member.request('room_mute', { room: '#r', user: 'other' }),
      member.request('room_unmute', { room: '#r', user: 'other' }),
    ]) {
      assert.equal((await refusal(p)).code, 'FORBIDDEN');
    }
    assert.deepEqual(await owner.request('topic', { room: '#r', topic: 'second' }), { room: '#r', topic: 'second' });
    assert.deepEqual(await member.next('topic'), { room: '#r', topic: 'second', by: 'owner' });

    // Mute within the room: the member cannot speak there, but can in the lobby.
    const muted = await owner.request('room_mute', { room: '#r', user: 'other', minutes: 5 });
    assert.equal(muted.user, 'other');
    assert.deepEqual(await member.next('room_muted'), { room: '#r', user: 'other', until: muted.until });
    const err = await refusal(other.request('send', { to: '#r', text: 'hello?' }));
    assert.deepEqual([err.code, err.until], ['MUTED', muted.until]);
    assert.equal(await outcome(other.request('send', { to: '#lobby', text: 'I can still talk here' })), 'OK');
    assert.equal(await outcome(other.request('react', { conv: '#lobby', seq: 1, emoji: '👍' })), 'OK', 'and react there');
    // Nor does the muted member's typing reach the room (it is dropped, not refused).
    assert.deepEqual(await other.request('typing', { to: '#r' }), {});
    await owner.request('send', { to: '#r', text: 'marker' });
    await member.nothingBefore('msg', (m) => m.text === 'marker', (e) => e.ev === 'typing', 'typing from a member muted in the room');
    const members = await member.request('members', { room: '#r' });
    // In order of joining, but three joins within one millisecond may come in any order.
    assert.deepEqual(members.members.map((m) => [m.user, m.owner, m.online, m.muted_until]).sort(), [
      ['member', false, true, null],
      ['other', false, true, muted.until],
      ['owner', true, true, null],
    ]);
    await owner.request('room_unmute', { room: '#r', user: 'other' });
    assert.deepEqual(await member.next('room_muted', (m) => m.until === null), { room: '#r', user: 'other', until: null });
    await other.request('typing', { to: '#r' });
    assert.deepEqual(await member.next('typing'), { conv: '#r', user: 'other' }, 'typing once unmuted');
    await other.request('send', { to: '#r', text: 'back' });

    // Remove: the removed member is told, and is out.
    await owner.request('remove', { room: '#r', user: 'other' });
    assert.deepEqual(await other.next('left', (l) => l.room === '#r'), { room: '#r', user: 'other', by: 'owner' });
    assert.equal((await refusal(other.request('send', { to: '#r', text: 'x' }))).code, 'NOT_A_MEMBER');
    assert.equal((await refusal(owner.request('remove', { room: '#r', user: 'owner' }))).code, 'FORBIDDEN', 'the owner cannot be removed');

    // Hand over: the new owner has the powers, the old one does not.
    assert.deepEqual(await owner.request('owner', { room: '#r', user: 'member' }), { room: '#r', owner: 'member' });
    assert.deepEqual(await member.next('owner'), { room: '#r', owner: 'member', by: 'owner' });
    assert.equal((await refusal(owner.request('topic', { room: '#r', topic: 'no' }))).code, 'FORBIDDEN');
    await member.request('topic', { room: '#r', topic: 'new owner' });
    assert.equal((await refusal(member.request('owner', { room: '#r', user: 'other' }))).code, 'NOT_A_MEMBER', 'only to a member');

    // The administrator: any room, without being its owner.
    const admin = await h.admin();
    await admin.request('topic', { room: '#r', topic: 'set by admin' });
    await admin.request('invite', { room: '#r', user: 'other' });
    await admin.request('remove', { room: '#r', user: 'owner' });
    assert.deepEqual((await member.request('members', { room: '#r' })).members.map((m) => m.user).sort(), ['member', 'other']);
    await owner.request('create', { room: '#priv', private: true });
    assert.equal((await admin.request('join', { room: '#priv' })).joined, true, 'even a private room');
  });

  it('checks room names: invalid, taken in any spelling, #lobby, unknown; topics', async () => {
    const alice = await h.user('alice');
    for (const bad of ['general', '#', '#has space', `#${'x'.repeat(33)}`, '#a:b', '##x']) {
      assert.equal((await refusal(alice.request('create', { room: bad }))).code, 'INVALID_NAME', bad);
    }
    await alice.request('create', { room: '#Caps' });
    assert.equal((await refusal(alice.request('create', { room: '#caps' }))).code, 'ROOM_EXISTS');
    assert.equal((await refusal(alice.request('create', { room: '#LOBBY' }))).code, 'ROOM_EXISTS');
    assert.equal((await refusal(alice.request('join', { room: '#no_such_room' }))).code, 'NO_SUCH_ROOM');
    assert.equal((await refusal(alice.request('send', { to: '#no_such_room', text: 'x' }))).code, 'NO_SUCH_ROOM');
    assert.equal((await refusal(alice.request('leave', { room: '#lobby' }))).code, 'BAD_REQUEST', 'nobody leaves #lobby');
    assert.equal((await refusal(alice.request('topic', { room: '#caps', topic: 'a\u001b[2J' }))).code, 'BAD_REQUEST');
    assert.equal((await refusal(alice.request('topic', { room: '#caps', topic: 't'.repeat(301) }))).code, 'TOO_LONG');
    assert.equal((await alice.request('topic', { room: '#caps', topic: 't'.repeat(300) })).topic.length, 300);
    assert.deepEqual((await alice.request('rooms', {})).rooms.find((r) => r.room === '#Caps')?.owner, 'alice');
  });

  it('tells members of joins and leaves, and a new connection of a member is in its rooms at once', async () => {
    const [a, b] = [await h.user('a'), await h.user('b')];
    await a.request('create', { room: '#r' });
    await b.request('join', { room: '#r' });
    assert.deepEqual(await a.next('joined'), { room: '#r', user: 'b', info: { room: '#r', topic: '', private: false, owner: 'a', members: 2, joined: true } });
    await b.request('leave', { room: '#r' });
    assert.deepEqual(await a.next('left'), { room: '#r', user: 'b' });
    // Offline, then back with the token: the membership comes from the store.
    a.close();
    await b.next('presence', (p) => p.user === 'a' && !p.online);
    const again = h.connect();
    await again.request('login', { token: a.token! });
    await b.request('join', { room: '#r' });
    await b.request('send', { to: '#r', text: 'are you there?' });
    assert.equal((await again.next('msg', (m) => m.conv === '#r')).text, 'are you there?');
  });
});

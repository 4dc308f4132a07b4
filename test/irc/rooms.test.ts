import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { PASSWORD, newUser, nextEvent, record, uniqueName, waitUntil } from '../helpers/clients.js';
import { IrcTestClient, newIrcUser } from '../helpers/irc-client.js';
import { ircSuite } from '../helpers/irc-suite.js';
import { startTestServer } from '../helpers/server.js';
import { expectNothingBefore } from '../helpers/wait.js';

describe('IRC gateway: rooms are channels', () => {
  const suite = ircSuite();

  const ircUser = suite.newIrcUser;

  const room = (): string => `#${uniqueName('r')}`;

  it('JOIN creates a public room owned by the joiner; its messages stay in the room', async () => {
    const { irc, name } = await ircUser();
    const v1 = await newUser(suite.server.tcpPort);
    const lobbyWatcher = await newUser(suite.server.tcpPort);
    const r = room();
    irc.send(`JOIN ${r}`);
    await irc.expect((l) => l.command === 'JOIN' && l.params[0] === r && l.source === `${name}!${name}@banter`);
    const names = await irc.expectCommand('353', name, '=', r);
    assert.ok(!irc.lines.some((l) => l.command === '331' && l.params[1] === r), 'no RPL_NOTOPIC in the JOIN burst (Modern)');
    assert.equal(names.params[3], `@${name}`, 'the creator is the owner, shown as @');
    await irc.expectCommand('366', name, r);
    const { rooms } = await v1.client.request('rooms', {});
    const info = rooms.find((x) => x.room === r);
    assert.ok(info && !info.private && info.owner === name && info.members === 1, 'a public room owned by the IRC user');

    await v1.client.request('join', { room: r });
    await irc.expect((l) => l.command === 'JOIN' && l.params[0] === r && l.source === `${v1.name}!${v1.name}@banter`);
    const roomMsgs = record(v1.client, 'msg');
    const lobbyMsgs = record(lobbyWatcher.client, 'msg');
    irc.send(`PRIVMSG ${r} :only for the room`);
    await waitUntil(() => roomMsgs.some((m) => m.conv === r && m.text === 'only for the room' && m.from === name), 'the room member to get it');
    irc.send('PRIVMSG #lobby :marker after the room message');
    await expectNothingBefore(lobbyMsgs, { marker: (m) => m.text === 'marker after the room message', unwanted: (m) => m.text === 'only for the room', what: 'the lobby does not see room messages' });

    await v1.client.request('send', { to: r, text: 'hello room from v1' });
    const got = await irc.expect((l) => l.command === 'PRIVMSG' && l.params[1] === 'hello room from v1');
    assert.equal(got.params[0], r);
    assert.equal(got.source, `${v1.name}!${v1.name}@banter`);

    irc.send(`NAMES ${r}`);
    const again = await irc.expectCommand('353', name, '=', r);
    assert.deepEqual(again.params[3]!.split(' ').sort(), [`@${name}`, v1.name].sort());
    irc.close();
    v1.client.close();
    lobbyWatcher.client.close();
  });

  it('a private room is 473 until invited; a v1 invite brings an INVITE line, then JOIN works', async () => {
    const { irc, name } = await ircUser();
    const owner = await newUser(suite.server.tcpPort);
    const r = room();
    await owner.client.request('create', { room: r, private: true, topic: 'secret plans' });
    irc.send(`JOIN ${r}`);
    await irc.expectCommand('473', name, r);
    irc.send(`PRIVMSG ${r} :let me in`);
    await irc.expectCommand('404', name, r);
    await owner.client.request('invite', { room: r, user: name });
    const inv = await irc.expect((l) => l.command === 'INVITE');
    assert.deepEqual(inv.params, [name, r]);
    assert.equal(inv.source, `${owner.name}!${owner.name}@banter`);
    // Banter's invite makes a member at once: the channel is shown joined, with its topic.
    await irc.expect((l) => l.command === 'JOIN' && l.params[0] === r);
    await irc.expectCommand('332', name, r, 'secret plans');
    const names = await irc.expectCommand('353', name, '*', r);
    assert.deepEqual(names.params[3]!.split(' ').sort(), [`@${owner.name}`, name].sort());
    irc.send(`JOIN ${r}`);
    irc.send(`MODE ${r}`);
    const mode = await irc.expectCommand('324', name, r);
    assert.equal(mode.params[2], '+int');
    assert.ok(!irc.lines.some((l) => l.command === '473' && irc.lines.indexOf(l) > irc.lines.indexOf(inv)), 'no 473 after the invitation');
    irc.close();
    owner.client.close();
  });

  it('TOPIC: the owner sets it, others get 482; KICK by the owner removes; PART leaves the room', async () => {
    const { irc: ownerIrc, name: ownerName } = await ircUser();
    const { irc: guestIrc, name: guestName } = await ircUser();
    const v1 = await newUser(suite.server.tcpPort);
    const r = room();
    ownerIrc.send(`JOIN ${r}`);
    await ownerIrc.expectCommand('366', ownerName, r);
    guestIrc.send(`JOIN ${r}`);
    await guestIrc.expectCommand('366', guestName, r);
    await v1.client.request('join', { room: r });

    guestIrc.send(`TOPIC ${r} :my topic`);
    await guestIrc.expectCommand('482', guestName, r);
    const topicEvent = nextEvent(v1.client, 'topic', (t) => t.room === r);
    ownerIrc.send(`TOPIC ${r} :the owner's topic`);
    assert.equal((await topicEvent).topic, "the owner's topic");
    const seen = await guestIrc.expect((l) => l.command === 'TOPIC' && l.params[0] === r);
    assert.equal(seen.params[1], "the owner's topic");
    assert.equal(seen.source, `${ownerName}!${ownerName}@banter`);
    guestIrc.send(`TOPIC ${r}`);
    await guestIrc.expectCommand('332', guestName, r, "the owner's topic");

    guestIrc.send(`KICK ${r} ${v1.name} :go away`);
    await guestIrc.expectCommand('482', guestName, r);
    ownerIrc.send(`KICK ${r} ${v1.name} :go away`);
    const kick = await guestIrc.expect((l) => l.command === 'KICK' && l.params[0] === r);
    assert.equal(kick.params[1], v1.name);
    let members = (await ownerIrcMembers()).map((m) => m.user);
    assert.ok(!members.includes(v1.name), 'the kicked user is no member');

    guestIrc.send(`PART ${r} :bye now`);
    const part = await guestIrc.expect((l) => l.command === 'PART' && l.params[0] === r && l.source === `${guestName}!${guestName}@banter`);
    assert.equal(part.params[1], 'bye now');
    await ownerIrc.expect((l) => l.command === 'PART' && l.params[0] === r && l.source === `${guestName}!${guestName}@banter`);
    members = (await ownerIrcMembers()).map((m) => m.user);
    assert.deepEqual(members, [ownerName], 'the server-side membership is gone');
    guestIrc.send(`PART ${r}`);
    await guestIrc.expectCommand('442', guestName, r);

    async function ownerIrcMembers(): Promise<{ user: string }[]> {
      // Checked with v1 `members` as the owner sees it (v1 rejoins to look if it was removed).
      const owner = await newUser(suite.server.tcpPort);
      await owner.client.request('join', { room: r });
      const { members: list } = await owner.client.request('members', { room: r });
      await owner.client.request('leave', { room: r });
      owner.client.close();
      return list.filter((m) => m.user !== owner.name);
    }
    ownerIrc.close();
    guestIrc.close();
    v1.client.close();
  });

  it('LIST shows public rooms with counts and topics; a registration joins the rooms the user is in', async () => {
    const { irc, name } = await ircUser();
    const v1 = await newUser(suite.server.tcpPort);
    const r = room();
    await v1.client.request('create', { room: r, topic: 'listed topic' });
    irc.send('LUSERS');
    const channels = await irc.expectCommand('254', name);
    assert.ok(Number(channels.params[1]) >= 2, '#lobby and at least this room');
    irc.send('LIST');
    const entry = await irc.expect((l) => l.command === '322' && l.params[1] === r);
    assert.equal(entry.params[2], '1');
    assert.match(entry.params[3]!, /listed topic/);
    await irc.expectCommand('323', name);
    irc.send(`JOIN ${r}`);
    await irc.expectCommand('366', name, r);
    irc.close();
    await waitUntil(() => !suite.server.chat.online.get(name.toLowerCase()), 'the IRC session to end');
    const back = await IrcTestClient.login(suite.port, name, PASSWORD);
    await back.expect((l) => l.command === 'JOIN' && l.params[0] === r);
    await back.expectCommand('332', name, r, 'listed topic');
    await back.expectCommand('366', name, r);
    back.close();
    v1.client.close();
  });

  it('edits, deletes and reactions from v1 reach IRC; room mute is 404; CHATHISTORY reads the room', async () => {
    const { irc, name } = await ircUser(['message-tags', 'batch', 'draft/chathistory']);
    const v1 = await newUser(suite.server.tcpPort);
    const r = room();
    await v1.client.request('create', { room: r });
    await v1.client.request('invite', { room: r, user: name });
    await irc.expectCommand('366', name, r);
    const sent = await v1.client.request('send', { to: r, text: 'first version' });
    const msg = await irc.expect((l) => l.command === 'PRIVMSG' && l.params[1] === 'first version');
    const msgid = msg.tags.get('msgid');
    assert.ok(msgid);
    await v1.client.request('edit', { conv: r, seq: sent.seq, text: 'second version' });
    const edit = await irc.expect((l) => l.command === 'NOTICE' && l.params[0] === r);
    assert.equal(edit.params[1], `* ${v1.name} edited: second version`);
    assert.equal(edit.tags.get('+draft/reply'), msgid);
    await v1.client.request('react', { conv: r, seq: sent.seq, emoji: '👍' });
    const react = await irc.expect((l) => l.command === 'TAGMSG' && l.params[0] === r);
    assert.equal(react.tags.get('+draft/react'), '👍');
    assert.equal(react.tags.get('+draft/reply'), msgid);
    assert.equal(react.source, `${v1.name}!${v1.name}@banter`);
    // And from IRC: a +draft/react TAGMSG is Banter's react; +draft/unreact takes it back.
    const updates = record(v1.client, 'update');
    const reacted = nextEvent(v1.client, 'update', (u) => u.conv === r && (u.reactions?.['🎉'] ?? []).includes(name));
    irc.send(`@+draft/react=🎉;+draft/reply=${msgid} TAGMSG ${r}`);
    await reacted;
    irc.send(`@+draft/react=🎉;+draft/reply=${msgid} TAGMSG ${r}`); // already there: no toggle
    const unreacted = nextEvent(v1.client, 'update', (u) => u.conv === r && !(u.reactions?.['🎉'] ?? []).includes(name));
    irc.send(`@+draft/unreact=🎉;+draft/reply=${msgid} TAGMSG ${r}`);
    const after = await unreacted;
    assert.deepEqual(after.reactions, { '👍': [v1.name] });
    await v1.client.request('react', { conv: r, seq: sent.seq, emoji: '🎈' }); // a later change, as a marker
    await waitUntil(() => updates.some((u) => u.reactions?.['🎈'] !== undefined), 'the marker reaction');
    assert.equal(updates.findIndex((u) => u.reactions?.['🎈'] !== undefined), 2, 'the repeated +draft/react changed nothing: one update to add, one to take off');
    await v1.client.request('delete', { conv: r, seq: sent.seq });
    const del = await irc.expect((l) => l.command === 'NOTICE' && l.params[0] === r);
    assert.equal(del.params[1], `* a message from ${v1.name} was deleted`);

    // The same for a private conversation: the NOTICE is addressed to the IRC user.
    const dm = await v1.client.request('send', { to: `@${name}`, text: 'private draft' });
    await irc.expect((l) => l.command === 'PRIVMSG' && l.params[1] === 'private draft');
    await v1.client.request('edit', { conv: `@${name}`, seq: dm.seq, text: 'private final' });
    const dmEdit = await irc.expect((l) => l.command === 'NOTICE' && l.params[1]?.includes('private final') === true);
    assert.deepEqual(dmEdit.params, [name, `* ${v1.name} edited: private final`]);

    irc.send(`MODE ${r} +q ${v1.name}`);
    await irc.expectCommand('482', name, r);
    await v1.client.request('room_mute', { room: r, user: name });
    await irc.expect((l) => l.command === 'MODE' && l.params[0] === r && l.params[1] === '+q' && l.params[2] === name);
    irc.send(`PRIVMSG ${r} :am I muted?`);
    const roomMuted = await irc.expectCommand('404', name, r);
    assert.equal(roomMuted.params[2], 'Cannot send to channel (you are muted in it)', 'a room mute is told apart from a server-wide one');
    const why = await irc.expect((l) => l.command === 'NOTICE' && l.params[1]?.startsWith(`you are muted in ${r}`) === true);
    assert.match(why.params[1]!, /; your message was not delivered$/);
    await v1.client.request('room_unmute', { room: r, user: name });
    await irc.expect((l) => l.command === 'MODE' && l.params[1] === '-q');
    irc.send(`PRIVMSG ${r} :free again`);
    irc.send(`CHATHISTORY LATEST ${r} * 10`);
    await irc.expect((l) => l.command === 'BATCH' && l.params[0]!.startsWith('-'));
    const replayed = irc.lines.filter((l) => l.command === 'PRIVMSG' && l.params[0] === r && l.tags.has('batch')).map((l) => l.params[1]);
    assert.deepEqual(replayed, ['free again']);

    // Ownership handed over with MODE +o.
    v1.client.request('send', { to: r, text: 'x' }).catch(() => undefined);
    await v1.client.request('owner', { room: r, user: name });
    await irc.expect((l) => l.command === 'MODE' && l.params[0] === r && l.params.includes(name) && l.params[1]!.includes('+o'));
    irc.send(`MODE ${r} +o ${v1.name}`);
    const back = await nextEvent(v1.client, 'owner', (o) => o.room === r);
    assert.equal(back.owner, v1.name);
    irc.close();
    v1.client.close();
  });
  it('JOIN takes a comma list; IRC INVITE is 341 and brings the invitee in; WHO #room; JOIN 0 leaves every room', async () => {
    const { irc, name } = await ircUser();
    const { irc: friend, name: friendName } = await ircUser();
    const [a, b] = [room(), room()];
    irc.send(`JOIN ${a},${b}`);
    await irc.expectCommand('366', name, a);
    await irc.expectCommand('366', name, b);
    irc.send(`INVITE ${friendName} ${a}`);
    await irc.expectCommand('341', name, friendName, a);
    const inv = await friend.expect((l) => l.command === 'INVITE');
    assert.deepEqual(inv.params, [friendName, a]);
    await friend.expectCommand('366', friendName, a);
    await waitUntil(() => irc.lines.some((l) => l.command === 'JOIN' && l.params[0] === a && l.source === `${friendName}!${friendName}@banter`), 'the owner to see the JOIN');
    // Not in the room: 442 comes before the lack of rights (RFC 2812 §3.2.7).
    friend.send(`INVITE ${name} ${b}`);
    await friend.expectCommand('442', friendName, b);
    irc.send(`WHOIS ${friendName}`);
    const channels = await irc.expectCommand('319', name, friendName);
    assert.deepEqual(channels.params[2]!.split(' '), ['#lobby', a], 'WHOIS lists the rooms both are in');
    irc.send(`WHO ${a}`);
    const who = [await irc.expectCommand('352', name, a), await irc.expectCommand('352', name, a)];
    assert.deepEqual(who.map((l) => `${l.params[5]} ${l.params[6]}`).sort(), [`${friendName} H`, `${name} H@`].sort());
    await irc.expectCommand('315', name, a);
    irc.send('JOIN 0');
    await irc.expect((l) => l.command === 'PART' && l.params[0] === '#lobby');
    await irc.expect((l) => l.command === 'PART' && l.params[0] === a);
    await irc.expect((l) => l.command === 'PART' && l.params[0] === b);
    await friend.expect((l) => l.command === 'PART' && l.params[0] === a && l.source === `${name}!${name}@banter`);
    friend.send(`NAMES ${a}`);
    const names = await friend.expectCommand('353', friendName, '=', a);
    assert.equal(names.params[3], friendName, 'the owner left (and stays the owner, not shown: not a member)');
    irc.close();
    friend.close();
  });
});

describe('IRC gateway: room commands given bad input', () => {
  const suite = ircSuite();

  it('answers every malformed or refused room command with its numeric, and the connection stays', async () => {
    const { client, name } = await newUser(suite.server.tcpPort);
    client.close();
    await waitUntil(() => !suite.server.chat.online.get(name.toLowerCase()), 'the registering session to go');
    const irc = await IrcTestClient.login(suite.server.ircPort!, name, PASSWORD);
    const other = await newUser(suite.server.tcpPort);
    const r = `#${uniqueName('bad')}`;
    await other.client.request('create', { room: r });
    irc.send(`PRIVMSG #nosuchroom${process.pid} :hello?`);
    await irc.expectCommand('403', name, `#nosuchroom${process.pid}`);
    irc.send(`PRIVMSG ${r} :not a member`);
    await irc.expectCommand('404', name, r);
    irc.send('PRIVMSG #a:b :bad name');
    await irc.expectCommand('403', name, '#a:b');
    irc.send(`JOIN ${Array.from({ length: 30 }, (_, i) => `#x${i}:y`).join(',')}`);
    await irc.expectCommand('403', name, '#x19:y');
    irc.send('KICK #a:b someone');
    await irc.expectCommand('403', name, '#a:b');
    irc.send(`KICK ${r} ${other.name}`);
    await irc.expectCommand('482', name, r);
    irc.send(`INVITE ${other.name} #nope${process.pid}`);
    await irc.expectCommand('403', name, `#nope${process.pid}`);
    irc.send(`INVITE ${other.name} #lobby`);
    await irc.expectCommand('443', name, other.name, '#lobby');
    irc.send(`TOPIC ${r} :not mine`);
    await irc.expectCommand('482', name, r);
    irc.send(`JOIN ${r}`);
    await irc.expectCommand('366', name, r);
    irc.send(`MODE ${r} +z ${other.name}`);
    await irc.expectCommand('472', name, 'z');
    irc.send(`MODE ${r} -o ${other.name}`);
    await irc.expectCommand('472', name, 'o');
    irc.send(`MODE ${r} +i`);
    await irc.expectCommand('472', name, 'i');
    irc.send(`MODE ${r} +o ${name}`);
    await irc.expectCommand('482', name, r);
    irc.send(`KICK ${r} no_such_user_${process.pid}`);
    await irc.expectCommand('482', name, r);
    irc.send(`TOPIC ${r} :${'x'.repeat(301)}`);
    await irc.expect((l) => l.command === '482' || l.command === 'NOTICE');
    irc.send('PING :still-here');
    await irc.expectCommand('PONG');
    assert.ok(!irc.closed);
    irc.close();
    other.client.close();
  });
});

describe('IRC gateway: a big room batches its joins and leaves', () => {
  const suite = ircSuite({ roomQuietSize: 3 });

  it('members events become JOIN and PART lines for the names listed', async () => {
    const { client, name } = await newUser(suite.server.tcpPort);
    client.close();
    await waitUntil(() => !suite.server.chat.online.get(name.toLowerCase()), 'the registering session to go');
    const irc = await IrcTestClient.login(suite.server.ircPort!, name, PASSWORD);
    const r = `#${uniqueName('big')}`;
    irc.send(`JOIN ${r}`);
    await irc.expectCommand('366', name, r);
    const others = await Promise.all([1, 2, 3, 4].map(() => newUser(suite.server.tcpPort)));
    const batches = record(others[1]!.client, 'members');
    for (const o of others) await o.client.request('join', { room: r });
    await others[0]!.client.request('leave', { room: r });
    // The first joins are announced one by one (the room is small), the later ones batched.
    for (const o of others.slice(1)) await irc.expect((l) => l.command === 'JOIN' && l.params[0] === r && l.source === `${o.name}!${o.name}@banter`, 5000);
    await irc.expect((l) => l.command === 'PART' && l.params[0] === r && l.source === `${others[0]!.name}!${others[0]!.name}@banter`, 5000);
    assert.ok(batches.length > 0, 'the room was big enough for batched members events');
    irc.close();
    for (const o of others) o.client.close();
  });

  it('past the cap on rooms, JOIN gets 405 ERR_TOOMANYCHANNELS with the reason', async () => {
    const capped = await startTestServer({ ircPort: 0, maxRoomsJoined: 2 });
    try {
      const { irc, name } = await newIrcUser(capped);
      const [a, b, c] = [1, 2, 3].map(() => `#${uniqueName('r')}`) as [string, string, string];
      for (const r of [a, b]) {
        irc.send(`JOIN ${r}`);
        await irc.expectCommand('366', name, r);
      }
      irc.send(`JOIN ${c}`);
      const refused = await irc.expectCommand('405', name, c);
      assert.match(refused.params[2]!, /^You have joined too many channels \(.+\)$/);
      irc.close();
    } finally {
      await capped.dispose();
    }
  });
});

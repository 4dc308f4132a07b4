import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { PASSWORD, connect, newUser, uniqueName } from '../helpers/clients.js';
import { CLI, startTestServer, type TestServer } from '../helpers/server.js';
import { Tmux, hasTmux } from '../helpers/tmux.js';
import { waitUntil } from '../helpers/wait.js';

describe('terminal client: rooms, edits, reactions, read markers (tmux)', { skip: hasTmux ? false : 'tmux is not installed' }, () => {
  let server: TestServer;
  let tui: Tmux | undefined;
  before(async () => (server = await startTestServer()));
  after(async () => {
    tui?.kill();
    await server.dispose();
  });

  it('creates and joins rooms, shows topics, edits, deletes, reactions, and unread counts from the server', async () => {
    const me = await newUser(server.tcpPort, uniqueName('tuiroom'));
    const friend = await newUser(server.tcpPort, uniqueName('friend'));
    tui = new Tmux(`node ${CLI} chat 127.0.0.1:${server.tcpPort} --user ${me.name}`);
    await tui.waitFor(/log in/, 'the login screen');
    tui.type(PASSWORD);
    tui.keys('Enter');
    await tui.waitFor(/● online/, 'the chat screen');

    // A room of my own, with a topic: the header shows it, the pane lists it.
    tui.type('/create #treehouse up in the oak');
    tui.keys('Enter');
    await tui.waitFor(/Banter · #treehouse · up in the oak/, 'the room open, with its topic');
    await tui.waitFor(/You created #treehouse/, 'the confirmation');
    await friend.client.request('join', { room: '#treehouse' });
    await tui.waitFor(new RegExp(`${friend.name} joined`), 'the join');
    const { seq } = await friend.client.request('send', { to: '#treehouse', text: 'nice treehouse' });
    await tui.waitFor(new RegExp(`${friend.name}: nice treehouse`), 'the friend\'s message');

    tui.type('/react 1 thumbsup');
    tui.keys('Enter');
    await tui.waitFor(new RegExp(`👍 1 \\(${me.name}\\)`), 'my reaction under the message');
    const [stored] = (await friend.client.request('history', { conv: '#treehouse', after: seq - 1, limit: 1 })).messages;
    assert.deepEqual(stored?.reactions, { '👍': [me.name] }, 'stored on the server');
    await friend.client.request('edit', { conv: '#treehouse', seq, text: 'very nice treehouse' });
    await tui.waitFor(/very nice treehouse \(edited\)/, 'the friend\'s edit');

    tui.type('thank yuo');
    tui.keys('Enter');
    await tui.waitFor(new RegExp(`${me.name}: thank yuo`), 'my message');
    tui.type('/edit thank you');
    tui.keys('Enter');
    await tui.waitFor(new RegExp(`${me.name}: thank you \\(edited\\)`), 'my edit');
    tui.type('/delete');
    tui.keys('Enter');
    await tui.waitFor(new RegExp(`${me.name}: \\(deleted\\)`), 'my delete');

    // Invited to a private room: it shows in the pane; a message there is unread...
    await friend.client.request('create', { room: '#secret', private: true });
    await friend.client.request('invite', { room: '#secret', user: me.name });
    await tui.waitFor(/#secret/, 'the private room in the pane');
    await friend.client.request('send', { to: '#secret', text: 'psst' });
    await friend.client.request('send', { to: '#secret', text: 'psst again' });
    await tui.waitFor(/#secret \(2\)/, 'its unread count');
    // ...until read on another device: the server's marker clears the badge here.
    const phone = await connect(server.tcpPort);
    await phone.request('login', { token: me.token });
    await phone.request('read', { conv: '#secret', seq: 2 });
    await waitUntil(() => !/#secret \(2\)/.test(tui!.screen()), { what: 'the badge to clear', timeoutMs: 8000, state: () => tui!.screen() });
    phone.close();

    tui.type('/join #secret');
    tui.keys('Enter');
    await tui.waitFor(/psst again/, 'the private room open');
    tui.type('/leave');
    tui.keys('Enter');
    await tui.waitFor(/You left #secret/, 'leaving');
    await tui.waitFor(/Banter · #lobby/, 'back in the lobby');
    const { rooms } = await me.client.request('rooms', {});
    assert.deepEqual(rooms.filter((r) => r.joined).map((r) => r.room), ['#treehouse']);
    friend.client.close();
    me.client.close();
  });

  it('/rooms shows a page, and /rooms more the next one', async () => {
    tui?.kill();
    const me = await newUser(server.tcpPort, uniqueName('tuipages'));
    // With the first test's public #treehouse, 22 rooms to list (its #secret is private).
    const names = Array.from({ length: 21 }, (_, i) => `#zpage${String(i).padStart(2, '0')}`);
    for (const room of names) await me.client.request('create', { room });
    tui = new Tmux(`node ${CLI} chat 127.0.0.1:${server.tcpPort} --user ${me.name}`);
    await tui.waitFor(/log in/, 'the login screen');
    tui.type(PASSWORD);
    tui.keys('Enter');
    await tui.waitFor(/● online/, 'the chat screen');
    tui.type('/rooms');
    tui.keys('Enter');
    // The log's lines ("* #room (members)"), not the pane's list of my rooms.
    const first = await tui.waitFor(/more… \/rooms more/, 'the first page, and more');
    assert.match(first, /#treehouse \(2\)/);
    assert.match(first, /\* #zpage18 \(1\)/, 'twenty rooms: #treehouse, #zpage00-18');
    assert.doesNotMatch(first, /\* #zpage19/);
    tui.type('/rooms more');
    tui.keys('Enter');
    await tui.waitFor(/\* #zpage20 \(1\)/, 'the next page');
    assert.match(tui.screen(), /\* #zpage19 \(1\)/);
    tui.type('/rooms more');
    tui.keys('Enter');
    await tui.waitFor(/No more rooms/, 'the end of the list');
    me.client.close();
  });
});

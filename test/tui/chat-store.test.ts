import assert from 'node:assert/strict';
import { after, afterEach, before, describe, it } from 'node:test';
import type { BanterClient } from '../../src/client/index.js';
import { LOBBY } from '../../src/protocol/index.js';
import { adminClient, newUser, uniqueName, waitUntil } from '../helpers/clients.js';
import { startTestServer, type TestServer } from '../helpers/server.js';
import { rowsOf, storeOf } from './tui-fixtures.js';

describe('terminal client store (no terminal)', () => {
  let server: TestServer;
  let admin: BanterClient;
  const cleanups: (() => void)[] = [];
  before(async () => {
    server = await startTestServer();
    admin = await adminClient(server.tcpPort);
  });
  afterEach(() => cleanups.splice(0).forEach((c) => c()));
  after(async () => {
    admin.close();
    await server.dispose();
  });
  const open = async () => {
    const s = await storeOf(server.tcpPort);
    cleanups.push(s.dispose);
    return s;
  };
  const friendOf = async () => {
    const friend = await newUser(server.tcpPort, uniqueName('friend'));
    cleanups.push(() => friend.client.close());
    return friend;
  };

  it('opens the lobby with its newest page, then merges live messages and edits in seq order', async () => {
    const friend = await friendOf();
    const marker = uniqueName('page');
    for (let i = 0; i < 3; i++) await friend.client.request('send', { to: LOBBY, text: `${marker} ${i}` });
    const { store } = await open();
    await waitUntil(() => rowsOf(store).some((r) => r.endsWith(`${marker} 2`)), 'the first page');
    const mine = rowsOf(store).filter((r) => r.includes(marker));
    assert.deepEqual(mine, [0, 1, 2].map((i) => `${friend.name}: ${marker} ${i}`));

    const { seq } = await friend.client.request('send', { to: LOBBY, text: `${marker} live` });
    await waitUntil(() => rowsOf(store).at(-1) === `${friend.name}: ${marker} live`, 'the live message, last');
    await friend.client.request('edit', { conv: LOBBY, seq, text: `${marker} edited` });
    await waitUntil(() => rowsOf(store).at(-1) === `${friend.name}: ${marker} edited`, 'the edit in place');
    const seqs = (store.getSnapshot().items[LOBBY] ?? []).flatMap((it) => (it.kind === 'msg' ? [it.m.seq] : []));
    assert.deepEqual(seqs, [...seqs].sort((a, b) => a - b), 'each message once, in seq order');
    assert.equal(new Set(seqs).size, seqs.length);
  });

  it('tells listeners once per turn, however many changes it made', async () => {
    const { store } = await open();
    let calls = 0;
    const off = store.subscribe(() => calls++);
    store.say('one');
    store.say('two');
    store.say('three');
    assert.deepEqual(rowsOf(store).slice(-3), ['[info] one', '[info] two', '[info] three'], 'the snapshot changes at once');
    assert.equal(calls, 0);
    await Promise.resolve();
    assert.equal(calls, 1);
    off();
  });

  it('shows room events, notices, typing, unread counts and a mute where they belong', async () => {
    const { store, session, name } = await open();
    const friend = await friendOf();
    const room = `#${uniqueName('den')}`;
    await session.createRoom(room);
    store.open(room);
    await friend.client.request('join', { room });
    await waitUntil(() => rowsOf(store, room).includes(`[info] ${friend.name} joined`), 'the join in the room');

    await admin.request('notice', { text: 'maintenance at noon' });
    await waitUntil(() => rowsOf(store, room).includes('[notice] admin: maintenance at noon'), 'the notice in the open room');
    assert.ok(rowsOf(store, LOBBY).includes('[notice] admin: maintenance at noon'), 'and in the lobby');

    await friend.client.request('typing', { to: room });
    await waitUntil(() => (store.getSnapshot().typing[room] ?? []).includes(friend.name), 'the typing hint');

    await friend.client.request('send', { to: `@${name}`, text: 'psst' });
    await waitUntil(() => store.getSnapshot().unread[`@${friend.name}`] === 1, 'an unread private message');
    store.open(`@${friend.name}`);
    await waitUntil(() => rowsOf(store).includes(`${friend.name}: psst`), 'the private chat, fetched on opening');
    await waitUntil(() => store.getSnapshot().unread[`@${friend.name}`] === 0, 'read once open');

    await admin.request('mute', { user: name, minutes: 5, reason: 'too loud' });
    await waitUntil(() => typeof store.getSnapshot().mutedUntil === 'number', 'the mute');
    assert.ok(rowsOf(store).some((r) => /^\[warn\] You are muted until .*: too loud\.$/.test(r)), rowsOf(store).join('\n'));
  });

  it('scrolls back a screen at a time, fetching older pages at the top, and forward again', async () => {
    const friend = await friendOf();
    const { store, session } = await open();
    const room = `#${uniqueName('long')}`;
    await friend.client.request('create', { room });
    for (let i = 1; i <= 60; i++) await friend.client.request('send', { to: room, text: `line ${i}` });
    await session.join(room);
    store.open(room);
    await waitUntil(() => rowsOf(store).includes(`${friend.name}: line 60`), 'the newest page');
    assert.equal(rowsOf(store).filter((r) => r.includes('line ')).length, 50, 'one page of 50');

    store.scrollUp(20);
    assert.equal(store.getSnapshot().scroll, 19, 'a screen less one row, so one row stays in view');
    const shown = rowsOf(store).length;
    store.scrollUp(20); // the top of what is here: stops there, and the page before it is fetched
    assert.equal(store.getSnapshot().scroll, shown - 20);
    await waitUntil(() => rowsOf(store).includes(`${friend.name}: line 1`), 'the older page');
    assert.equal(rowsOf(store).filter((r) => r.includes('line ')).length, 60);
    store.scrollDown(20);
    assert.equal(store.getSnapshot().scroll, shown - 20 - 19);
    store.scrollToNewest();
    assert.equal(store.getSnapshot().scroll, 0);
    store.scrollUp(20);
    store.open(LOBBY);
    assert.equal(store.getSnapshot().scroll, 0, 'another conversation opens at its newest row');
  });

  it('moves in the conversation list and opens what is chosen', async () => {
    const { store, session } = await open();
    const room = `#${uniqueName('pane')}`;
    await session.createRoom(room);
    await waitUntil(() => store.paneEntries().includes(room), 'my room in the list');
    assert.deepEqual(store.paneEntries().slice(0, 2), [LOBBY, room]);

    store.togglePaneFocus();
    assert.deepEqual(store.getSnapshot().pane, { open: true, focus: true, index: 0 });
    store.movePane(-1);
    assert.equal(store.getSnapshot().pane.index, 0, 'not above the first entry');
    store.movePane(1);
    store.choosePane();
    assert.equal(store.getSnapshot().current, room);
    assert.equal(store.getSnapshot().pane.focus, false, 'the keys go back to the input line');

    store.togglePane();
    assert.deepEqual(store.getSnapshot().pane, { open: false, focus: false, index: 1 });
    store.togglePaneFocus();
    assert.deepEqual(store.getSnapshot().pane, { open: true, focus: true, index: 1 }, 'Tab opens a hidden list at the open conversation');
    store.blurPane();
    assert.equal(store.getSnapshot().pane.focus, false);
  });

  it('says why the session ended when the user is kicked', async () => {
    const { store, name } = await open();
    await admin.request('kick', { user: name, reason: 'enough' });
    await waitUntil(() => store.getSnapshot().ended !== undefined, 'the end');
    assert.equal(store.getSnapshot().ended, 'You were kicked: enough');
  });
});

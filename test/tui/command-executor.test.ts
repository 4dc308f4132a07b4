import assert from 'node:assert/strict';
import { after, afterEach, before, describe, it } from 'node:test';
import type { BanterClient } from '../../src/client/index.js';
import { LOBBY } from '../../src/protocol/index.js';
import { CommandExecutor } from '../../src/tui/command-executor.js';
import { HELP } from '../../src/tui/commands.js';
import { adminClient, newUser, uniqueName, waitUntil } from '../helpers/clients.js';
import { startTestServer, type TestServer } from '../helpers/server.js';
import { rowsOf, storeOf } from './tui-fixtures.js';

describe('terminal client commands (no terminal)', () => {
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
  /** A logged-in user's store and the executor of what they type. */
  const typist = async (httpBase?: string) => {
    const s = await storeOf(server.tcpPort);
    cleanups.push(s.dispose);
    let quits = 0;
    const exec = new CommandExecutor(s.store, { httpBase: () => httpBase, quit: () => quits++ });
    return { ...s, exec, quits: () => quits };
  };
  const friendOf = async () => {
    const friend = await newUser(server.tcpPort, uniqueName('friend'));
    cleanups.push(() => friend.client.close());
    return friend;
  };

  it('sends plain text to the open conversation and /msg to a person, opening that chat', async () => {
    const { store, exec, name } = await typist();
    const friend = await friendOf();
    const text = uniqueName('hello');
    await exec.submit(text);
    await waitUntil(() => rowsOf(store, LOBBY).includes(`${name}: ${text}`), 'my lobby message');
    await exec.submit(`/msg ${friend.name} just us`);
    assert.equal(store.getSnapshot().current, `@${friend.name}`);
    await waitUntil(() => rowsOf(store).includes(`${name}: just us`), 'the private message');
    const { messages } = await friend.client.request('history', { conv: `@${name}` });
    assert.deepEqual(messages.map((m) => m.text), ['just us']);
  });

  it('/msg user without text opens the chat, with someone offline too, spelled as the server spells the name', async () => {
    const { store, exec } = await typist();
    const away = await newUser(server.tcpPort, uniqueName('Away'));
    away.client.close();
    await exec.submit(`/msg @${away.name.toLowerCase()}`);
    assert.equal(store.getSnapshot().current, `@${away.name}`);
    await exec.submit(`/msg ${away.name}-nobody`);
    assert.equal(rowsOf(store).at(-1), `[warn] No user named ${away.name}-nobody.`);
    assert.equal(store.getSnapshot().current, `@${away.name}`, 'stays where it was');
  });

  it('creates, joins, describes and leaves rooms', async () => {
    const { store, exec, name } = await typist();
    const friend = await friendOf();
    const room = `#${uniqueName('club')}`;
    await exec.submit(`/members`);
    assert.equal(rowsOf(store).at(-1), '[warn] Open a room first (/join #room), or name one.');
    await exec.submit(`/create ${room.slice(1)} a quiet place`);
    assert.equal(store.getSnapshot().current, room, '"club" names #club');
    assert.equal(rowsOf(store).at(-1), `[info] You created ${room}`);
    await exec.submit('/topic now loud');
    await waitUntil(() => rowsOf(store).includes(`[info] ${name} set the topic: now loud`), 'the topic event');
    await exec.submit(`/invite ${friend.name}`);
    await waitUntil(() => rowsOf(store).includes(`[info] ${friend.name} was invited by ${name}`), 'the invitation');
    await exec.submit('/members');
    assert.match(rowsOf(store).at(-1) ?? '', new RegExp(`^\\[info\\] ${room} \\(2\\): .*${name} \\(owner\\) ●`));

    await exec.submit('/leave');
    assert.equal(store.getSnapshot().current, LOBBY, 'back in the lobby');
    assert.equal(rowsOf(store).at(-1), `[info] You left ${room}.`);
    await exec.submit(`/join ${room}`);
    assert.equal(store.getSnapshot().current, room);
    assert.equal(rowsOf(store).at(-1), `[info] You joined ${room} — now loud`);
  });

  it('lists rooms a page at a time and says when there are no more', async () => {
    const { store, exec, session } = await typist();
    const room = `#${uniqueName('listed')}`;
    await session.createRoom(room, { topic: 'on the list' });
    await exec.submit('/rooms more');
    assert.equal(rowsOf(store).at(-1), '[info] No more rooms: /rooms lists them from the start.', 'no page shown yet');
    await exec.submit('/rooms');
    assert.ok(rowsOf(store).includes(`[info] * ${room} (1) — on the list · owner ${session.user}`), rowsOf(store).join('\n'));
  });

  it('edits and deletes my last message and reacts to the n-th last', async () => {
    const { store, exec, name } = await typist();
    const friend = await friendOf();
    const room = `#${uniqueName('edits')}`;
    await exec.submit(`/create ${room}`);
    await exec.submit('/edit nothing yet');
    assert.equal(rowsOf(store).at(-1), '[warn] No message of yours to edit here.');
    await exec.submit('/react 1 👍');
    assert.equal(rowsOf(store).at(-1), '[warn] No such message here.');

    await exec.submit('frist');
    await waitUntil(() => rowsOf(store).includes(`${name}: frist`), 'my message');
    await friend.client.request('join', { room });
    await friend.client.request('send', { to: room, text: 'welcome' });
    await waitUntil(() => rowsOf(store).at(-1) === `${friend.name}: welcome`, "the friend's message");

    await exec.submit('/edit first'); // mine, though not the last message
    await waitUntil(() => rowsOf(store).includes(`${name}: first`), 'the edit');
    await exec.submit('/react 2 :thumbsup:');
    await waitUntil(() => store.itemsOf().some((it) => it.kind === 'msg' && it.m.text === 'first' && it.m.reactions?.['👍']?.includes(name)), 'my reaction on the 2nd last');
    await exec.submit('/delete');
    await waitUntil(() => rowsOf(store).includes(`${name}: (deleted)`), 'the delete');
    await exec.submit('/edit again');
    assert.equal(rowsOf(store).at(-1), '[warn] No message of yours to edit here.', 'a deleted message is not edited');
  });

  it('shows refusals, help and mistakes as rows, and quits', async () => {
    const { store, exec, name, session, quits } = await typist();
    await exec.submit('/frobnicate');
    assert.equal(rowsOf(store).at(-1), '[warn] unknown command /frobnicate; /help lists them');
    await exec.submit('/msg');
    assert.equal(rowsOf(store).at(-1), '[warn] usage: /msg user [text]');
    await exec.submit('/open');
    assert.equal(rowsOf(store).at(-1), '[warn] No file in this conversation yet.');
    await exec.submit('/file /etc/hostname');
    assert.equal(rowsOf(store).at(-1), '[warn] This server does not offer file transfer.', 'no HTTP base given');
    await exec.submit('/help');
    assert.deepEqual(rowsOf(store).slice(-HELP.length), HELP.map((h) => `[info] ${h}`));
    await exec.submit('/who');
    assert.match(rowsOf(store).at(-1) ?? '', new RegExp(`^\\[info\\] Online \\(\\d+\\): .*${name}`));

    await admin.request('mute', { user: name, minutes: 5 });
    await waitUntil(() => store.getSnapshot().mutedUntil !== null, 'the mute');
    await exec.submit('still here?');
    assert.match(rowsOf(store).at(-1) ?? '', /^\[warn\] Not sent: you are muted until /);
    await exec.submit('/kick admin');
    assert.match(rowsOf(store).at(-1) ?? '', /^\[warn\] Not sent: /, 'an admin command a user may not give');

    await exec.submit('/quit');
    assert.equal(quits(), 1);
    assert.equal(session.state, 'closed');
  });
});

import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { BanterClient } from '../../src/client/index.js';
import { PASSWORD, adminClient, connect, newUser, uniqueName } from '../helpers/clients.js';
import { CLI, startTestServer, type TestServer } from '../helpers/server.js';
import { Tmux, hasTmux } from '../helpers/tmux.js';
import { scenarioPause, waitUntil } from '../helpers/wait.js';

describe('terminal client (tmux)', { skip: hasTmux ? false : 'tmux is not installed' }, () => {
  let server: TestServer;
  let tui: Tmux;
  let admin: BanterClient;
  before(async () => {
    server = await startTestServer();
    admin = await adminClient(server.tcpPort);
  });
  after(async () => {
    tui?.kill();
    admin?.close();
    await server.dispose();
  });

  it('registers, chats in the lobby and privately, and shows a mute', async () => {
    const me = uniqueName('tui');
    const friend = await newUser(server.tcpPort, uniqueName('李'));
    tui = new Tmux(`node ${CLI} chat 127.0.0.1:${server.tcpPort}`);
    await tui.waitFor(/log in/, 'the login screen');
    tui.keys('C-r');
    await tui.waitFor(/create an account/, 'the register screen');
    // Between fields, a pause as a person makes: the next field takes keys once it is drawn.
    const pause = () => scenarioPause(250);
    tui.type(me);
    tui.keys('Enter');
    await pause();
    tui.type(PASSWORD);
    tui.keys('Enter');
    await pause();
    tui.type('different-password');
    tui.keys('Enter');
    await tui.waitFor(/passwords differ/, 'the mismatch refusal');
    tui.keys('C-u');
    await pause();
    tui.type(PASSWORD);
    tui.keys('Enter');
    await tui.waitFor(/● online/, 'the chat screen');
    await tui.waitFor(new RegExp(friend.name), 'the friend in the online list');

    const lobbyCheck = await connect(server.tcpPort);
    await lobbyCheck.request('login', { user: me, password: PASSWORD });
    tui.type('hello lobby 你好');
    tui.keys('Enter');
    await tui.waitFor(new RegExp(`${me}: hello lobby 你好`), 'my lobby message');
    const { messages } = await lobbyCheck.request('history', { conv: '#lobby', limit: 5 });
    assert.ok(messages.some((m) => m.from === me && m.text === 'hello lobby 你好'), 'stored on the server');
    lobbyCheck.close();

    await friend.client.request('send', { to: `@${me}`, text: 'a private hello' });
    await tui.waitFor(new RegExp(`${friend.name} \\(1\\)`), 'an unread count for the private chat');
    // The pane lists [group], then everyone else online in alphabetical order.
    const others = (await friend.client.request('who', {})).users.map((u) => u.user).filter((u) => u !== me);
    const position = others.sort((a, b) => a.localeCompare(b)).indexOf(friend.name) + 1;
    // One key per screen update: keys sent back to back can reach Ink in one read, which it
    // takes as a single paste.
    tui.keys('Tab');
    await pause();
    for (let i = 0; i < position; i++) {
      tui.keys('Down');
      await pause();
    }
    tui.keys('Enter');
    await tui.waitFor(new RegExp(`\\[@${friend.name}\\]`), 'the private conversation');
    await tui.waitFor(/a private hello/, 'the private message');
    tui.type('private answer');
    tui.keys('Enter');
    await waitUntil(async () => (await friend.client.request('history', { conv: `@${me}` })).messages.some((m) => m.text === 'private answer' && m.from === me), 'the private answer stored');

    await admin.request('mute', { user: me, minutes: 5, reason: 'too loud' });
    await tui.waitFor(/You are muted until/, 'the mute banner');
    tui.type('am I muted?');
    tui.keys('Enter');
    await tui.waitFor(/Not sent: you are muted/, 'the refusal');
    friend.client.close();
  });

  it('Tab completes commands and names from the server (offline people too); /msg user opens the chat', async () => {
    // Two names start with "zo": zoe is online, zora offline (only the server knows her).
    const zora = await newUser(server.tcpPort, uniqueName('zora'));
    zora.client.close();
    const zoe = await newUser(server.tcpPort, uniqueName('zoe'));
    const me = await newUser(server.tcpPort, uniqueName('tab'));
    me.client.close();
    tui.kill();
    tui = new Tmux(`node ${CLI} chat 127.0.0.1:${server.tcpPort}`);
    await tui.waitFor(/log in/, 'the login screen');
    const pause = () => scenarioPause(250);
    tui.type(me.name);
    tui.keys('Enter');
    await pause();
    tui.type(PASSWORD);
    tui.keys('Enter');
    await tui.waitFor(/● online/, 'the chat screen');

    const line = (text: string) => new RegExp(`› ${text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}\\s*$`, 'm');
    tui.type('/ms');
    await tui.waitFor(line('/ms'), 'the typed command');
    tui.keys('Tab');
    await tui.waitFor(line('/msg'), 'the command name completed');
    tui.type('zo');
    await tui.waitFor(line('/msg zo'), 'the typed prefix');
    tui.keys('Tab');
    const both = await tui.waitFor(new RegExp(`${zoe.name}\\s+${zora.name}`), 'both candidates in the status line');
    assert.match(both, line('/msg zo'), 'their common prefix is all that was typed');
    tui.keys('Tab');
    await tui.waitFor(line(`/msg ${zoe.name}`), 'the first candidate');
    await tui.waitFor(new RegExp(`\\[${zoe.name}\\]`), 'marked in the status line');
    tui.keys('Tab');
    await tui.waitFor(line(`/msg ${zora.name}`), 'the second candidate');
    tui.keys('Enter');
    await tui.waitFor(new RegExp(`\\[@${zora.name}\\] ›`), 'the private chat with zora, who is offline');

    tui.type(`see you, @${zora.name.slice(0, 4)}`);
    await tui.waitFor(line(`see you, @${zora.name.slice(0, 4)}`), 'the typed mention');
    tui.keys('Tab');
    await tui.waitFor(line(`see you, @${zora.name}`), 'the mention completed');
    tui.keys('Enter');
    const back = await connect(server.tcpPort);
    await back.request('login', { user: zora.name, password: PASSWORD });
    await waitUntil(async () => (await back.request('history', { conv: `@${me.name}`, limit: 1 })).messages[0]?.text?.trim() === `see you, @${zora.name}`, 'the message stored for zora');
    back.close();
    zoe.client.close();
  });
});

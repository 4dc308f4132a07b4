import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { WebSocket } from 'ws';
import { BanterClient, webSocketTransport, type WebSocketConstructor } from '../../src/client/index.js';
import { PASSWORD, adminClient, newUser, nextEvent, record, uniqueName, waitUntil } from '../helpers/clients.js';
import { startTestServer, type TestServer } from '../helpers/server.js';
import { Tmux, hasCommand, hasTmux } from '../helpers/tmux.js';
import { expectNothingBefore } from '../helpers/wait.js';

const wsImpl = WebSocket as unknown as WebSocketConstructor;
const hasIrssi = hasCommand('irssi', ['--version']);
const hasWeechat = hasCommand('weechat-headless', ['--version']);
// The test scripts WeeChat through its fifo plugin, which Debian ships apart (weechat-plugins).
const hasFifoPlugin = ['/usr/lib/x86_64-linux-gnu', '/usr/lib/aarch64-linux-gnu', '/usr/lib', '/usr/local/lib'].some((d) => existsSync(join(d, 'weechat/plugins/fifo.so')));
const skipWeechat = !hasWeechat
  ? 'weechat-headless is not installed (apt-get install weechat-headless weechat-plugins)'
  : !hasFifoPlugin
    ? "WeeChat's fifo plugin is not installed (apt-get install weechat-plugins)"
    : false;
if (skipWeechat) process.stderr.write(`\n*** SKIPPING the WeeChat test: ${skipWeechat} ***\n\n`);
const skip = !hasTmux ? 'tmux is not installed (apt-get install tmux)' : !hasIrssi ? 'irssi is not installed (apt-get install irssi)' : false;
if (skip) process.stderr.write(`\n*** SKIPPING the irssi tests: ${skip} ***\n\n`);

/** irssi with its own home folder (no first-run questions), connected to the gateway. */
function irssi(home: string, port: number, nick: string, password: string): Tmux {
  writeFileSync(join(home, 'config'), `settings = { core = { real_name = "${nick}"; user_name = "${nick}"; nick = "${nick}"; }; };\n`);
  return new Tmux(`irssi --home=${home} -n ${nick} -c 127.0.0.1 -p ${port} -w ${password}`, 140, 40);
}

describe('a real IRC client: irssi in tmux', { skip }, () => {
  let server: TestServer;
  let home: string;
  const panes: Tmux[] = [];
  before(async () => {
    server = await startTestServer({ ircPort: 0 });
    home = mkdtempSync(join(tmpdir(), 'banter-irssi-'));
  });
  after(async () => {
    for (const p of panes) p.kill();
    rmSync(home, { recursive: true, force: true });
    await server.dispose();
  });

  it('logs in, chats in #lobby and privately with a TCP and a WebSocket client, and is stopped by a mute', async () => {
    const name = uniqueName('irssi');
    const reg = await newUser(server.tcpPort, name);
    reg.client.close();
    const tcp = await newUser(server.tcpPort, uniqueName('tcp'));
    const wsName = uniqueName('ws');
    const ws = await BanterClient.connect(webSocketTransport(`ws://127.0.0.1:${server.httpPort}/ws`, wsImpl));
    await ws.request('register', { user: wsName, password: PASSWORD });
    await ws.request('login', { user: wsName, password: PASSWORD });
    const online = nextEvent(tcp.client, 'presence', (p) => p.user === name && p.online, 15_000);
    const pane = irssi(mkdtempSync(join(home, 'a-')), server.ircPort!, name, PASSWORD);
    panes.push(pane);
    await online;
    await pane.waitFor(/Welcome to the Banter IRC gateway/, 'the welcome');
    pane.type('/join #lobby');
    pane.keys('Enter');
    await pane.waitFor(/\[#lobby\]/, 'the #lobby window');

    // Banter to irssi, from both transports.
    await tcp.client.request('send', { to: '#lobby', text: 'hello irssi, from TCP' });
    await ws.request('send', { to: '#lobby', text: 'and from the web 你好' });
    await pane.waitFor(new RegExp(`<\\s*${tcp.name}> hello irssi, from TCP`), 'the TCP message');
    await pane.waitFor(new RegExp(`<\\s*${wsName}> and from the web 你好`), 'the WebSocket message');

    // irssi to Banter.
    const tcpInbox = record(tcp.client, 'msg');
    const wsInbox = record(ws, 'msg');
    pane.type('typed in irssi');
    pane.keys('Enter');
    await waitUntil(() => tcpInbox.some((m) => m.conv === '#lobby' && m.from === name && m.text === 'typed in irssi'), 'TCP to get the irssi message');
    await waitUntil(() => wsInbox.some((m) => m.conv === '#lobby' && m.from === name && m.text === 'typed in irssi'), 'WebSocket to get it');

    // Private, both ways.
    await tcp.client.request('send', { to: `@${name}`, text: 'just between us' });
    pane.type(`/query ${tcp.name}`);
    pane.keys('Enter');
    await pane.waitFor(new RegExp(`<\\s*${tcp.name}> just between us`), 'the private message');
    pane.type('private answer');
    pane.keys('Enter');
    await waitUntil(() => tcpInbox.some((m) => m.conv === `@${name}` && m.text === 'private answer'), 'the private answer');

    // A mute from the admin stops it: irssi shows the refusal, nobody gets the text.
    const admin = await adminClient(server.tcpPort);
    await admin.request('mute', { user: name, minutes: 5, reason: 'testing mutes' });
    pane.type('/window 1'); // server notices go to the status window
    pane.keys('Enter');
    await pane.waitFor(/You are muted until .*testing mutes/, 'the mute notice');
    pane.type('/window goto #lobby');
    pane.keys('Enter');
    pane.type('this must not arrive');
    pane.keys('Enter');
    await pane.waitFor(/Cannot send to channel \(you are muted\)/, 'the 404 refusal');
    await admin.request('send', { to: '#lobby', text: `marker for ${name}` });
    await expectNothingBefore(tcpInbox, { marker: (m) => m.text === `marker for ${name}`, unwanted: (m) => m.text === 'this must not arrive', what: 'nothing from the muted user arrives' });
    admin.close();
    tcp.client.close();
    ws.close();
  });

  it('/join #room creates a room; irssi and a TCP member of it read each other, the lobby does not', async () => {
    const name = uniqueName('irssiroom');
    const reg = await newUser(server.tcpPort, name);
    reg.client.close();
    const tcp = await newUser(server.tcpPort, uniqueName('tcp'));
    const bystander = await newUser(server.tcpPort, uniqueName('tcp'));
    const room = `#${uniqueName('room')}`;
    const pane = irssi(mkdtempSync(join(home, 'r-')), server.ircPort!, name, PASSWORD);
    panes.push(pane);
    await pane.waitFor(/Welcome to the Banter IRC gateway/, 'the welcome');
    pane.type(`/join ${room}`);
    pane.keys('Enter');
    await pane.waitFor(/Total of 1 nicks/, 'the room window with its NAMES');
    const { rooms } = await tcp.client.request('rooms', {});
    assert.equal(rooms.find((r) => r.room === room)?.owner, name, `irssi created the room and owns it: ${JSON.stringify(rooms)}\n${pane.screen()}`);
    await tcp.client.request('join', { room });
    await pane.waitFor(new RegExp(`${tcp.name}.*has joined ${room}`), 'the TCP user joining');
    await tcp.client.request('send', { to: room, text: 'hello room, from TCP' });
    await pane.waitFor(new RegExp(`<\\s*${tcp.name}> hello room, from TCP`), 'the room message');
    const tcpInbox = record(tcp.client, 'msg');
    const lobbyInbox = record(bystander.client, 'msg');
    pane.type('typed in the room');
    pane.keys('Enter');
    await waitUntil(() => tcpInbox.some((m) => m.conv === room && m.from === name && m.text === 'typed in the room'), 'TCP to get the room message');
    await tcp.client.request('send', { to: '#lobby', text: `marker after ${room}` });
    await expectNothingBefore(lobbyInbox, { marker: (m) => m.text === `marker after ${room}`, unwanted: (m) => m.text === 'typed in the room', what: 'not in the lobby' });
    tcp.client.close();
    bystander.client.close();
  });

  it('refuses a wrong password: irssi shows it and never gets in', async () => {
    const name = uniqueName('irssibad');
    const reg = await newUser(server.tcpPort, name);
    reg.client.close();
    const watcher = await newUser(server.tcpPort);
    const presence = record(watcher.client, 'presence');
    const pane = irssi(mkdtempSync(join(home, 'b-')), server.ircPort!, name, 'wrong-password-1');
    panes.push(pane);
    await pane.waitFor(/Password incorrect/, 'the refusal');
    assert.ok(!pane.screen().includes('Welcome to the Banter'));
    assert.ok(!presence.some((p) => p.user === name), 'never online');
    watcher.client.close();
  });
});

describe('a real IRC client: WeeChat (headless), scripted through its FIFO', { skip: skipWeechat }, () => {
  let server: TestServer;
  let dir: string;
  let weechat: ChildProcess | undefined;
  before(async () => {
    server = await startTestServer({ ircPort: 0 });
    dir = mkdtempSync(join(tmpdir(), 'banter-weechat-'));
  });
  after(async () => {
    if (weechat && weechat.exitCode === null) {
      const exited = new Promise((r) => weechat!.once('exit', r));
      weechat.kill();
      await exited; // it writes its configuration on the way out
    }
    rmSync(dir, { recursive: true, force: true });
    await server.dispose();
  });

  /** What WeeChat's logger wrote for one buffer (it flushes at once: flush_delay 0). */
  const log = (buffer: string): string => {
    const file = join(dir, 'logs', `irc.banter.${buffer}.weechatlog`);
    return existsSync(file) ? readFileSync(file, 'utf8') : '';
  };

  it('logs in with SASL PLAIN, chats in #lobby, privately and in a room it is invited to with a TCP client', async () => {
    const name = uniqueName('wee');
    const reg = await newUser(server.tcpPort, name);
    reg.client.close();
    const tcp = await newUser(server.tcpPort, uniqueName('tcp'));
    const online = nextEvent(tcp.client, 'presence', (p) => p.user === name && p.online, 15_000);
    const commands = [
      '/set logger.file.flush_delay 0',
      `/server add banter 127.0.0.1/${server.ircPort} -notls -sasl_mechanism=plain -sasl_username=${name} -sasl_password=${PASSWORD} -nicks=${name} -autojoin=#lobby`,
      '/connect banter',
    ].join(';');
    weechat = spawn('weechat-headless', ['--dir', dir, '--run-command', commands], { stdio: 'ignore' });
    await online;
    const fifo = (): string | undefined => readdirSync(dir).find((f) => f.startsWith('weechat_fifo'));
    await waitUntil(() => fifo() !== undefined && log('#lobby').includes('#lobby'), { what: 'WeeChat to join #lobby', timeoutMs: 15_000 });
    await tcp.client.request('send', { to: '#lobby', text: 'hello WeeChat' });
    await waitUntil(() => new RegExp(`\\t${tcp.name}\\thello WeeChat`).test(log('#lobby')), 'the lobby message in WeeChat');
    const inbox = record(tcp.client, 'msg');
    writeFileSync(join(dir, fifo()!), 'irc.banter.#lobby *typed in WeeChat\n');
    await waitUntil(() => inbox.some((m) => m.conv === '#lobby' && m.from === name && m.text === 'typed in WeeChat'), 'the TCP client to get it');
    await tcp.client.request('send', { to: `@${name}`, text: 'private to WeeChat' });
    await waitUntil(() => log(tcp.name.toLowerCase()).includes('private to WeeChat') || log(tcp.name).includes('private to WeeChat'), 'the private message');
    writeFileSync(join(dir, fifo()!), `irc.banter.${tcp.name} *private answer\n`);
    await waitUntil(() => inbox.some((m) => m.conv === `@${name}` && m.text === 'private answer'), 'the private answer');

    // A room: the TCP user's invitation brings WeeChat into it (INVITE, then the JOIN burst).
    const room = `#${uniqueName('weeroom')}`;
    await tcp.client.request('create', { room, private: true, topic: 'a room for WeeChat' });
    await tcp.client.request('invite', { room, user: name });
    await waitUntil(() => log(room).includes('a room for WeeChat'), { what: 'WeeChat to show the room with its topic', timeoutMs: 15_000 });
    await tcp.client.request('send', { to: room, text: 'hello WeeChat, in the room' });
    await waitUntil(() => new RegExp(`\\t@?${tcp.name}\\thello WeeChat, in the room`).test(log(room)), 'the room message in WeeChat');
    writeFileSync(join(dir, fifo()!), `irc.banter.${room} *typed in the room\n`);
    await waitUntil(() => inbox.some((m) => m.conv === room && m.from === name && m.text === 'typed in the room'), 'the room message from WeeChat');
    tcp.client.close();
  });
});

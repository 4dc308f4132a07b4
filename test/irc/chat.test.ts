import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { WebSocket } from 'ws';
import { BanterClient, webSocketTransport, type WebSocketConstructor } from '../../src/client/index.js';
import { PASSWORD, newUser, nextEvent, record, uniqueName, waitUntil } from '../helpers/clients.js';
import { postFile } from '../helpers/files.js';
import { IrcTestClient } from '../helpers/irc-client.js';
import { ircSuite } from '../helpers/irc-suite.js';

const wsImpl = WebSocket as unknown as WebSocketConstructor;
const PNG = Buffer.from('iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg==', 'base64');

describe('IRC gateway: chat with TCP and WebSocket clients', () => {
  const suite = ircSuite({ publicUrl: 'https://chat.example.org:8443' });

  const ircUser = suite.newIrcUser;

  async function wsUser(): Promise<{ client: BanterClient; name: string }> {
    const name = uniqueName('ws');
    const client = await BanterClient.connect(webSocketTransport(`ws://127.0.0.1:${suite.server.httpPort}/ws`, wsImpl));
    await client.request('register', { user: name, password: PASSWORD });
    await client.request('login', { user: name, password: PASSWORD });
    return { client, name };
  }

  it('#lobby: IRC, TCP and WebSocket users read each other', async () => {
    const { irc, name: ircName } = await ircUser();
    const tcp = await newUser(suite.server.tcpPort);
    const ws = await wsUser();
    const tcpInbox = record(tcp.client, 'msg');
    const wsInbox = record(ws.client, 'msg');
    irc.send('PRIVMSG #lobby :hello from IRC, 你好 👋');
    await waitUntil(() => tcpInbox.some((m) => m.from === ircName && m.text === 'hello from IRC, 你好 👋'), 'TCP to get the IRC message');
    await waitUntil(() => wsInbox.some((m) => m.from === ircName && m.text === 'hello from IRC, 你好 👋'), 'WebSocket to get it');
    await tcp.client.request('send', { to: '#lobby', text: 'hi from TCP' });
    const fromTcp = await irc.expect((l) => l.command === 'PRIVMSG' && l.params[1] === 'hi from TCP');
    assert.equal(fromTcp.source, `${tcp.name}!${tcp.name}@banter`);
    assert.equal(fromTcp.params[0], '#lobby');
    await ws.client.request('send', { to: '#lobby', text: 'hi from the web' });
    const fromWs = await irc.expect((l) => l.command === 'PRIVMSG' && l.params[1] === 'hi from the web');
    assert.equal(fromWs.source, `${ws.name}!${ws.name}@banter`);
    // Without echo-message the sender does not get its own line back.
    assert.ok(!irc.lines.some((l) => l.command === 'PRIVMSG' && l.params[1]?.startsWith('hello from IRC')));
    irc.close();
    tcp.client.close();
    ws.client.close();
  });

  it('private messages both ways: PRIVMSG nick is the conversation @nick', async () => {
    const { irc, name: ircName } = await ircUser();
    const tcp = await newUser(suite.server.tcpPort);
    const ws = await wsUser();
    const toTcp = nextEvent(tcp.client, 'msg', (m) => m.conv === `@${ircName}`);
    irc.send(`PRIVMSG ${tcp.name.toUpperCase()} :psst, just you`);
    const got = await toTcp;
    assert.equal(got.text, 'psst, just you');
    assert.equal(got.from, ircName);
    await tcp.client.request('send', { to: `@${ircName}`, text: 'secret back' });
    const back = await irc.expect((l) => l.command === 'PRIVMSG' && l.params[1] === 'secret back');
    assert.equal(back.source, `${tcp.name}!${tcp.name}@banter`);
    assert.equal(back.params[0], ircName, 'addressed to the IRC user');
    await ws.client.request('send', { to: `@${ircName}`, text: 'from the browser' });
    const fromWs = await irc.expect((l) => l.command === 'PRIVMSG' && l.params[1] === 'from the browser');
    assert.equal(fromWs.params[0], ircName);
    // Stored like any private message: the TCP user's history has both.
    const history = await tcp.client.request('history', { conv: `@${ircName}` });
    assert.deepEqual(history.messages.map((m) => m.text), ['psst, just you', 'secret back']);
    irc.send('PRIVMSG no_such_user_here :anyone?');
    await irc.expectCommand('401', ircName, 'no_such_user_here');
    irc.send('PRIVMSG #elsewhere :anyone?');
    await irc.expectCommand('403', ircName, '#elsewhere');
    irc.close();
    tcp.client.close();
    ws.client.close();
  });

  it('presence: a Banter user coming online JOINs, going offline QUITs; NAMES and WHO list who is online', async () => {
    const { irc, name: ircName } = await ircUser();
    const tcp = await newUser(suite.server.tcpPort);
    const join = await irc.expect((l) => l.command === 'JOIN' && l.source?.startsWith(`${tcp.name}!`) === true);
    assert.deepEqual(join.params, ['#lobby']);
    irc.send('NAMES #lobby');
    const names: string[] = [];
    for (;;) {
      const l = await irc.expect((x) => x.command === '353' || x.command === '366');
      if (l.command === '366') break;
      assert.deepEqual(l.params.slice(0, 3), [ircName, '=', '#lobby']);
      names.push(...l.params[3]!.split(' '));
    }
    assert.ok(names.includes(tcp.name) && names.includes(ircName), names.join(' '));
    irc.send('WHO #lobby');
    const who: string[] = [];
    for (;;) {
      const l = await irc.expect((x) => x.command === '352' || x.command === '315');
      if (l.command === '315') break;
      assert.equal(l.params[1], '#lobby');
      assert.match(l.params[6]!, /^[HG]/);
      who.push(l.params[5]!);
    }
    assert.ok(who.includes(tcp.name), who.join(' '));
    irc.send(`WHOIS ${tcp.name}`);
    await irc.expectCommand('311', ircName, tcp.name);
    await irc.expectCommand('318', ircName, tcp.name);
    tcp.client.close();
    const quit = await irc.expect((l) => l.command === 'QUIT' && l.source?.startsWith(`${tcp.name}!`) === true);
    assert.ok(quit);
    irc.send(`WHOIS ${tcp.name}`);
    await irc.expectCommand('401', ircName, tcp.name);
    irc.close();
  });

  it('an IRC user shows to v1 clients like any other: presence online and offline', async () => {
    const tcp = await newUser(suite.server.tcpPort);
    const presence = record(tcp.client, 'presence');
    const { irc, name } = await ircUser();
    await waitUntil(() => presence.some((p) => p.user === name && p.online), 'online');
    irc.send('QUIT :bye');
    await irc.waitClosed();
    await waitUntil(() => presence.some((p) => p.user === name && !p.online), 'offline');
    tcp.client.close();
  });

  it('stickers and files reach IRC as text with a link; long texts are split at the line limit', async () => {
    const { irc } = await ircUser();
    const tcp = await newUser(suite.server.tcpPort);
    await tcp.client.request('send', { to: '#lobby', sticker: 'rocket' });
    const sticker = await irc.expect((l) => l.command === 'PRIVMSG' && l.params[1]!.includes('rocket'));
    assert.equal(sticker.params[1], '🚀 [sticker: rocket]');
    const upload = await postFile(`http://127.0.0.1:${suite.server.httpPort}`, tcp.token, PNG, { 'x-file-name': 'dot.png' });
    const file = (await upload.json()) as { id: string };
    await tcp.client.request('send', { to: '#lobby', file: { id: file.id } });
    const link = await irc.expect((l) => l.command === 'PRIVMSG' && l.params[1]!.includes('/api/files/'));
    // Signed (test/irc/file-links.test.ts downloads through one).
    assert.match(link.params[1]!, new RegExp(`^\\[image\\] dot\\.png \\(${PNG.length} B, image/png\\) https://chat\\.example\\.org:8443/api/files/${file.id}\\?exp=\\d+&sig=[\\w-]{22}$`));
    const long = Array.from({ length: 300 }, (_, i) => `word${i}`).join(' ') + ' 🙂🙂🙂 ' + '名'.repeat(400);
    const multiline = 'first line\nsecond line';
    await tcp.client.request('send', { to: '#lobby', text: long });
    await tcp.client.request('send', { to: '#lobby', text: multiline });
    await irc.expect((l) => l.command === 'PRIVMSG' && l.params[1] === 'second line');
    const mine = irc.lines.filter((l) => l.command === 'PRIVMSG' && l.source?.startsWith(`${tcp.name}!`));
    const pieces = mine.slice(mine.findIndex((l) => l.params[1]!.startsWith('word0 ')), mine.findIndex((l) => l.params[1] === 'first line'));
    assert.ok(pieces.length >= 3, `${pieces.length} pieces`);
    for (const p of pieces) assert.ok(Buffer.byteLength(p.raw) + 2 <= 512, `${Buffer.byteLength(p.raw)} bytes`);
    assert.equal(pieces.map((p) => p.params[1]).join(''), long, 'nothing lost or cut inside a character');
    irc.close();
    tcp.client.close();
  });

  it('echo-message returns the sender its own message; another IRC connection of the same user sees it either way', async () => {
    const { irc, name } = await ircUser(['echo-message']);
    const second = await IrcTestClient.login(suite.port, name, PASSWORD);
    irc.send('PRIVMSG #lobby :echo me');
    const echoed = await irc.expect((l) => l.command === 'PRIVMSG' && l.params[1] === 'echo me');
    assert.equal(echoed.source, `${name}!${name}@banter`);
    await second.expect((l) => l.command === 'PRIVMSG' && l.params[1] === 'echo me');
    // CTCP ACTION is "/me" for Banter clients, and comes back as an ACTION.
    const tcp = await newUser(suite.server.tcpPort);
    const action = nextEvent(tcp.client, 'msg', (m) => m.from === name);
    irc.send('PRIVMSG #lobby :\x01ACTION waves\x01');
    assert.equal((await action).text, '/me waves');
    await irc.expect((l) => l.command === 'PRIVMSG' && l.params[1] === '\x01ACTION waves\x01');
    // Formatting codes are removed: Banter texts carry no control characters.
    const plain = nextEvent(tcp.client, 'msg', (m) => m.from === name);
    irc.send('PRIVMSG #lobby :\x02bold\x02 and \x0304red\x03');
    assert.equal((await plain).text, 'bold and red');
    irc.close();
    second.close();
    tcp.client.close();
  });

  it('PART #lobby stops its traffic, JOIN brings it back', async () => {
    const { irc, name } = await ircUser();
    const tcp = await newUser(suite.server.tcpPort);
    irc.send('PART #lobby :brb');
    await irc.expect((l) => l.command === 'PART' && l.params[0] === '#lobby');
    await tcp.client.request('send', { to: '#lobby', text: 'while you were out' });
    await tcp.client.request('send', { to: `@${name}`, text: 'private still arrives' });
    await irc.expect((l) => l.command === 'PRIVMSG' && l.params[1] === 'private still arrives');
    assert.ok(!irc.lines.some((l) => l.params[1] === 'while you were out'));
    irc.send('PRIVMSG #lobby :can I?');
    await irc.expectCommand('404', name, '#lobby');
    irc.send('JOIN #Lobby');
    await irc.expect((l) => l.command === 'JOIN' && l.source?.startsWith(`${name}!`) === true);
    await irc.expectCommand('366');
    await tcp.client.request('send', { to: '#lobby', text: 'welcome back' });
    await irc.expect((l) => l.command === 'PRIVMSG' && l.params[1] === 'welcome back');
    // A name no room can have (rooms.test.ts has rooms).
    irc.send('JOIN #no:such');
    await irc.expectCommand('403', name, '#no:such');
    irc.close();
    tcp.client.close();
  });
});

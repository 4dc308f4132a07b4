import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { PASSWORD, newUser, waitUntil } from '../helpers/clients.js';
import { IrcTestClient } from '../helpers/irc-client.js';
import { ircSuite } from '../helpers/irc-suite.js';
import { startTestServer } from '../helpers/server.js';

describe('IRC gateway: limits', () => {
  const suite = ircSuite({ sendRate: 1, sendBurst: 3, maxOutboundKib: 64 });

  const ircUser = suite.newIrcUser;

  it('a line over 512 bytes gets 417 ERR_INPUTTOOLONG and is dropped; the connection goes on', async () => {
    const { irc, name } = await ircUser();
    irc.send(`PRIVMSG #lobby :${'x'.repeat(600)}`);
    await irc.expectCommand('417', name);
    // Tags have their own 4096 bytes ('@' and space included): at the limit fine, one more not.
    irc.send(`@+a=${'y'.repeat(4096 - 5)} PING :still here`);
    await irc.expect((l) => l.command === 'PONG' && l.params.at(-1) === 'still here');
    irc.send(`@+clientOnlyTagExample=${'a'.repeat(4096)} PRIVMSG #lobby :hi!`); // irctest's monster message
    await irc.expectCommand('417', name);
    // The rest: 510 bytes (512 with CR LF) is accepted, 511 is not (irctest testLineAtLimit/BeyondLimit).
    irc.send(`PING ${'x'.repeat(505)}`);
    await irc.expect((l) => l.command === 'PONG' && l.params.at(-1) === 'x'.repeat(505));
    irc.send(`PING ${'x'.repeat(506)}`);
    await irc.expectCommand('417', name);
    // A very long line (1 MB, no newline yet) is not buffered: it is skipped to its end.
    irc.send(Buffer.alloc(1024 * 1024, 0x41));
    irc.send('\r\nPING :after the flood of bytes');
    await irc.expectCommand('417', name);
    await irc.expect((l) => l.command === 'PONG' && l.params.at(-1) === 'after the flood of bytes');
    assert.ok(!irc.closed);
    irc.close();
  });

  it('invalid UTF-8 is refused with FAIL INVALID_UTF8 (UTF8ONLY)', async () => {
    const { irc } = await ircUser();
    irc.send(Buffer.from([...Buffer.from('PRIVMSG #lobby :caf'), 0xe9, 0x0d, 0x0a]));
    const fail = await irc.expectCommand('FAIL', 'PRIVMSG', 'INVALID_UTF8');
    assert.ok(fail);
    irc.close();
  });

  it("the core's flood control refuses sends over the allowance with 404", async () => {
    const { irc, name } = await ircUser();
    for (let i = 0; i < 6; i++) irc.send(`PRIVMSG #lobby :burst ${i}`);
    const refused = await irc.expectCommand('404', name, '#lobby');
    assert.match(refused.params[2]!, /flood control/);
    irc.close();
  });

  it('a client flooding commands is slowed down, then dropped with ERROR (Excess Flood)', async () => {
    const { irc } = await ircUser();
    irc.send(Array.from({ length: 400 }, (_, i) => `PING :p${i}\r\n`).join(''));
    const error = await irc.expectCommand('ERROR');
    assert.match(error.params[0]!, /Excess Flood/);
    await irc.waitClosed();
    const pongs = irc.lines.filter((l) => l.command === 'PONG').length;
    assert.ok(pongs >= 30 && pongs < 400, `${pongs} answered before the drop`);
  });
});

describe('IRC gateway: slow consumers', () => {
  const suite = ircSuite({ maxOutboundKib: 64 });

  it('drops an IRC client that does not read (SendQ exceeded); the others go on', { timeout: 30_000 }, async () => {
    const { client, name } = await newUser(suite.server.tcpPort);
    client.close();
    await waitUntil(() => !suite.server.chat.online.get(name.toLowerCase()), 'the registering session to go');
    const irc = await IrcTestClient.login(suite.server.ircPort!, name, PASSWORD);
    const sender = await newUser(suite.server.tcpPort);
    irc.pause();
    // ~2.5 KB each, 8 in flight: at most 4000 messages (~10 MB), until the gateway gives up on it.
    const text = 'lorem ipsum dolor sit amet 中文 '.repeat(80).slice(0, 2400);
    for (let i = 0; i < 4000 && suite.server.chat.online.get(name.toLowerCase()); i += 8) {
      await Promise.all(Array.from({ length: 8 }, () => sender.client.request('send', { to: '#lobby', text })));
    }
    assert.ok(!suite.server.chat.online.get(name.toLowerCase()), 'dropped');
    irc.resume();
    await irc.waitClosed(10_000);
    assert.match(irc.lines.at(-1)!.raw, /^ERROR :Closing Link: .*\(SendQ exceeded\)$/);
    assert.ok((await sender.client.request('who', {})).users.some((u) => u.user === sender.name), 'the server goes on');
    sender.client.close();
  });
});

describe('IRC gateway: idle timeout and the connection cap', () => {
  const suite = ircSuite({ pingInterval: 0.3, maxConnections: 2 });

  it('pings a silent client, then closes it with ERROR (Ping timeout); answering PONG keeps it', async () => {
    const { client, name } = await newUser(suite.server.tcpPort);
    client.close();
    const quiet = await IrcTestClient.login(suite.server.ircPort!, name, PASSWORD);
    await quiet.expectCommand('PING');
    const error = await quiet.expectCommand('ERROR');
    assert.match(error.params[0]!, /Ping timeout/);
    await quiet.waitClosed();
    const lively = await IrcTestClient.login(suite.server.ircPort!, name, PASSWORD);
    for (let i = 0; i < 3; i++) {
      const ping = await lively.expectCommand('PING');
      lively.send(`PONG :${ping.params[0]}`);
    }
    assert.ok(!lively.closed);
    lively.close();
  });

  it('counts IRC connections in the one connection cap', async () => {
    await waitUntil(() => suite.server.chat.connectionCount === 0, 'the earlier connections to go');
    // Logged in: a connection that has not logged in would be dropped for the newcomer instead.
    const [one, two] = [await newUser(suite.server.tcpPort), await newUser(suite.server.tcpPort)];
    one.client.close();
    two.client.close();
    await waitUntil(() => suite.server.chat.connectionCount === 0, 'the registering connections to go');
    const a = await IrcTestClient.login(suite.server.ircPort!, one.name, PASSWORD);
    const b = await IrcTestClient.login(suite.server.ircPort!, two.name, PASSWORD);
    await waitUntil(() => suite.server.chat.connectionCount === 2, 'two connections');
    const c = await IrcTestClient.open(suite.server.ircPort!);
    const error = await c.expectCommand('ERROR');
    assert.match(error.params[0]!, /full/);
    await c.waitClosed();
    a.close();
    b.close();
  });
});

describe('IRC gateway: shutdown', () => {
  it('tells IRC clients the server is going away (ERROR), then closes', async () => {
    const server = await startTestServer({ ircPort: 0 });
    const { client, name } = await newUser(server.tcpPort);
    client.close();
    const irc = await IrcTestClient.login(server.ircPort!, name, PASSWORD);
    const stopping = server.stop('received SIGTERM');
    const error = await irc.expectCommand('ERROR');
    assert.match(error.params[0]!, /Server shutting down: received SIGTERM/);
    await irc.waitClosed();
    await stopping;
    await server.dispose();
  });
});

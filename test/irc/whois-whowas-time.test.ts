import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { PASSWORD, newUser, uniqueName } from '../helpers/clients.js';
import { IrcTestClient, type IrcLine } from '../helpers/irc-client.js';
import { ircSuite } from '../helpers/irc-suite.js';
import { waitForValue } from '../helpers/wait.js';

// TIME and WHOWAS (RFC 2812 §3.4.6, §3.6.3), CLIENTTAGDENY in ISUPPORT, and what WHOIS says of a
// user: the real name their IRC client gave in USER, and how long they have been idle.
describe('IRC gateway: TIME, WHOWAS, CLIENTTAGDENY, real names, WHOIS idle time', () => {
  const suite = ircSuite({ ircServerName: 'irc.test' });

  /** Logs in over IRC with this real name (a new account). */
  const withRealname = async (realname: string, caps: string[] = []): Promise<{ irc: IrcTestClient; name: string }> => {
    const { client, name } = await newUser(suite.server.tcpPort);
    client.close();
    const irc = await IrcTestClient.open(suite.port);
    if (caps.length > 0) {
      irc.send('CAP LS 302');
      irc.send(`CAP REQ :${caps.join(' ')}`);
      await irc.expect((l) => l.command === 'CAP' && l.params[1] === 'ACK');
      irc.send('CAP END');
    }
    irc.send(`PASS ${PASSWORD}`);
    irc.send(`NICK ${name}`);
    irc.send(`USER ident 0 * :${realname}`);
    await irc.expectCommand('366');
    return { irc, name };
  };
  /** Sends WHOIS and returns its lines up to 318. */
  const whois = async (asker: IrcTestClient, nick: string): Promise<IrcLine[]> => {
    const from = asker.lines.length;
    asker.send(`WHOIS ${nick}`);
    await asker.expectCommand('318');
    return asker.lines.slice(from);
  };
  const idleOf = async (asker: IrcTestClient, nick: string): Promise<number> => {
    const line = (await whois(asker, nick)).find((l) => l.command === '317');
    assert.ok(line, `a 317 for ${nick}`);
    return Number(line.params[2]);
  };

  it('TIME answers 391 with the server time; another server is 402', async () => {
    const { irc, name } = await suite.newIrcUser();
    const before = Date.now();
    irc.send('TIME');
    const time = await irc.expectCommand('391');
    assert.deepEqual(time.params.slice(0, 2), [name, 'irc.test']);
    const shown = Date.parse(time.params[2]!);
    assert.ok(Math.abs(shown - before) < 5000, `a time near now: ${time.params[2]}`);
    irc.send('TIME IRC.TEST');
    assert.equal((await irc.expectCommand('391')).params[1], 'irc.test', 'its own name, in any case');
    irc.send('TIME irc.elsewhere');
    assert.deepEqual((await irc.expectCommand('402')).params.slice(1, 2), ['irc.elsewhere']);
    irc.close();
  });

  it('WHOWAS: an account that is offline gets 314 and 369, an unknown nick 406 and 369, no nick 431', async () => {
    const { irc, name } = await suite.newIrcUser();
    const { client, name: gone } = await newUser(suite.server.tcpPort);
    client.close();
    irc.send(`WHOWAS ${gone.toUpperCase()}`);
    const was = await irc.expectCommand('314');
    assert.deepEqual(was.params.slice(1), [gone, gone, 'banter', '*', gone]);
    await irc.expectCommand('312', name, gone);
    assert.equal((await irc.expectCommand('369')).params[1], gone.toUpperCase());
    const nobody = uniqueName('nobody');
    irc.send(`WHOWAS ${nobody}`);
    assert.equal((await irc.expectCommand('406')).params[1], nobody);
    assert.equal((await irc.expectCommand('369')).params[1], nobody);
    irc.send('WHOWAS');
    await irc.expectCommand('431');
    // A prefix of an account's name is not that account.
    irc.send(`WHOWAS ${gone.slice(0, -1)}`);
    await irc.expectCommand('406');
    irc.close();
  });

  it('advertises CLIENTTAGDENY and drops client-only tags it gives no meaning', async () => {
    const { irc: sender, name: senderName } = await suite.newIrcUser(['message-tags']);
    const { irc: receiver } = await suite.newIrcUser(['message-tags']);
    const isupport = sender.lines.filter((l) => l.command === '005').flatMap((l) => l.params.slice(1, -1));
    assert.ok(isupport.includes('CLIENTTAGDENY=*,-typing,-draft/react'), isupport.join(' '));
    sender.send('@+example.org/colour=red;+draft/channel-context=#lobby PRIVMSG #lobby :tagged');
    const got = await receiver.expect((l) => l.command === 'PRIVMSG' && l.params[1] === 'tagged' && l.source?.startsWith(`${senderName}!`) === true);
    assert.deepEqual([...got.tags.keys()].filter((k) => k.startsWith('+')), []);
    sender.close();
    receiver.close();
  });

  it('WHOIS shows the real name from USER, and the idle time since the last command (keep-alives and polls not counted)', async () => {
    const { irc: alice, name: aliceName } = await withRealname('Alice Liddell');
    const { irc: bob } = await withRealname('Bob the Builder');
    const user = (await whois(bob, aliceName)).find((l) => l.command === '311')!;
    assert.deepEqual(user.params.slice(1), [aliceName, aliceName, 'banter', '*', 'Alice Liddell']);
    const own = (await whois(alice, aliceName)).find((l) => l.command === '311')!;
    assert.equal(own.params.at(-1), 'Alice Liddell');
    bob.send(`WHO ${aliceName}`);
    assert.equal((await bob.expectCommand('352')).params.at(-1), '0 Alice Liddell', 'WHO shows it too');
    const signon = Number((await whois(bob, aliceName)).find((l) => l.command === '317')!.params[3]);
    assert.ok(Math.abs(signon * 1000 - Date.now()) < 60_000, 'the signon time is a time (s), recent');

    // Idle grows while she does nothing; PING and WHOIS are not activity; a message is.
    const idle = await waitForValue(() => idleOf(bob, aliceName), (n) => n >= 2, { what: 'alice idle for 2 s', timeoutMs: 8000 });
    alice.send('PING still-here');
    await alice.expect((l) => l.command === 'PONG' && l.params[1] === 'still-here');
    await whois(alice, aliceName);
    assert.ok((await idleOf(bob, aliceName)) >= idle, 'a PING and a WHOIS leave the idle time running');
    alice.send('PRIVMSG #lobby :back');
    await bob.expect((l) => l.command === 'PRIVMSG' && l.params[1] === 'back');
    assert.ok((await idleOf(bob, aliceName)) < idle, 'a message resets it');

    // Someone without an IRC session here: their name as real name, no idle time to tell.
    const { client, name: tcpName } = await newUser(suite.server.tcpPort);
    const lines = await whois(bob, tcpName);
    assert.equal(lines.find((l) => l.command === '311')!.params.at(-1), tcpName);
    assert.equal(lines.filter((l) => l.command === '317').length, 0);
    client.close();
    alice.close();
    bob.close();
  });
});

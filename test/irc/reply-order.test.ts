import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ircSuite } from '../helpers/irc-suite.js';

// One connection's replies go out in the order its commands came, whatever each command awaits:
// clients use PING as a barrier ("everything before my PING has been answered").
describe('IRC gateway: reply order', () => {
  const suite = ircSuite();

  it('a refused PRIVMSG answers (401) before the PONGs of the PINGs sent after it', async () => {
    const { irc } = await suite.newIrcUser();
    const from = irc.lines.length;
    // One write, so the three lines arrive together and nothing but the gateway orders them.
    irc.send('PRIVMSG nosuchnick :hello?\r\nPING one\r\nPING two');
    await irc.expect((l) => l.command === 'PONG' && l.params[1] === 'two');
    const replies = irc.lines.slice(from).map((l) => (l.command === 'PONG' ? `PONG ${l.params[1]}` : `${l.command} ${l.params[1]}`));
    assert.deepEqual(replies, ['401 nosuchnick', 'PONG one', 'PONG two']);
    irc.close();
  });

  it('keeps the order across message targets and commands that read the store', async () => {
    const { irc, name } = await suite.newIrcUser();
    const from = irc.lines.length;
    irc.send(
      [
        'PRIVMSG nobody1,#nosuchroom,nobody2 :hi',
        'PING a',
        `WHOIS ${name}`,
        'PING b',
        'PRIVMSG #lobby :to everyone',
        'PRIVMSG nobody3 :hi',
        'PING c',
      ].join('\r\n'),
    );
    await irc.expect((l) => l.command === 'PONG' && l.params[1] === 'c');
    const replies = irc.lines
      .slice(from)
      .filter((l) => ['401', '403', 'PONG', '318'].includes(l.command))
      .map((l) => `${l.command} ${l.params[1]}`);
    assert.deepEqual(replies, ['401 nobody1', '403 #nosuchroom', '401 nobody2', 'PONG a', `318 ${name}`, 'PONG b', '401 nobody3', 'PONG c']);
    irc.close();
  });
});

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { PASSWORD, newUser, uniqueName } from '../helpers/clients.js';
import { IrcTestClient } from '../helpers/irc-client.js';
import { ircSuite } from '../helpers/irc-suite.js';

// Found in review: inputs an IRC client controls that reached other clients or the event loop.
describe('IRC gateway: hostile input', () => {
  const suite = ircSuite();

  it('matches WHO masks by glob without backtracking (a mask of many stars against a long name)', { timeout: 20_000 }, async () => {
    // This server is the test's own, so the name is free.
    const long = await newUser(suite.server.tcpPort, 'a'.repeat(32));
    const other = await newUser(suite.server.tcpPort, uniqueName('whoab'));
    const irc = await IrcTestClient.login(suite.server.ircPort!, other.name, PASSWORD);
    // A backtracking RegExp takes seconds per name for this; the glob matcher does not.
    irc.send(`WHO *a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*!`);
    await irc.expect((l) => l.command === '315', 5000, 'the end of WHO');
    irc.send('WHO aa*a?');
    const reply = await irc.expect((l) => l.command === '352' || l.command === '315', 5000, 'a WHO reply');
    assert.equal(reply.command, '352', 'the glob aa*a? finds the long name');
    assert.equal(reply.params[5], long.name);
    await irc.expect((l) => l.command === '315');
    irc.send('WHO wh?ab*');
    const mine = await irc.expect((l) => l.command === '352' || l.command === '315');
    assert.equal(mine.params[5], other.name);
    irc.close();
    long.client.close();
    other.client.close();
  });

  it('strips control characters from AWAY texts, so a CR cannot forge a line for others', async () => {
    const a = await newUser(suite.server.tcpPort, uniqueName('awaya'));
    const b = await newUser(suite.server.tcpPort, uniqueName('awayb'));
    const watcher = await IrcTestClient.login(suite.server.ircPort!, b.name, PASSWORD, ['away-notify']);
    const mallory = await IrcTestClient.login(suite.server.ircPort!, a.name, PASSWORD);
    mallory.send(Buffer.from(`AWAY :brb\r:irc.banter 001 ${b.name} :FAKE SERVER LINE\r\n`));
    const away = await watcher.expect((l) => l.command === 'AWAY', 5000, 'the away-notify line');
    assert.ok(!away.raw.includes('\r'), `no CR inside the line: ${JSON.stringify(away.raw)}`);
    assert.ok(!watcher.lines.some((l) => l.raw.includes('FAKE SERVER LINE') && l.command === '001'), 'no forged 001');
    assert.match(away.params[0] ?? '', /^brb:irc\.banter 001/);
    watcher.close();
    mallory.close();
    a.client.close();
    b.client.close();
  });
});

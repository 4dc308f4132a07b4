import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { PASSWORD, newUser, nextEvent, waitUntil } from '../helpers/clients.js';
import { IrcTestClient, type IrcLine } from '../helpers/irc-client.js';
import { ircSuite } from '../helpers/irc-suite.js';
import { scenarioPause } from '../helpers/wait.js';

const ISO = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/;

describe('IRC gateway: IRCv3', () => {
  const suite = ircSuite();

  const ircUser = suite.newIrcUser;

  /** The PRIVMSG lines of one batch, after its BATCH + line. */
  async function batch(irc: IrcTestClient, type: string): Promise<{ start: IrcLine; lines: IrcLine[] }> {
    const start = await irc.expect((l) => l.command === 'BATCH' && l.params[1] === type);
    const ref = start.params[0]!.slice(1);
    await irc.expect((l) => l.command === 'BATCH' && l.params[0] === `-${ref}`);
    const lines = irc.lines.filter((l) => l.tags.get('batch') === ref);
    return { start, lines };
  }

  it('server-time and message-tags: time and msgid on messages; without the caps, no tags', async () => {
    const { irc } = await ircUser(['server-time', 'message-tags']);
    const { irc: bare } = await ircUser([]);
    const tcp = await newUser(suite.server.tcpPort);
    const sent = await tcp.client.request('send', { to: '#lobby', text: 'tagged' });
    const line = await irc.expect((l) => l.command === 'PRIVMSG' && l.params[1] === 'tagged');
    assert.equal(line.tags.get('time'), new Date(sent.ts).toISOString());
    assert.match(line.tags.get('time')!, ISO);
    assert.equal(line.tags.get('msgid'), `lobby~${sent.seq}`);
    const plain = await bare.expect((l) => l.command === 'PRIVMSG' && l.params[1] === 'tagged');
    assert.equal(plain.tags.size, 0);
    assert.ok(!plain.raw.startsWith('@'));
    irc.close();
    bare.close();
    tcp.client.close();
  });

  it('CHATHISTORY LATEST / BEFORE / AFTER / AROUND / BETWEEN over Banter history, in a chathistory batch', async () => {
    const { irc, name } = await ircUser(['server-time', 'message-tags', 'batch', 'draft/chathistory']);
    const tcp = await newUser(suite.server.tcpPort);
    const seqs: number[] = [];
    for (let i = 1; i <= 6; i++) {
      seqs.push((await tcp.client.request('send', { to: '#lobby', text: `history ${i}` })).seq);
      await scenarioPause(3); // distinct times, for the timestamp= queries
    }
    await irc.expect((l) => l.params[1] === 'history 6');
    irc.send('CHATHISTORY LATEST #lobby * 3');
    const latest = await batch(irc, 'chathistory');
    assert.equal(latest.start.params[2], '#lobby');
    assert.deepEqual(latest.lines.map((l) => l.params[1]), ['history 4', 'history 5', 'history 6']);
    for (const l of latest.lines) assert.match(l.tags.get('time')!, ISO);
    irc.send(`CHATHISTORY BEFORE #lobby msgid=lobby~${seqs[3]} 2`);
    assert.deepEqual((await batch(irc, 'chathistory')).lines.map((l) => l.params[1]), ['history 2', 'history 3']);
    irc.send(`CHATHISTORY AFTER #lobby msgid=lobby~${seqs[3]} 10`);
    assert.deepEqual((await batch(irc, 'chathistory')).lines.map((l) => l.params[1]), ['history 5', 'history 6']);
    irc.send(`CHATHISTORY AROUND #lobby msgid=lobby~${seqs[2]} 3`);
    assert.deepEqual((await batch(irc, 'chathistory')).lines.map((l) => l.params[1]), ['history 2', 'history 3', 'history 4']);
    irc.send(`CHATHISTORY BETWEEN #lobby msgid=lobby~${seqs[0]} msgid=lobby~${seqs[4]} 10`);
    assert.deepEqual((await batch(irc, 'chathistory')).lines.map((l) => l.params[1]), ['history 2', 'history 3', 'history 4']);
    // Timestamps: AFTER the time of message 5 gives 6.
    const fifth = latest.lines[1]!.tags.get('time')!;
    irc.send(`CHATHISTORY AFTER #lobby timestamp=${fifth} 10`);
    assert.deepEqual((await batch(irc, 'chathistory')).lines.map((l) => l.params[1]), ['history 6']);
    irc.send(`CHATHISTORY BEFORE #lobby timestamp=${fifth} 1`);
    assert.deepEqual((await batch(irc, 'chathistory')).lines.map((l) => l.params[1]), ['history 4']);
    // A private conversation, named by the other party's nick.
    await tcp.client.request('send', { to: `@${name}`, text: 'dm one' });
    irc.send(`PRIVMSG ${tcp.name} :dm two`);
    await nextEvent(tcp.client, 'msg', (m) => m.text === 'dm two');
    irc.send(`CHATHISTORY LATEST ${tcp.name} * 10`);
    const dm = await batch(irc, 'chathistory');
    assert.deepEqual(dm.lines.map((l) => [l.source!.split('!')[0], l.params[0], l.params[1]]), [
      [tcp.name, name, 'dm one'],
      [name, tcp.name, 'dm two'],
    ]);
    irc.send('CHATHISTORY TARGETS timestamp=2000-01-01T00:00:00.000Z timestamp=2100-01-01T00:00:00.000Z 10');
    const targets = await batch(irc, 'draft/chathistory-targets');
    assert.deepEqual(targets.lines.map((l) => l.params[1]).sort(), ['#lobby', tcp.name].sort());
    // Errors are standard replies.
    irc.send('CHATHISTORY LATEST #nope * 10');
    await irc.expectCommand('FAIL', 'CHATHISTORY', 'INVALID_TARGET');
    irc.send('CHATHISTORY LATEST #lobby * zero');
    await irc.expectCommand('FAIL', 'CHATHISTORY', 'INVALID_PARAMS');
    irc.send('CHATHISTORY SIDEWAYS #lobby * 1');
    await irc.expectCommand('FAIL', 'CHATHISTORY', 'UNKNOWN_COMMAND');
    irc.send('CHATHISTORY BEFORE #lobby msgid=garbage 1');
    await irc.expectCommand('FAIL', 'CHATHISTORY', 'INVALID_PARAMS');
    irc.close();
    tcp.client.close();
  });

  it('typing: TAGMSG +typing=active reaches v1 clients, and their typing reaches IRC as TAGMSG', async () => {
    const { irc, name } = await ircUser(['message-tags']);
    const tcp = await newUser(suite.server.tcpPort);
    const typing = nextEvent(tcp.client, 'typing', (t) => t.user === name);
    irc.send(`@+typing=active TAGMSG ${tcp.name}`);
    assert.deepEqual(await typing, { conv: `@${name}`, user: name });
    await tcp.client.request('typing', { to: '#lobby' });
    const tag = await irc.expect((l) => l.command === 'TAGMSG' && l.source?.startsWith(`${tcp.name}!`) === true);
    assert.equal(tag.tags.get('+typing'), 'active');
    assert.deepEqual(tag.params, ['#lobby']);
    irc.close();
    tcp.client.close();
  });

  it('userhost-in-names: NAMES lists full masks', async () => {
    const { irc, name } = await ircUser(['userhost-in-names', 'multi-prefix']);
    const names = irc.lines.filter((l) => l.command === '353').flatMap((l) => l.params[3]!.split(' '));
    assert.ok(names.includes(`${name}!${name}@banter`), names.join(' '));
    irc.close();
  });

  it('away-notify and AWAY: 306/305, AWAY lines to clients that asked, 301 to senders, G in WHO', async () => {
    const { irc: away, name } = await ircUser([]);
    const { irc: watcher, name: watcherName } = await ircUser(['away-notify']);
    away.send('AWAY :at lunch');
    await away.expectCommand('306', name);
    const notified = await watcher.expect((l) => l.command === 'AWAY' && l.source?.startsWith(`${name}!`) === true);
    assert.deepEqual(notified.params, ['at lunch']);
    watcher.send(`PRIVMSG ${name} :you there?`);
    const rpl = await watcher.expectCommand('301', watcherName, name);
    assert.equal(rpl.params[2], 'at lunch');
    watcher.send(`WHO ${name}`);
    const who = await watcher.expectCommand('352');
    assert.match(who.params[6]!, /^G/);
    away.send('AWAY');
    await away.expectCommand('305', name);
    const back = await watcher.expect((l) => l.command === 'AWAY' && l.source?.startsWith(`${name}!`) === true);
    assert.deepEqual(back.params, []);
    away.close();
    watcher.close();
  });

  it('a user who logs in and goes away at once is seen joining before going away', async () => {
    const { irc: watcher } = await ircUser(['away-notify']);
    const { client, name } = await newUser(suite.server.tcpPort);
    client.close();
    await waitUntil(() => !suite.server.chat.online.get(name.toLowerCase()), 'the registering session to go');
    // Registration and AWAY in one write: the JOIN may still be waiting to go out (presence waits up to 50 ms).
    const c = await IrcTestClient.open(suite.port);
    c.send(`PASS ${PASSWORD}\r\nNICK ${name}\r\nUSER ${name} 0 * :x\r\nAWAY :gone at once`);
    await watcher.expect((l) => l.command === 'AWAY' && l.source?.startsWith(`${name}!`) === true);
    const mine = watcher.lines.filter((l) => l.source?.startsWith(`${name}!`) === true).map((l) => l.command);
    // (Before: the registering session's JOIN and QUIT.)
    assert.deepEqual(mine.slice(-2), ['JOIN', 'AWAY'], watcher.lines.filter((l) => l.source?.startsWith(`${name}!`) === true).map((l) => l.raw).join(' | '));
    c.close();
    watcher.close();
  });
});

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { IrcTestClient } from '../helpers/irc-client.js';
import { ircSuite } from '../helpers/irc-suite.js';
import { waitUntil } from '../helpers/wait.js';

// Cases ported from the irctest suite (progval/irctest, server_tests/*.py) where they apply to a
// server whose users must log in and whose only channel is #lobby. Named after the originals.
describe('IRC gateway: cases from irctest', () => {
  const suite = ircSuite();

  const ircUser = suite.newIrcUser;

  it('messages: testPrivmsg, testPrivmsgToUser, testPrivmsgNonexistentUser, testEmptyPrivmsg, testNotice, testNoticeNonexistentChannel', async () => {
    const { irc: foo, name: fooName } = await ircUser();
    const { irc: bar, name: barName } = await ircUser();
    foo.send('PRIVMSG #lobby :hello there');
    const pm = await bar.expect((l) => l.command === 'PRIVMSG' && l.params[1] === 'hello there');
    assert.deepEqual(pm.params, ['#lobby', 'hello there']);
    foo.send(`PRIVMSG ${barName} :hey there!`);
    const direct = await bar.expect((l) => l.command === 'PRIVMSG' && l.params[1] === 'hey there!');
    assert.deepEqual(direct.params, [barName, 'hey there!']);
    foo.send('PRIVMSG nobodyhere :hey there!');
    const none = await foo.expectCommand('401');
    assert.deepEqual(none.params.slice(0, 2), [fooName, 'nobodyhere']);
    foo.send('PRIVMSG #lobby :');
    const empty = await foo.expectCommand('412');
    assert.equal(empty.params[0], fooName);
    foo.send('NOTICE #lobby :hello there');
    const notice = await bar.expect((l) => l.command === 'NOTICE' && l.params[1] === 'hello there');
    assert.deepEqual(notice.params, ['#lobby', 'hello there']);
    const from = foo.lines.length;
    foo.send('NOTICE #nonexistent :hello there');
    foo.send('NOTICE nobodyhere :hello there');
    // The same two as PRIVMSG, which is answered (403, 401), after them in the same pipeline.
    foo.send('PRIVMSG #nonexistent :hello there');
    foo.send('PRIVMSG nobodyhere :hello there');
    const replied = (command: string) => foo.lines.slice(from).some((l) => l.command === command);
    await waitUntil(() => replied('401') && replied('403'), 'the replies to the PRIVMSGs');
    assert.deepEqual(foo.lines.slice(from).map((l) => `${l.command} ${l.params[1]}`).sort(), ['401 nobodyhere', '403 #nonexistent'], 'no reply to a NOTICE, ever');
    foo.close();
    bar.close();
  });

  it('names: testNames2812, testNamesModern (no trailing space), testNamesInvalidChannel, testNamesNonexistingChannel', async () => {
    const { irc, name } = await ircUser();
    irc.send('NAMES #lobby');
    const reply = await irc.expectCommand('353', name, '=', '#lobby');
    assert.ok(!reply.params[3]!.endsWith(' '));
    await irc.expectCommand('366', name, '#lobby');
    irc.send('NAMES invalid');
    await irc.expectCommand('366', name, 'invalid');
    irc.send('NAMES #nonexisting');
    await irc.expectCommand('366', name, '#nonexisting');
    irc.close();
  });

  it('cap: testReqUnavailable, testNakExactString, testNakWhole, testCapRemovalByClient', async () => {
    const irc = await IrcTestClient.open(suite.port);
    irc.send('CAP LS 302');
    const ls = await irc.expectCommand('CAP', '*', 'LS');
    assert.ok(ls.params[2]!.split(' ').includes('multi-prefix'));
    irc.send('CAP REQ :foo qux bar baz qux quux');
    await irc.expectCommand('CAP', '*', 'NAK', 'foo qux bar baz qux quux');
    irc.send('CAP REQ :foo multi-prefix bar');
    await irc.expectCommand('CAP', '*', 'NAK', 'foo multi-prefix bar');
    irc.send('CAP LIST');
    await irc.expectCommand('CAP', '*', 'LIST', '');
    irc.send('CAP REQ :multi-prefix');
    await irc.expectCommand('CAP', '*', 'ACK', 'multi-prefix');
    irc.send('CAP REQ :echo-message server-time');
    await irc.expectCommand('CAP', '*', 'ACK', 'echo-message server-time');
    irc.send('CAP REQ :-server-time');
    await irc.expectCommand('CAP', '*', 'ACK', '-server-time');
    irc.send('CAP LIST');
    const list = await irc.expectCommand('CAP', '*', 'LIST');
    assert.deepEqual(new Set(list.params[2]!.split(' ')), new Set(['multi-prefix', 'echo-message']));
    irc.close();
  });

  it('pingpong and quit: PING answered with its token; testQuitErrors (ERROR, then the connection closes)', async () => {
    const { irc } = await ircUser();
    irc.send('PING abcdef');
    const pong = await irc.expectCommand('PONG');
    assert.deepEqual(pong.params, ['irc.banter', 'abcdef']);
    irc.send('QUIT');
    await irc.expectCommand('ERROR');
    await irc.waitClosed();
  });

  it('part and join: PART echoes with its reason; JOIN of an impossible channel name is 403; PART of an unknown room is 403', async () => {
    const { irc, name } = await ircUser();
    irc.send('PART #lobby :see you');
    const part = await irc.expectCommand('PART', '#lobby');
    assert.equal(part.params[1], 'see you');
    assert.equal(part.source, `${name}!${name}@banter`);
    irc.send('PART #lobby');
    await irc.expectCommand('442', name, '#lobby');
    irc.send('JOIN #a:b');
    await irc.expectCommand('403', name, '#a:b');
    irc.send('PART #nope');
    await irc.expectCommand('403', name, '#nope');
    irc.send('JOIN');
    await irc.expectCommand('461', name, 'JOIN');
    irc.close();
  });

  it('mode and topic: 324/329 for #lobby, 221 for yourself, 502 for others, 482 for a topic change', async () => {
    const { irc, name } = await ircUser();
    const { irc: other, name: otherName } = await ircUser();
    irc.send('MODE #lobby');
    await irc.expectCommand('324', name, '#lobby', '+nt');
    await irc.expectCommand('329', name, '#lobby');
    irc.send(`MODE ${name}`);
    await irc.expectCommand('221', name, '+i');
    irc.send(`MODE ${otherName} +i`);
    await irc.expectCommand('502', name);
    irc.send('MODE #lobby +b');
    await irc.expectCommand('368', name, '#lobby');
    irc.send('MODE #lobby +m');
    await irc.expectCommand('482', name, '#lobby');
    irc.send('TOPIC #lobby');
    await irc.expectCommand('332', name, '#lobby');
    irc.send('TOPIC #lobby :mine now');
    await irc.expectCommand('482', name, '#lobby');
    irc.close();
    other.close();
  });
});

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { loadConfig } from '../../src/server/config.js';
import { uniqueName } from '../helpers/clients.js';
import { IrcTestClient, type IrcLine } from '../helpers/irc-client.js';
import { ircSuite } from '../helpers/irc-suite.js';

// What the real irctest suite (test/irc/irctest/, docs/irc.md "Conformance") found wrong in the
// gateway, one case each, so that it stays fixed without Python.
describe('IRC gateway: irctest findings', () => {
  const suite = ircSuite({ ircServerName: 'irc.example.test' });

  const ircUser = suite.newIrcUser;

  const room = (): string => `#${uniqueName('r')}`;

  /** The lines from the JOIN echo of `channel` to its 366. */
  async function joinBurst(irc: IrcTestClient, name: string, channel: string): Promise<IrcLine[]> {
    irc.send(`JOIN ${channel}`);
    const join = await irc.expect((l) => l.command === 'JOIN' && l.params[0] === channel && l.source?.startsWith(`${name}!`) === true);
    const end = await irc.expectCommand('366', name, channel);
    return irc.lines.slice(irc.lines.indexOf(join), irc.lines.indexOf(end) + 1);
  }

  it('--irc-server-name names the server in its lines (irctest expects My.Little.Server); a bad name is refused', async () => {
    const { irc, name } = await ircUser();
    assert.equal(irc.lines[0]!.source, 'irc.example.test');
    assert.deepEqual([irc.lines[0]!.command, irc.lines[0]!.params[0]], ['001', name]);
    irc.send('PING abcdef');
    const pong = await irc.expectCommand('PONG');
    assert.deepEqual([pong.source, ...pong.params], ['irc.example.test', 'irc.example.test', 'abcdef']);
    assert.equal(loadConfig({}, {}).ircServerName, 'irc.banter');
    for (const bad of ['nodot', 'two words.example', 'a:b.example', '']) {
      assert.throws(() => loadConfig({ ircServerName: bad }, {}), /invalid ircServerName/, JSON.stringify(bad));
    }
    irc.close();
  });

  it('JOIN of a channel without a topic sends no RPL_NOTOPIC; TOPIC then does (topic.py testUnsetTopicResponses)', async () => {
    const { irc, name } = await ircUser();
    const r = room();
    const burst = await joinBurst(irc, name, r);
    assert.deepEqual(
      burst.map((l) => l.command),
      ['JOIN', '353', '366'],
      `JOIN burst of a new room:\n${burst.map((l) => l.raw).join('\n')}`,
    );
    irc.send(`TOPIC ${r}`);
    await irc.expectCommand('331', name, r);
    irc.send(`TOPIC ${r} :set now`);
    await irc.expect((l) => l.command === 'TOPIC' && l.params[1] === 'set now');
    const { irc: other, name: otherName } = await ircUser();
    const second = await joinBurst(other, otherName, r);
    assert.ok(second.some((l) => l.command === '332' && l.params[2] === 'set now'), 'a topic that is set is sent on JOIN');
    irc.close();
    other.close();
  });

  it('LIST <channels> lists those channels only; a channel that does not exist lists nothing (list.py testListNonexistent)', async () => {
    const { irc, name } = await ircUser();
    const [r1, r2] = [room(), room()];
    await joinBurst(irc, name, r1);
    await joinBurst(irc, name, r2);
    const list = async (args: string): Promise<string[]> => {
      irc.send(`LIST ${args}`);
      await irc.expectCommand('321', name);
      const end = await irc.expectCommand('323', name);
      const start = irc.lines.findLastIndex((l, i) => l.command === '321' && i < irc.lines.indexOf(end));
      return irc.lines.slice(start + 1, irc.lines.indexOf(end)).map((l) => `${l.command} ${l.params[1]}`);
    };
    assert.deepEqual(await list('#nosuchroom'), []);
    assert.deepEqual(await list(r2), [`322 ${r2}`]);
    assert.deepEqual(await list(`${r1.toUpperCase()},#nosuchroom`), [`322 ${r1}`]);
    assert.deepEqual(await list('#lobby'), ['322 #lobby']);
    const all = await list('');
    for (const c of ['#lobby', r1, r2]) assert.ok(all.includes(`322 ${c}`), `${c} in a LIST without arguments`);
    irc.close();
  });

  it("a PART reason reaches the room's other members (part.py testPartMessage)", async () => {
    const { irc: a, name: aName } = await ircUser();
    const { irc: b, name: bName } = await ircUser();
    const r = room();
    await joinBurst(a, aName, r);
    await joinBurst(b, bName, r);
    a.send(`PART ${r} :bye everyone`);
    const seen = await b.expect((l) => l.command === 'PART' && l.source?.startsWith(`${aName}!`) === true);
    assert.deepEqual(seen.params, [r, 'bye everyone']);
    const own = await a.expect((l) => l.command === 'PART' && l.params[0] === r);
    assert.deepEqual(own.params, [r, 'bye everyone']);
    // Without a reason, none.
    await joinBurst(a, aName, r);
    a.send(`PART ${r}`);
    const plain = await b.expect((l) => l.command === 'PART' && l.source?.startsWith(`${aName}!`) === true);
    assert.deepEqual(plain.params, [r]);
    a.close();
    b.close();
  });

  it("a KICK comment reaches the members; without one it is the kicker's nick (kick.py)", async () => {
    const { irc: owner, name: ownerName } = await ircUser();
    const { irc: b, name: bName } = await ircUser();
    const { irc: c, name: cName } = await ircUser();
    const r = room();
    await joinBurst(owner, ownerName, r);
    await joinBurst(b, bName, r);
    await joinBurst(c, cName, r);
    owner.send(`KICK ${r} ${bName} :bye`);
    for (const watcher of [b, c]) {
      const kick = await watcher.expectCommand('KICK', r, bName);
      assert.equal(kick.params[2], 'bye');
      assert.ok(kick.source?.startsWith(`${ownerName}!`));
    }
    owner.send(`KICK ${r} ${cName}`);
    const kick = await c.expectCommand('KICK', r, cName);
    assert.equal(kick.params[2], ownerName, 'RFC 2812: the default comment is the nick of the user issuing the KICK');
    owner.close();
    b.close();
    c.close();
  });

  it('INVITE of a member is 443; INVITE by a user not in the channel is 442, not 482 (invite.py)', async () => {
    const { irc: owner, name: ownerName } = await ircUser();
    const { irc: member, name: memberName } = await ircUser();
    const { irc: outsider, name: outsiderName } = await ircUser();
    const r = room();
    await joinBurst(owner, ownerName, r);
    await joinBurst(member, memberName, r);
    owner.send(`INVITE ${memberName} ${r}`);
    const already = await owner.expectCommand('443', ownerName, memberName, r);
    assert.equal(already.params.length, 4);
    outsider.send(`INVITE ${memberName} ${r}`);
    await outsider.expectCommand('442', outsiderName, r);
    // The owner may still invite someone new: 341, and the invitee is in.
    owner.send(`INVITE ${outsiderName} ${r}`);
    await owner.expectCommand('341', ownerName, outsiderName, r);
    await outsider.expect((l) => l.command === 'INVITE' && l.params[1] === r);
    owner.close();
    member.close();
    outsider.close();
  });

  it('a QUIT message reaches the IRC users who see the user leave (quit.py testQuit)', async () => {
    const { irc: a, name: aName } = await ircUser();
    const { irc: b } = await ircUser();
    a.send('QUIT :qux out');
    const quit = await b.expect((l) => l.command === 'QUIT' && l.source?.startsWith(`${aName}!`) === true);
    assert.deepEqual(quit.params, ['Quit: qux out']);
    // A connection that just goes away is still "Offline".
    const { irc: d, name: dName } = await ircUser();
    d.close();
    const gone = await b.expect((l) => l.command === 'QUIT' && l.source?.startsWith(`${dName}!`) === true);
    assert.deepEqual(gone.params, ['Offline']);
    b.close();
  });
});

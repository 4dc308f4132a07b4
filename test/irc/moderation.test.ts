import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { BanterClient } from '../../src/client/index.js';
import { PASSWORD, adminClient, newUser, nextEvent, record, waitUntil } from '../helpers/clients.js';
import { IrcTestClient, newIrcUser } from '../helpers/irc-client.js';
import { ADMIN_PASSWORD, startTestServer, type TestServer } from '../helpers/server.js';
import { expectNothingBefore } from '../helpers/wait.js';

describe('IRC gateway: moderation', () => {
  let server: TestServer;
  let port: number;
  let admin: BanterClient;
  before(async () => {
    server = await startTestServer({ ircPort: 0 });
    port = server.ircPort!;
    admin = await adminClient(server.tcpPort);
  });
  after(async () => {
    admin.close();
    await server.dispose();
  });

  const ircUser = (caps: string[] = []) => newIrcUser(server, caps);

  it('a mute set by the admin stops an IRC user: 404 and a NOTICE with the reason; nothing is delivered', async () => {
    const { irc, name } = await ircUser();
    const bystander = await newUser(server.tcpPort);
    const inbox = record(bystander.client, 'msg');
    await admin.request('mute', { user: name, minutes: 10, reason: 'calm down' });
    const told = await irc.expect((l) => l.command === 'NOTICE' && l.params[0] === name && /muted/.test(l.params[1]!));
    assert.match(told.params[1]!, /calm down/);
    // Everyone sees the admin's action as a notice in the lobby.
    const announced = await irc.expect((l) => l.command === 'NOTICE' && l.params[0] === '#lobby' && l.params[1]!.includes(`${name} was muted by admin`));
    assert.equal(announced.source, 'irc.banter');
    irc.send('PRIVMSG #lobby :let me talk');
    const refused = await irc.expectCommand('404', name, '#lobby');
    assert.match(refused.params[2]!, /muted/);
    const why = await irc.expect((l) => l.command === 'NOTICE' && l.params[0] === name && l.params[1]!.includes('not delivered'));
    assert.match(why.params[1]!, /calm down/);
    irc.send(`PRIVMSG ${bystander.name} :psst`);
    await irc.expectCommand('404', name, bystander.name);
    // Stored after anything of the muted user's: whatever was delivered of theirs came before it.
    await admin.request('send', { to: '#lobby', text: `marker for ${name}` });
    await expectNothingBefore(inbox, { marker: (m) => m.text === `marker for ${name}`, unwanted: (m) => m.from === name, what: 'nothing from the muted user was delivered' });
    await admin.request('unmute', { user: name });
    await irc.expect((l) => l.command === 'NOTICE' && l.params[1] === 'You are no longer muted');
    irc.send('PRIVMSG #lobby :thanks');
    await waitUntil(() => inbox.some((m) => m.from === name && m.text === 'thanks'), 'the message after unmute');
    irc.close();
    bystander.client.close();
  });

  it('a kick closes the IRC connection with KICK and ERROR; others see QUIT and the notice', async () => {
    const { irc, name } = await ircUser();
    const { irc: watcher } = await ircUser();
    await admin.request('kick', { user: name, reason: 'take a break' });
    const kick = await irc.expectCommand('KICK', '#lobby', name);
    assert.equal(kick.params[2], 'take a break');
    const error = await irc.expectCommand('ERROR');
    assert.match(error.params[0]!, /Kicked: take a break/);
    await irc.waitClosed();
    await watcher.expect((l) => l.command === 'QUIT' && l.source?.startsWith(`${name}!`) === true);
    await watcher.expect((l) => l.command === 'NOTICE' && l.params[1]!.includes(`${name} was kicked by admin: take a break`));
    // A kick is not a ban: the password still works.
    const back = await IrcTestClient.login(port, name, PASSWORD);
    back.close();
    watcher.close();
  });

  it('a ban closes the connection KILL-style, and the next login is refused', async () => {
    const { irc, name } = await ircUser();
    await admin.request('ban', { user: name, reason: 'spam' });
    const kill = await irc.expectCommand('KILL', name);
    assert.match(kill.params[1]!, /Banned: spam/);
    await irc.expectCommand('ERROR');
    await irc.waitClosed();
    const again = await IrcTestClient.open(port);
    again.send(`PASS ${PASSWORD}`);
    again.send(`NICK ${name}`);
    again.send(`USER ${name} 0 * :x`);
    await again.expectCommand('465', name);
    await again.waitClosed();
  });

  it("an admin's notice reaches IRC users as a NOTICE from the admin", async () => {
    const { irc } = await ircUser();
    await admin.request('notice', { text: 'maintenance at noon' });
    const notice = await irc.expect((l) => l.command === 'NOTICE' && l.params[1] === 'maintenance at noon');
    assert.equal(notice.source, 'admin!admin@banter');
    assert.equal(notice.params[0], '#lobby');
    irc.close();
  });

  it('the admin moderates from IRC: KICK, MODE +q/-q (mute), MODE +b/-b (ban), WALLOPS; others get 482/481', async () => {
    const opIrc = await IrcTestClient.login(port, 'admin', ADMIN_PASSWORD);
    const { irc: target, name } = await ircUser();
    const { irc: other, name: otherName } = await ircUser();
    other.send(`KICK #lobby ${name} :no`);
    await other.expectCommand('482', otherName, '#lobby');
    other.send(`KILL ${name} :no`);
    await other.expectCommand('481', otherName);
    other.send('WALLOPS :hi');
    await other.expectCommand('481', otherName);
    opIrc.send(`MODE #lobby +q ${name} 5`);
    await target.expect((l) => l.command === 'NOTICE' && l.params[0] === name && /muted until/.test(l.params[1]!));
    opIrc.send(`MODE #lobby -q ${name}`);
    await target.expect((l) => l.command === 'NOTICE' && l.params[1] === 'You are no longer muted');
    opIrc.send('WALLOPS :server restart soon');
    await other.expect((l) => l.command === 'NOTICE' && l.params[1] === 'server restart soon');
    opIrc.send(`KICK #lobby ${name} :out`);
    await target.expectCommand('KICK', '#lobby', name, 'out');
    await target.waitClosed();
    opIrc.send(`MODE #lobby +b ${otherName}`);
    await other.expectCommand('KILL', otherName);
    await other.waitClosed();
    const unbanned = nextEvent(admin, 'notice', (n) => n.text.includes(`${otherName} was unbanned`));
    opIrc.send(`MODE #lobby -b ${otherName}`);
    await unbanned;
    opIrc.send('KICK #lobby nobody_by_that_name :x');
    await opIrc.expectCommand('401', 'admin', 'nobody_by_that_name');
    opIrc.close();
  });
});

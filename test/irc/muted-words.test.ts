import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { BanterClient } from '../../src/client/index.js';
import { adminClient, newUser, uniqueName } from '../helpers/clients.js';
import { newIrcUser, type IrcTestClient } from '../helpers/irc-client.js';
import { startTestServer, type TestServer } from '../helpers/server.js';

const room = (): string => `#${uniqueName('mw').slice(0, 30)}`;
const from = (name: string) => (l: { source?: string }) => l.source?.startsWith(`${name}!`) === true;

/** A mute keeps a user's words from others on IRC too: TOPIC, AWAY text, PART and QUIT reasons. */
describe('IRC gateway: what a muted user may not show others', () => {
  let server: TestServer;
  let admin: BanterClient;
  before(async () => {
    server = await startTestServer({ ircPort: 0 });
    admin = await adminClient(server.tcpPort);
  });
  after(async () => {
    admin.close();
    await server.dispose();
  });

  async function muted(irc: IrcTestClient, name: string): Promise<void> {
    await admin.request('mute', { user: name, minutes: 10 });
    await irc.expect((l) => l.command === 'NOTICE' && l.params[0] === name && /^You are muted/.test(l.params[1]!));
  }

  async function inRoom(r: string, ...clients: [IrcTestClient, string][]): Promise<void> {
    for (const [irc, name] of clients) {
      irc.send(`JOIN ${r}`);
      await irc.expectCommand('366', name, r);
    }
  }

  it('TOPIC of a muted owner is refused with 404; nobody sees it', async () => {
    const { irc: owner, name: ownerName } = await newIrcUser(server);
    const { irc: watcher, name: watcherName } = await newIrcUser(server);
    const r = room();
    await inRoom(r, [owner, ownerName], [watcher, watcherName]);
    await muted(owner, ownerName);
    owner.send(`TOPIC ${r} :buy my stuff`);
    const refused = await owner.expectCommand('404', ownerName, r);
    assert.match(refused.params[2]!, /muted/);
    await admin.request('unmute', { user: ownerName });
    await owner.expect((l) => l.command === 'NOTICE' && l.params[1] === 'You are no longer muted');
    owner.send(`TOPIC ${r} :after the mute`);
    // The marker: the first TOPIC the watcher sees is the one set after the unmute.
    const seen = await watcher.expect((l) => l.command === 'TOPIC' && l.params[0] === r);
    assert.equal(seen.params[1], 'after the mute');
    owner.close();
    watcher.close();
  });

  it('AWAY of a muted user: the away state goes out, the text does not', async () => {
    const { irc: away, name } = await newIrcUser(server);
    const { irc: watcher, name: watcherName } = await newIrcUser(server, ['away-notify']);
    await muted(away, name);
    away.send('AWAY :visit spam.example');
    await away.expectCommand('306', name);
    const notified = await watcher.expect((l) => l.command === 'AWAY' && from(name)(l));
    assert.equal(notified.params[0], 'Away');
    watcher.send(`PRIVMSG ${name} :are you there?`);
    const reply = await watcher.expectCommand('301', watcherName, name);
    assert.equal(reply.params[2], 'Away');
    assert.ok(!watcher.transcript().includes('spam.example'), watcher.transcript());
    away.close();
    watcher.close();
  });

  it('PART of a user muted server-wide or in the room: the PART goes out, the reason does not', async () => {
    const owner = await newUser(server.tcpPort);
    const { irc: global, name: globalName } = await newIrcUser(server);
    const { irc: local, name: localName } = await newIrcUser(server);
    const { irc: watcher, name: watcherName } = await newIrcUser(server);
    const r = room();
    await owner.client.request('create', { room: r });
    await inRoom(r, [global, globalName], [local, localName], [watcher, watcherName]);
    await muted(global, globalName);
    await owner.client.request('room_mute', { room: r, user: localName, minutes: 10 });
    await local.expect((l) => l.command === 'NOTICE' && l.params[1]!.startsWith(`You are muted in ${r}`));

    global.send(`PART ${r} :see my site`);
    const globalPart = await watcher.expect((l) => l.command === 'PART' && from(globalName)(l));
    assert.deepEqual(globalPart.params, [r]);
    local.send(`PART ${r} :see my other site`);
    const localPart = await watcher.expect((l) => l.command === 'PART' && from(localName)(l));
    assert.deepEqual(localPart.params, [r]);
    // The leaver's own PART line may keep the reason: they see their own words.
    await local.expect((l) => l.command === 'PART' && from(localName)(l));
    for (const c of [global, local, watcher]) c.close();
    owner.client.close();
  });

  it('QUIT of a muted user: the QUIT goes out, the reason does not', async () => {
    const { irc: quitter, name } = await newIrcUser(server);
    const { irc: watcher } = await newIrcUser(server);
    await muted(quitter, name);
    quitter.send('QUIT :see my site');
    const quit = await watcher.expect((l) => l.command === 'QUIT' && from(name)(l));
    assert.ok(!quit.params[0]!.includes('see my site'), quit.raw);
    watcher.close();
  });
});

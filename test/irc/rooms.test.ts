import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { PASSWORD, newUser, uniqueName } from '../helpers/clients.js';
import { IrcTestClient } from '../helpers/irc-client.js';
import { startTestServer, type TestServer } from '../helpers/server.js';

/**
 * Rooms are not channels on IRC (yet): an IRC session of a room's member must not show the
 * room's messages as if they were private ones.
 */
describe('IRC gateway and rooms', () => {
  let server: TestServer;
  before(async () => (server = await startTestServer({ ircPort: 0 })));
  after(() => server.dispose());

  it("keeps a room's messages and typing out of a member's IRC session, and the lobby in", async () => {
    const member = await newUser(server.tcpPort);
    const other = await newUser(server.tcpPort);
    const room = `#${uniqueName('room')}`;
    await other.client.request('create', { room });
    await member.client.request('join', { room });
    const irc = await IrcTestClient.login(server.ircPort!, member.name, PASSWORD, ['message-tags']);
    await other.client.request('typing', { to: room });
    await other.client.request('send', { to: room, text: 'for the room only' });
    await other.client.request('send', { to: '#lobby', text: 'for everyone' });
    await irc.expect((l) => l.command === 'PRIVMSG' && l.params[1] === 'for everyone');
    await new Promise((r) => setTimeout(r, 100));
    assert.ok(!irc.lines.some((l) => l.command === 'PRIVMSG' && l.params[1] === 'for the room only'), 'the room message is not shown as a private one');
    assert.ok(!irc.lines.some((l) => l.command === 'TAGMSG' && l.params[0] !== '#lobby'), 'nor the typing in the room');
    // The member's other session still has it.
    const history = await member.client.request('history', { conv: room });
    assert.deepEqual(history.messages.map((m) => m.text), ['for the room only']);
    irc.close();
    member.client.close();
    other.client.close();
  });
});

import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { MAX_ROOMS_LIMIT } from '../../src/protocol/index.js';
import { PASSWORD, adminClient, newUser, waitUntil } from '../helpers/clients.js';
import { IrcTestClient } from '../helpers/irc-client.js';
import { startTestServer, type TestServer } from '../helpers/server.js';

/**
 * `rooms` lists at most MAX_ROOMS_LIMIT rooms a reply: the gateway's own uses of it (the JOIN
 * burst at registration, LUSERS, TOPIC and MODE of a room not shown) must page past the first.
 */
describe('IRC gateway with more rooms than one page of `rooms`', () => {
  let server: TestServer;
  before(async () => {
    server = await startTestServer({ ircPort: 0 });
    const admin = await adminClient(server.tcpPort);
    // The administrator owns any number of rooms; keys "#a…" come before the user's "#zz".
    for (let batch = 0; batch < MAX_ROOMS_LIMIT / 10; batch++) {
      await Promise.all(Array.from({ length: 10 }, (_, i) => admin.request('create', { room: `#a${String(batch * 10 + i).padStart(3, '0')}` })));
    }
    admin.close();
  });
  after(() => server.dispose());

  it('joins a room past the first page at registration, counts every room, and answers TOPIC and MODE for one', { timeout: 60_000 }, async () => {
    const { client, name } = await newUser(server.tcpPort);
    await client.request('create', { room: '#zz', topic: 'past the first page' });
    client.close();
    await waitUntil(() => !server.chat.online.get(name.toLowerCase()), 'the registering session to go');
    const irc = await IrcTestClient.login(server.ircPort!, name, PASSWORD);
    await irc.expect((l) => l.command === 'JOIN' && l.params[0] === '#zz', 5000, 'the JOIN burst of #zz');
    const lusers = irc.lines.find((l) => l.command === '254');
    assert.equal(lusers?.params[1], String(MAX_ROOMS_LIMIT + 2), '#lobby, the first page and #zz');
    irc.send('PART #zz');
    await irc.expect((l) => l.command === 'PART' && l.params[0] === '#zz');
    irc.send('TOPIC #zz');
    assert.equal((await irc.expectCommand('332', name, '#zz')).params[2], 'past the first page');
    irc.send('MODE #a499');
    await irc.expectCommand('324', name, '#a499', '+nt');
    irc.close();
  });
});

import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { ChatSession } from '../../src/client/session.js';
import { tcpTransport } from '../../src/client/node/tcp-transport.js';
import { MAX_ROOMS_LIMIT } from '../../src/protocol/index.js';
import { PASSWORD, newUser, waitUntil } from '../helpers/clients.js';
import { IrcTestClient } from '../helpers/irc-client.js';
import { startTestServer, type TestServer } from '../helpers/server.js';

// One more public room than a page holds, so paging is needed to see them all.
const ROOMS = MAX_ROOMS_LIMIT + 1;
let server: TestServer;
let maker: Awaited<ReturnType<typeof newUser>>;
let names: string[];
before(async () => {
  server = await startTestServer({ maxRoomsOwned: ROOMS + 10, maxRoomsJoined: ROOMS + 10, ircPort: 0 });
  maker = await newUser(server.tcpPort);
  names = Array.from({ length: ROOMS }, (_, i) => `#Page${String(i).padStart(4, '0')}`);
  for (let i = 0; i < names.length; i += 50) await Promise.all(names.slice(i, i + 50).map((room) => maker.client.request('create', { room })));
});
after(async () => {
  maker.client.close();
  await server.dispose();
});

// Paging itself (limit, after, joined, bad fields) is tested on the core (test/core/room-pages.test.ts);
// these check the clients that page: the IRC gateway's LIST and the SDK.
describe('rooms in pages', () => {
  it('IRC LIST shows every room, page after page', async () => {
    const user = await newUser(server.tcpPort);
    user.client.close();
    await waitUntil(() => !server.chat.online.get(user.name.toLowerCase()), 'the registering session to go');
    const irc = await IrcTestClient.login(server.ircPort!, user.name, PASSWORD);
    try {
      irc.send('LIST');
      await irc.expectCommand('323', user.name);
      const listed = irc.lines.filter((l) => l.command === '322').map((l) => l.params[1]);
      // Every public room once.
      assert.deepEqual(listed.filter((r) => r !== '#lobby'), names);
    } finally {
      irc.close();
    }
  });

  it('the SDK knows every room the user is in, even past the first page of all rooms', async () => {
    const user = await newUser(server.tcpPort);
    const beyond = names.slice(-2);
    for (const r of beyond) await user.client.request('join', { room: r });
    const session = new ChatSession({ connect: tcpTransport('127.0.0.1', server.tcpPort), reconnect: false });
    try {
      await session.login(user.name, PASSWORD);
      assert.deepEqual(session.rooms.map((r) => r.room), beyond, 'read at login');
      // Joined on another connection: the session hears it and reads its rooms again.
      await user.client.request('join', { room: names[ROOMS - 3]! });
      await waitUntil(() => session.rooms.length === 3, 'the session sees the new room');
      assert.deepEqual(session.rooms.map((r) => r.room), names.slice(-3));
    } finally {
      session.close();
      user.client.close();
    }
  });
});

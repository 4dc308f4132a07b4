import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { ChatSession } from '../../src/client/session.js';
import { tcpTransport } from '../../src/client/node/tcp-transport.js';
import { MAX_ROOMS_LIMIT, roomKey, type RoomInfo } from '../../src/protocol/index.js';
import { PASSWORD, newUser, refusal, waitUntil } from '../helpers/clients.js';
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

const keys = (rooms: RoomInfo[]) => rooms.map((r) => roomKey(r.room));

describe('rooms in pages', () => {
  it('without paging fields: the first MAX_ROOMS_LIMIT rooms in key order, and next', async () => {
    const { client } = await newUser(server.tcpPort);
    const first = await client.request('rooms', {});
    assert.equal(first.rooms.length, MAX_ROOMS_LIMIT);
    assert.deepEqual(keys(first.rooms), keys(first.rooms).sort(), 'in key order');
    assert.deepEqual(first.rooms.map((r) => r.room), names.slice(0, MAX_ROOMS_LIMIT));
    assert.equal(first.next, roomKey(names[MAX_ROOMS_LIMIT - 1]!), 'next is the last key listed');
    const rest = await client.request('rooms', { after: first.next! });
    assert.deepEqual(rest.rooms.map((r) => r.room), names.slice(MAX_ROOMS_LIMIT));
    assert.equal(rest.next, undefined, 'the last page has no next');
    assert.equal((await client.request('rooms', { limit: 100_000 })).rooms.length, MAX_ROOMS_LIMIT, 'a larger limit is reduced to the most');
    client.close();
  });

  it('limit and after page through every room once; a room name works as the cursor', async () => {
    const { client } = await newUser(server.tcpPort);
    const seen: string[] = [];
    let cursor: string | undefined;
    let pages = 0;
    do {
      const page = await client.request('rooms', cursor === undefined ? { limit: 120 } : { limit: 120, after: cursor });
      assert.ok(page.rooms.length <= 120);
      seen.push(...page.rooms.map((r) => r.room));
      cursor = page.next;
      pages++;
    } while (cursor !== undefined);
    assert.equal(pages, Math.ceil(ROOMS / 120));
    assert.deepEqual(seen, names);
    const byName = await client.request('rooms', { after: names[9]!.toUpperCase(), limit: 2 });
    assert.deepEqual(byName.rooms.map((r) => r.room), names.slice(10, 12));
    assert.equal(byName.next, roomKey(names[11]!));
    const exact = await client.request('rooms', { after: roomKey(names[ROOMS - 3]!), limit: 2 });
    assert.deepEqual(exact.rooms.map((r) => r.room), names.slice(ROOMS - 2));
    assert.equal(exact.next, undefined, 'a page that ends at the last room has no next');
    client.close();
  });

  it('joined lists only the rooms the user is in, private ones included', async () => {
    const { client, name } = await newUser(server.tcpPort);
    const last = names.at(-1)!;
    await client.request('join', { room: last });
    await maker.client.request('create', { room: '#AAsecret', private: true });
    await maker.client.request('invite', { room: '#AAsecret', user: name });
    const mine = await client.request('rooms', { joined: true });
    assert.deepEqual(mine.rooms.map((r) => [r.room, r.joined, r.private]), [
      ['#AAsecret', true, true],
      [last, true, false],
    ]);
    assert.equal(mine.next, undefined);
    const one = await client.request('rooms', { joined: true, limit: 1 });
    assert.deepEqual([one.rooms.map((r) => r.room), one.next], [['#AAsecret'], '#aasecret']);
    assert.ok(!(await client.request('rooms', {})).rooms.some((r) => r.room === last), 'beyond the first page of all rooms');
    client.close();
  });

  it('refuses bad paging fields with BAD_REQUEST', async () => {
    const { client } = await newUser(server.tcpPort);
    for (const body of [{ limit: 0 }, { limit: 1.5 }, { limit: '5' }, { after: 5 }, { after: '' }, { after: `#${'x'.repeat(100)}` }, { joined: 'yes' }, { page: 2 }]) {
      assert.equal((await refusal(client.request('rooms', body as never))).code, 'BAD_REQUEST', JSON.stringify(body));
    }
    client.close();
  });

  it('IRC LIST shows every room, page after page', async () => {
    const user = await newUser(server.tcpPort);
    user.client.close();
    await waitUntil(() => !server.chat.online.get(user.name.toLowerCase()), 'the registering session to go');
    const irc = await IrcTestClient.login(server.ircPort!, user.name, PASSWORD);
    try {
      irc.send('LIST');
      await irc.expectCommand('323', user.name);
      const listed = irc.lines.filter((l) => l.command === '322').map((l) => l.params[1]);
      // Every public room once (a private room of others, made by another test, is not listed).
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

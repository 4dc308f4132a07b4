import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { WebSocket } from 'ws';
import { BanterClient, webSocketTransport, type WebSocketConstructor } from '../../src/client/index.js';
import { PASSWORD, adminClient, newUser, nextEvent, record, uniqueName, waitUntil } from '../helpers/clients.js';
import { startTestServer, type TestServer } from '../helpers/server.js';

const codeOf = (p: Promise<unknown>): Promise<string> => p.then(() => 'OK', (e: { code: string }) => e.code);
const room = (): string => `#${uniqueName('mw').slice(0, 30)}`;

/** A mute keeps a user's words from others beyond messages: room topics, set or given at creation. */
describe('what a muted user may not show others (v1 ops)', () => {
  let server: TestServer;
  let admin: BanterClient;
  before(async () => {
    server = await startTestServer();
    admin = await adminClient(server.tcpPort);
  });
  after(async () => {
    admin.close();
    await server.dispose();
  });

  it('a server-wide mute refuses `topic` and `create` with a topic (TCP); the room is created without one', async () => {
    const alice = await newUser(server.tcpPort);
    const bob = await newUser(server.tcpPort);
    const r = room();
    await alice.client.request('create', { room: r });
    await bob.client.request('join', { room: r });
    const topics = record(bob.client, 'topic');
    const muted = nextEvent(alice.client, 'muted');
    const { until } = await admin.request('mute', { user: alice.name, minutes: 10 });
    await muted;

    const refused = await alice.client.request('topic', { room: r, topic: 'buy my stuff' }).catch((e: { code: string; until: unknown }) => e);
    assert.deepEqual([(refused as { code: string }).code, (refused as { until: unknown }).until], ['MUTED', until]);
    assert.equal(await codeOf(alice.client.request('create', { room: room(), topic: 'listed to everyone' })), 'MUTED');
    const plain = room();
    assert.equal((await alice.client.request('create', { room: plain, topic: '' })).room, plain, 'no topic: no words');
    const listed = await bob.client.request('rooms', {});
    assert.ok(!listed.rooms.some((x) => x.topic === 'listed to everyone'));

    const unmuted = nextEvent(alice.client, 'unmuted');
    await admin.request('unmute', { user: alice.name });
    await unmuted;
    await alice.client.request('topic', { room: r, topic: 'after the mute' });
    // The marker: the topic set after the unmute is the first bob hears.
    await waitUntil(() => topics.length > 0, 'the topic set after the unmute');
    assert.deepEqual(topics.map((t) => t.topic), ['after the mute']);
    alice.client.close();
    bob.client.close();
  });

  it('a mute in a room refuses `topic` in that room only', async () => {
    const bob = await newUser(server.tcpPort);
    const carol = await newUser(server.tcpPort);
    const r = room();
    await bob.client.request('create', { room: r });
    await carol.client.request('join', { room: r });
    await bob.client.request('room_mute', { room: r, user: carol.name, minutes: 10 });
    // An owner cannot be muted in their room, but a muted member can be handed the room.
    await bob.client.request('owner', { room: r, user: carol.name });
    const refused = await carol.client.request('topic', { room: r, topic: 'mine now' }).catch((e: { code: string; message: string }) => e);
    assert.equal((refused as { code: string }).code, 'MUTED');
    assert.match((refused as { message: string }).message, new RegExp(`muted in ${r}`, 'i'));
    const other = room();
    assert.equal((await carol.client.request('create', { room: other, topic: 'elsewhere' })).topic, 'elsewhere', 'a room mute holds in its room only');
    assert.equal((await carol.client.request('topic', { room: other, topic: 'still fine' })).topic, 'still fine');
    bob.client.close();
    carol.client.close();
  });

  it('refuses `topic` and `create` with a topic over WebSocket too', async () => {
    const name = uniqueName('ws');
    const web = await BanterClient.connect(webSocketTransport(`ws://127.0.0.1:${server.httpPort}/ws`, WebSocket as unknown as WebSocketConstructor));
    await web.request('register', { user: name, password: PASSWORD });
    await web.request('login', { user: name, password: PASSWORD });
    const r = room();
    await web.request('create', { room: r });
    const muted = nextEvent(web, 'muted');
    await admin.request('mute', { user: name });
    await muted;
    assert.equal(await codeOf(web.request('topic', { room: r, topic: 'from the browser' })), 'MUTED');
    assert.equal(await codeOf(web.request('create', { room: room(), topic: 'from the browser' })), 'MUTED');
    web.close();
  });
});

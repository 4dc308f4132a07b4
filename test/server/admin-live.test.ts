import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { WebSocket } from 'ws';
import { BanterClient, webSocketTransport, type WebSocketConstructor } from '../../src/client/index.js';
import { MessageRate } from '../../src/server/core/message-rate.js';
import { adminClient, connect, newUser, PASSWORD, refusal, uniqueName } from '../helpers/clients.js';
import { RawSocket } from '../helpers/raw-socket.js';
import { startTestServer, type TestServer } from '../helpers/server.js';
import { waitForValue, waitUntil } from '../helpers/wait.js';

const wsImpl = WebSocket as unknown as WebSocketConstructor;

describe('admin live figures: sessions and stats', () => {
  let server: TestServer;
  before(async () => {
    server = await startTestServer();
  });
  after(() => server.dispose());

  it('sessions lists every logged-in connection with its user, transport, address and start', async () => {
    const before = Date.now();
    const tcp = await newUser(server.tcpPort, uniqueName('tcp'));
    const wsName = uniqueName('ws');
    const web = await BanterClient.connect(webSocketTransport(`ws://127.0.0.1:${server.httpPort}/ws`, wsImpl));
    await web.request('register', { user: wsName, password: PASSWORD });
    await web.request('login', { user: wsName, password: PASSWORD });
    const second = await connect(server.tcpPort); // a second session of the same user
    await second.request('login', { token: tcp.token });
    const anonymous = await connect(server.tcpPort); // not logged in: not listed
    const admin = await adminClient(server.tcpPort);

    const { sessions } = await admin.request('sessions', {});
    const mine = sessions.filter((s) => s.user === tcp.name);
    assert.equal(mine.length, 2);
    for (const s of mine) {
      assert.equal(s.transport, 'tcp');
      assert.match(s.address, /127\.0\.0\.1/);
      assert.equal(s.role, 'user');
      assert.ok(s.since >= before && s.since <= Date.now());
    }
    const ws = sessions.find((s) => s.user === wsName);
    assert.equal(ws?.transport, 'ws');
    assert.equal(sessions.find((s) => s.user === 'admin')?.role, 'admin');
    assert.equal(sessions.length, 4, 'the anonymous connection is not a session');
    assert.deepEqual(sessions.map((s) => s.since), [...sessions.map((s) => s.since)].sort((a, b) => a - b), 'oldest first');

    second.close();
    await waitUntil(async () => (await admin.request('sessions', {})).sessions.filter((s) => s.user === tcp.name).length === 1, { what: 'one session listed', timeoutMs: 5000 });
    for (const c of [tcp.client, web, anonymous, admin]) c.close();
  });

  it('stats counts connections, sessions, users and messages per second of the last minute', async () => {
    const admin = await adminClient(server.tcpPort);
    const alice = await newUser(server.tcpPort, uniqueName('alice'));
    const idle = await connect(server.tcpPort);
    await waitUntil(async () => (await admin.request('stats', {})).connections === 3, { what: 'three connections counted', timeoutMs: 5000 });
    const start = await admin.request('stats', {});
    assert.equal(start.sessions, 2);
    assert.equal(start.users, 2);
    assert.equal(start.messages.length, 60);
    const counted = (m: number[]) => m.reduce((a, b) => a + b, 0);
    const base = counted(start.messages);

    for (let i = 0; i < 7; i++) await alice.client.request('send', { to: '#lobby', text: `m${i}` });
    // A retry with a cid already stored is not a new message.
    const first = await alice.client.request('send', { to: '#lobby', text: 'once', cid: 'rate-1' });
    const again = await alice.client.request('send', { to: '#lobby', text: 'once', cid: 'rate-1' });
    assert.equal(again.seq, first.seq);
    // The running second is left out: poll until it has passed and the eight are counted.
    const later = await waitForValue(() => admin.request('stats', {}), (s) => counted(s.messages) - base >= 8, { what: 'the eight messages counted', timeoutMs: 5000 });
    assert.equal(counted(later.messages) - base, 8);
    assert.ok(later.ts >= start.ts);

    const err = await refusal(alice.client.request('stats', {}));
    assert.equal(err.code, 'FORBIDDEN');
    assert.equal((await refusal(alice.client.request('sessions', {}))).code, 'FORBIDDEN');
    for (const c of [admin, alice.client, idle]) c.close();
  });

  it('both ops take no fields, over the raw line protocol', async () => {
    const raw = await RawSocket.open(server.tcpPort);
    const notLoggedIn = await raw.request({ id: 1, op: 'stats' });
    assert.equal((notLoggedIn.error as { code: string }).code, 'NOT_AUTHENTICATED');
    await raw.request({ id: 2, op: 'login', user: 'admin', password: (await import('../helpers/server.js')).ADMIN_PASSWORD });
    const bad = await raw.request({ id: 3, op: 'sessions', user: 'x' });
    assert.equal((bad.error as { code: string }).code, 'BAD_REQUEST');
    const ok = await raw.request({ id: 4, op: 'stats' });
    assert.equal(ok.ok, true);
    assert.deepEqual(Object.keys(ok).sort(), ['connections', 'messages', 'ok', 're', 'sessions', 'ts', 'users']);
    raw.destroy();
  });

  it('MessageRate keeps 60 one-second buckets and forgets what is older', () => {
    const rate = new MessageRate();
    const t0 = Math.floor(Date.now() / 1000) * 1000 + 2_000;
    rate.record(t0);
    rate.record(t0 + 10);
    rate.record(t0 + 1_500);
    const a = rate.lastMinute(t0 + 2_000);
    assert.deepEqual(a.slice(-2), [2, 1]);
    assert.equal(a.length, 60);
    const b = rate.lastMinute(t0 + 61_000);
    assert.deepEqual(b.slice(0, 1), [1], 'the second at t0+1 s is the oldest one left');
    assert.equal(b.reduce((x, y) => x + y, 0), 1);
    assert.equal(rate.lastMinute(t0 + 600_000).reduce((x, y) => x + y, 0), 0);
  });
});

import assert from 'node:assert/strict';
import net from 'node:net';
import { after, before, describe, it } from 'node:test';
import { WebSocket } from 'ws';
import { BanterClient, webSocketTransport, type WebSocketConstructor } from '../../src/client/index.js';
import { PASSWORD, adminClient, newUser, uniqueName, waitUntil } from '../helpers/clients.js';
import { IrcTestClient } from '../helpers/irc-client.js';
import { RawSocket } from '../helpers/raw-socket.js';
import { startTestServer, type TestServer } from '../helpers/server.js';

const wsImpl = WebSocket as unknown as WebSocketConstructor;

/** A WebSocket upgrade's outcome: open, the HTTP status it was refused with, or 'reset'. */
function upgrade(port: number, headers: Record<string, string> = {}, localAddress?: string): Promise<WebSocket | number | 'reset'> {
  return new Promise((resolve) => {
    const ws = new WebSocket(`ws://127.0.0.1:${port}/ws`, { headers, localAddress });
    ws.once('open', () => resolve(ws));
    ws.once('unexpected-response', (_req, res) => resolve(res.statusCode ?? 0));
    ws.once('error', () => resolve('reset'));
  });
}

async function errorOf(raw: RawSocket): Promise<{ code: string; message: string }> {
  return (await raw.waitFor((l) => l.ev === 'error')).error as { code: string; message: string };
}

describe('connection cap', () => {
  let server: TestServer;
  before(async () => (server = await startTestServer({ maxConnections: 2 })));
  after(() => server.dispose());

  it('counts TCP and WebSocket together; when every slot holds a logged-in user, a newcomer is told the server is full', async () => {
    const { client: first } = await newUser(server.tcpPort);
    const name = uniqueName();
    const ws = await BanterClient.connect(webSocketTransport(`ws://127.0.0.1:${server.httpPort}/ws`, wsImpl));
    await ws.request('register', { user: name, password: PASSWORD });
    await ws.request('login', { user: name, password: PASSWORD });
    const third = await RawSocket.open(server.tcpPort);
    const refusal = await errorOf(third);
    assert.equal(refusal.code, 'RATE_LIMITED');
    assert.match(refusal.message, /full/);
    await third.waitClosed();
    assert.ok(first.isOpen && ws.isOpen, 'those already in stay');
    assert.ok((await first.request('who', {})).users.length >= 2);
    ws.close();
    first.close();
  });
});

describe('connection cap: the reserve for logins', () => {
  let server: TestServer;
  // 4 slots, 1 reserved: connections not logged in may hold 3.
  before(async () => (server = await startTestServer({ maxConnections: 4, loginReserve: 1 })));
  after(() => server.dispose());

  it('drops the oldest connection that has not logged in for a newcomer, so real logins (and the admin) get in', async () => {
    const idle = [await RawSocket.open(server.tcpPort), await RawSocket.open(server.tcpPort), await RawSocket.open(server.tcpPort)];
    await waitUntil(() => server.chat.connectionCount === 3, 'three idle connections');
    // A user reconnecting while idle connections hold every slot they may: the oldest goes.
    const { client: user } = await newUser(server.tcpPort);
    const dropped = await errorOf(idle[0]!);
    assert.equal(dropped.code, 'RATE_LIMITED');
    assert.match(dropped.message, /log in/);
    await idle[0]!.waitClosed();
    // Now one more idle one fills the server (3 anonymous + 1 user = 4) ...
    idle.push(await RawSocket.open(server.tcpPort));
    await waitUntil(() => server.chat.connectionCount === 4, 'the server full');
    // ... and the administrator still gets in, in place of the oldest idle one.
    const admin = await adminClient(server.tcpPort);
    assert.equal((await errorOf(idle[1]!)).code, 'RATE_LIMITED');
    await idle[1]!.waitClosed();
    assert.ok((await admin.request('who', {})).users.length >= 2);
    assert.ok(user.isOpen, 'logged-in users are never dropped for a newcomer');
    assert.ok(!idle[2]!.closed && !idle[3]!.closed, 'only the oldest went');
    for (const s of idle) s.destroy();
    user.close();
    admin.close();
  });
});

describe('connection cap: per address', () => {
  let server: TestServer;
  before(async () => (server = await startTestServer({ maxConnectionsPerAddress: 5, trustedProxies: ['127.0.0.2'] })));
  after(() => server.dispose());

  it('refuses a sixth connection from one address, on any port, and takes one again once one closes', async () => {
    const five = await Promise.all(Array.from({ length: 5 }, () => RawSocket.open(server.tcpPort)));
    await waitUntil(() => server.chat.connectionCount === 5, 'five connections');
    const sixth = await RawSocket.open(server.tcpPort);
    const refusal = await errorOf(sixth);
    assert.equal(refusal.code, 'RATE_LIMITED');
    assert.match(refusal.message, /too many connections from your address/);
    await sixth.waitClosed();
    // The HTTP port counts too: a WebSocket (or any request) from the same address is refused.
    assert.ok(!((await upgrade(server.httpPort)) instanceof WebSocket), 'no WebSocket either');
    const health = await fetch(`http://127.0.0.1:${server.httpPort}/healthz`).then(
      (r) => r.status,
      () => 'refused',
    );
    assert.notEqual(health, 200);
    five[0]!.destroy();
    await waitUntil(() => server.chat.connectionCount === 4, 'one gone');
    const again = await RawSocket.open(server.tcpPort);
    assert.equal((await again.request({ id: 1, op: 'hello' })).ok, true);
    for (const s of [...five, again]) s.destroy();
    await waitUntil(() => server.chat.connectionCount === 0, 'all gone');
  });

  it('counts WebSockets through a trusted proxy per forwarded address', async () => {
    // The test connects from 127.0.0.2, named as a trusted proxy: its own sockets are not counted.
    const viaProxy = (client: string) => upgrade(server.httpPort, { 'x-forwarded-for': `198.51.100.1, ${client}` }, '127.0.0.2');
    const open: WebSocket[] = [];
    for (let i = 0; i < 5; i++) {
      const ws = await viaProxy('203.0.113.7');
      assert.ok(ws instanceof WebSocket, `forwarded connection ${i + 1} of 5 is let in`);
      open.push(ws);
    }
    assert.equal(await viaProxy('203.0.113.7'), 429, 'the sixth from the same client is refused');
    const other = await viaProxy('203.0.113.8');
    assert.ok(other instanceof WebSocket, 'another client behind the same proxy is not');
    open.push(other);
    for (const ws of open) ws.close();
    await waitUntil(() => server.chat.connectionCount === 0, 'all gone');
  });
});

describe('login deadline', () => {
  let server: TestServer;
  // Long enough that a registration and login (two password hashes) finish in time on a busy machine.
  before(async () => (server = await startTestServer({ loginTimeout: 1.5, ircPort: 0 })));
  after(() => server.dispose());

  it('closes a connection that keeps answering pongs but never logs in, and keeps the one that logged in', { timeout: 10_000 }, async () => {
    const { client: user } = await newUser(server.tcpPort);
    const lurker = await RawSocket.open(server.tcpPort);
    const pongs = setInterval(() => lurker.write('{"op":"pong"}\n'), 50);
    try {
      const started = Date.now();
      const error = await errorOf(lurker);
      assert.equal(error.code, 'TIMEOUT');
      assert.match(error.message, /not logged in within 1.5 s/);
      await lurker.waitClosed();
      assert.ok(Date.now() - started < 4000, `closed after ${Date.now() - started} ms`);
    } finally {
      clearInterval(pongs);
    }
    // Well past its own deadline, the logged-in client is still served.
    assert.ok(user.isOpen);
    assert.ok((await user.request('who', {})).users.length >= 1);
    user.close();
  });

  it('applies to WebSocket too', async () => {
    const ws = await upgrade(server.httpPort);
    assert.ok(ws instanceof WebSocket);
    const messages: string[] = [];
    ws.on('message', (d) => messages.push(d.toString()));
    await new Promise((r) => ws.once('close', r));
    const error = messages.map((m) => JSON.parse(m) as { ev?: string; error?: { code: string } }).find((m) => m.ev === 'error');
    assert.equal(error?.error?.code, 'TIMEOUT');
  });

  it('and to IRC, where it is the registration timeout', async () => {
    const irc = await IrcTestClient.open(server.ircPort!);
    irc.send('NICK lurker');
    const error = await irc.expectCommand('ERROR');
    assert.match(error.params[0]!, /Registration timed out/);
    await irc.waitClosed();
  });
});

describe('HTTP: slow headers', () => {
  let server: TestServer;
  before(async () => (server = await startTestServer({ httpHeadersTimeout: 0.5 })));
  after(() => server.dispose());

  it('cuts off a client that trickles its headers (slowloris) soon after --http-headers-timeout', { timeout: 10_000 }, async () => {
    const socket = net.connect({ host: '127.0.0.1', port: server.httpPort });
    socket.on('error', () => undefined);
    await new Promise((r) => socket.once('connect', r));
    const started = Date.now();
    socket.write('GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\n');
    let n = 0;
    const trickle = setInterval(() => socket.write(`X-Slow-${++n}: x\r\n`), 100);
    try {
      await new Promise((r) => socket.once('close', r));
    } finally {
      clearInterval(trickle);
    }
    const took = Date.now() - started;
    assert.ok(took >= 400 && took < 2500, `closed after ${took} ms`);
  });
});

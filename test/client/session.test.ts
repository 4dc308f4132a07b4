import assert from 'node:assert/strict';
import { rmSync } from 'node:fs';
import net from 'node:net';
import { after, describe, it } from 'node:test';
import { BanterClient, BanterError, ChatSession } from '../../src/client/index.js';
import { tcpTransport } from '../../src/client/node/tcp-transport.js';
import type { ChatMessage } from '../../src/protocol/index.js';
import { PASSWORD, connect, uniqueName, waitUntil } from '../helpers/clients.js';
import { Proxy } from '../helpers/proxy.js';
import { ReorderProxy } from '../helpers/reorder-proxy.js';
import { spawnServer, startTestServer, tempDir, type ServerProcess } from '../helpers/server.js';
import { scenarioPause } from '../helpers/wait.js';

function session(port: number): ChatSession {
  return new ChatSession({ connect: tcpTransport('127.0.0.1', port), backoffBaseMs: 50, backoffMaxMs: 300, requestTimeoutMs: 3000 });
}

async function registered(port: number): Promise<string> {
  const name = uniqueName();
  const c = await connect(port);
  await c.request('register', { user: name, password: PASSWORD });
  c.close();
  return name;
}

describe('client session', () => {
  const cleanups: (() => unknown)[] = [];
  after(async () => {
    for (const c of cleanups.reverse()) await c();
  });

  it('survives a server restart mid-conversation without losing or duplicating a message', { timeout: 30_000 }, async () => {
    const data = tempDir();
    cleanups.push(() => rmSync(data, { recursive: true, force: true }));
    let server: ServerProcess = await spawnServer(['--data', data, '--send-rate', '1000', '--send-burst', '1000']);
    const port = server.port;
    cleanups.push(() => server.child.kill('SIGKILL'));
    const [aliceName, bobName] = [await registered(port), await registered(port)];
    const alice = session(port);
    const bob = session(port);
    await alice.login(aliceName, PASSWORD);
    await bob.login(bobName, PASSWORD);
    const seenByAlice: ChatMessage[] = [];
    alice.on('message', (m) => seenByAlice.push(m));
    const states: string[] = [];
    alice.on('state', (s) => states.push(s));

    const before = await Promise.all(Array.from({ length: 30 }, (_, i) => bob.send('#lobby', { text: `before ${i}` })));
    await waitUntil(() => seenByAlice.length === 30, 'first messages');

    server.child.kill('SIGKILL');
    await server.exited;
    // Sent while the server is down: they wait in the outbox.
    const during = Array.from({ length: 20 }, (_, i) => bob.send('#lobby', { text: `during ${i}` }));
    const dm = bob.send(`@${aliceName}`, { text: 'private, while down' });
    await waitUntil(() => alice.state === 'reconnecting' && bob.state === 'reconnecting', 'reconnecting state');
    assert.equal(bob.pendingCount, 21);

    server = await spawnServer(['--data', data, '--port', String(port), '--send-rate', '1000', '--send-burst', '1000']);
    const acks = await Promise.all(during);
    await dm;
    await waitUntil(() => seenByAlice.length === 51, { what: 'caught up', timeoutMs: 15_000 });
    assert.ok(states.includes('online'));

    const lobby = seenByAlice.filter((m) => m.conv === '#lobby');
    assert.deepEqual(lobby.map((m) => m.seq), Array.from({ length: 50 }, (_, i) => before[0]!.seq + i), 'every lobby seq once, in order');
    assert.deepEqual(lobby.slice(30).map((m) => m.text), Array.from({ length: 20 }, (_, i) => `during ${i}`), 'the outbox kept its order');
    assert.deepEqual(acks.map((a) => a.seq), lobby.slice(30).map((m) => m.seq));
    const privateOnes = seenByAlice.filter((m) => m.conv === `@${bobName}`);
    assert.deepEqual(privateOnes.map((m) => m.text), ['private, while down']);
    // One more from bob, after all that: anything alice was to get twice would come before it.
    await bob.send('#lobby', { text: 'the end' });
    await waitUntil(() => seenByAlice.some((m) => m.text === 'the end'), 'the last message');
    assert.equal(seenByAlice.length, 52, 'nothing more arrives twice');
    alice.close();
    bob.close();
  });

  it('catches up on messages sent while it was away', async () => {
    const server = await startTestServer();
    cleanups.push(() => server.dispose());
    const proxy = new Proxy(() => server.tcpPort);
    cleanups.push(() => proxy.close());
    const proxyPort = await proxy.listen();
    const [aliceName, bobName] = [await registered(server.tcpPort), await registered(server.tcpPort)];
    const alice = session(proxyPort);
    await alice.login(aliceName, PASSWORD);
    const seen: ChatMessage[] = [];
    alice.on('message', (m) => seen.push(m));
    const bob = await BanterClient.connect(tcpTransport('127.0.0.1', server.tcpPort));
    await bob.request('login', { user: bobName, password: PASSWORD });
    await bob.request('send', { to: '#lobby', text: 'one' });
    await waitUntil(() => seen.length === 1, 'first');
    proxy.cutAll();
    for (let i = 0; i < 250; i++) await bob.request('send', { to: `@${aliceName}`, text: `missed ${i}` }); // more than one history page
    await waitUntil(() => seen.length === 251, 'caught up').catch((e: Error) => assert.fail(`${e.message}: saw ${seen.length}, state ${alice.state}`));
    assert.deepEqual(seen.slice(1).map((m) => m.seq), Array.from({ length: 250 }, (_, i) => i + 1));
    assert.equal(alice.conversations.find((c) => c.conv === `@${bobName}`)?.unread, 250);
    alice.close();
    bob.close();
  });

  it('catches up on big messages over pages the server cut at its byte budget (more)', { timeout: 30_000 }, async () => {
    const server = await startTestServer();
    cleanups.push(() => server.dispose());
    const proxy = new Proxy(() => server.tcpPort);
    cleanups.push(() => proxy.close());
    const proxyPort = await proxy.listen();
    const [aliceName, bobName] = [await registered(server.tcpPort), await registered(server.tcpPort)];
    const alice = session(proxyPort);
    await alice.login(aliceName, PASSWORD);
    const seen: ChatMessage[] = [];
    alice.on('message', (m) => seen.push(m));
    const bob = await BanterClient.connect(tcpTransport('127.0.0.1', server.tcpPort));
    await bob.request('login', { user: bobName, password: PASSWORD });
    await bob.request('send', { to: '#lobby', text: 'one' });
    await waitUntil(() => seen.length === 1, 'first');
    proxy.cutAll();
    // 16 KB each: a page holds about 15 of them, far fewer than the 200 the session asks for.
    for (let i = 0; i < 40; i++) await bob.request('send', { to: `@${aliceName}`, text: `${i} ${'😀'.repeat(3990)}` });
    await waitUntil(() => seen.length === 41, 'caught up').catch((e: Error) => assert.fail(`${e.message}: saw ${seen.length}, state ${alice.state}`));
    assert.deepEqual(seen.slice(1).map((m) => m.seq), Array.from({ length: 40 }, (_, i) => i + 1));
    alice.close();
    bob.close();
  });

  it('loses nothing when the connection drops again in the middle of catching up', async () => {
    const server = await startTestServer();
    cleanups.push(() => server.dispose());
    const proxy = new Proxy(() => server.tcpPort);
    cleanups.push(() => proxy.close());
    const proxyPort = await proxy.listen();
    const [aliceName, bobName] = [await registered(server.tcpPort), await registered(server.tcpPort)];
    const alice = session(proxyPort);
    await alice.login(aliceName, PASSWORD);
    const seen: ChatMessage[] = [];
    alice.on('message', (m) => seen.push(m));
    const bob = await BanterClient.connect(tcpTransport('127.0.0.1', server.tcpPort));
    cleanups.push(() => {
      alice.close();
      bob.close();
    });
    await bob.request('login', { user: bobName, password: PASSWORD });
    const lobbyStart = (await bob.request('history', { conv: '#lobby', limit: 1 })).messages[0]?.seq ?? 0;
    for (let i = 1; i <= 3; i++) await bob.request('send', { to: '#lobby', text: `m${i}` });
    await waitUntil(() => seen.length === 3, 'the first three');
    let cuts = 0;
    let m11: Promise<unknown> | undefined;
    // On the first reconnect, m11 goes out live right after the login reply (so the session holds
    // it), and the catch-up's history reply never arrives: the connection drops right then.
    proxy.cutWhen = (chunk) => {
      if (chunk.includes('"token"') && !m11) m11 = bob.request('send', { to: '#lobby', text: 'm11' });
      return chunk.includes('"messages"') && m11 !== undefined && cuts++ === 0;
    };
    proxy.cutAll();
    for (let i = 4; i <= 10; i++) await bob.request('send', { to: '#lobby', text: `m${i}` });
    await waitUntil(() => cuts > 0, 'the cut during catch-up');
    await m11;
    await waitUntil(() => seen.length === 11, 'everything, after the second reconnect').catch((e: Error) =>
      assert.fail(`${e.message}: saw ${seen.map((m) => m.text).join(',')}`),
    );
    assert.deepEqual(seen.map((m) => m.seq), Array.from({ length: 11 }, (_, i) => lobbyStart + 1 + i), 'every seq once, in order');
    // m11 was sent while m4-m10 were still going out, so where it lands among them varies.
    assert.deepEqual(seen.map((m) => m.text).sort(), Array.from({ length: 11 }, (_, i) => `m${i + 1}`).sort());
    alice.close();
    bob.close();
  });

  it('retries a send whose reply was lost, and the server stores it once', async () => {
    const server = await startTestServer();
    cleanups.push(() => server.dispose());
    const proxy = new Proxy(() => server.tcpPort);
    cleanups.push(() => proxy.close());
    const proxyPort = await proxy.listen();
    const name = await registered(server.tcpPort);
    const s = session(proxyPort);
    await s.login(name, PASSWORD);
    let cut = 0;
    // Drop the connection just as the first reply to a send comes back: stored, never acknowledged.
    proxy.cutWhen = (chunk) => chunk.includes('"seq"') && chunk.includes('"ok":true') && cut++ === 0;
    const result = await s.send('#lobby', { text: 'exactly once please' });
    assert.ok(cut >= 2, 'the first reply was cut, the retry answered');
    const check = await BanterClient.connect(tcpTransport('127.0.0.1', server.tcpPort));
    await check.request('login', { user: name, password: PASSWORD });
    const { messages } = await check.request('history', { conv: '#lobby' });
    const copies = messages.filter((m) => m.text === 'exactly once please');
    assert.equal(copies.length, 1);
    assert.equal(copies[0]!.seq, result.seq);
    check.close();
    s.close();
  });

  it('times out a request the server never answers', async () => {
    const held: net.Socket[] = [];
    const silent = net.createServer((socket) => held.push(socket)); // accepts, never answers
    await new Promise<void>((r) => silent.listen(0, '127.0.0.1', r));
    cleanups.push(() => {
      held.forEach((s) => s.destroy());
      return new Promise((r) => silent.close(r));
    });
    const port = (silent.address() as net.AddressInfo).port;
    const client = await BanterClient.connect(tcpTransport('127.0.0.1', port), { requestTimeoutMs: 200 });
    const started = Date.now();
    await assert.rejects(client.request('hello', {}), (e: unknown) => e instanceof BanterError && e.code === 'TIMEOUT');
    assert.ok(Date.now() - started >= 190);
    client.close();
  });

  it('hands an update that arrived before its message to the application right after the message', async () => {
    const server = await startTestServer();
    cleanups.push(() => server.dispose());
    const [aliceName, bobName] = [await registered(server.tcpPort), await registered(server.tcpPort)];
    const proxy = new ReorderProxy(server.tcpPort, (l) => l.includes('"ev":"msg"') && l.includes('hold me'), (l) => l.includes('"ev":"update"'));
    await proxy.listen();
    cleanups.push(() => proxy.close());
    const alice = session(proxy.port);
    const bob = session(server.tcpPort);
    cleanups.push(() => alice.close(), () => bob.close());
    await alice.login(aliceName, PASSWORD);
    await bob.login(bobName, PASSWORD);
    const seen: string[] = [];
    alice.on('message', (m) => m.text === 'hold me' && seen.push(`message ${m.seq}`));
    alice.on('update', (u) => seen.push(`update ${u.seq} ${Object.keys(u.reactions ?? {}).join()}`));
    const { seq } = await bob.send('#lobby', { text: 'hold me' });
    await bob.react('#lobby', seq, '👍');
    await waitUntil(() => seen.length === 2, { what: 'the message and its update', timeoutMs: 5000 });
    assert.ok(proxy.reordered, 'the update reached the client before its message');
    assert.deepEqual(seen, [`message ${seq}`, `update ${seq} 👍`]);
  });

  it('ends the session for good when kicked, and does not reconnect', async () => {
    const server = await startTestServer();
    cleanups.push(() => server.dispose());
    const name = await registered(server.tcpPort);
    const s = session(server.tcpPort);
    await s.login(name, PASSWORD);
    const ended = new Promise((r) => s.on('ended', r));
    const admin = await BanterClient.connect(tcpTransport('127.0.0.1', server.tcpPort));
    await admin.request('login', { user: 'admin', password: 'admin-pass-123' });
    await admin.request('kick', { user: name, reason: 'bye' });
    assert.deepEqual(await ended, { code: 'kicked', reason: 'bye' });
    await scenarioPause(400); // longer than the reconnect backoff (at most 300 ms): a reconnect would have begun
    assert.equal(s.state, 'closed');
    assert.ok(!(await admin.request('who', {})).users.some((u) => u.user === name));
    admin.close();
  });
});

import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { WebSocket } from 'ws';
import { BanterClient, webSocketTransport, type WebSocketConstructor } from '../../src/client/index.js';
import { PASSWORD, newUser, record, uniqueName, waitUntil } from '../helpers/clients.js';
import { startTestServer, type TestServer } from '../helpers/server.js';

const wsImpl = WebSocket as unknown as WebSocketConstructor;

function openRaw(url: string): Promise<WebSocket> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(url);
    ws.once('open', () => resolve(ws));
    ws.once('error', reject);
  });
}

function closeOf(ws: WebSocket): Promise<{ code: number; messages: string[] }> {
  const messages: string[] = [];
  ws.on('message', (d) => messages.push(d.toString()));
  return new Promise((resolve) => ws.once('close', (code) => resolve({ code, messages })));
}

describe('HTTP and WebSocket gateway', () => {
  let server: TestServer;
  let base: string;
  before(async () => {
    server = await startTestServer();
    base = `127.0.0.1:${server.httpPort}`;
  });
  after(() => server.dispose());

  it('puts WebSocket and TCP clients in the same lobby', async () => {
    const name = uniqueName('ws');
    const web = await BanterClient.connect(webSocketTransport(`ws://${base}/ws`, wsImpl));
    await web.request('register', { user: name, password: PASSWORD });
    const login = await web.request('login', { user: name, password: PASSWORD });
    assert.equal(login.user, name);
    const tcp = await newUser(server.tcpPort);
    const webInbox = record(web, 'msg');
    const tcpInbox = record(tcp.client, 'msg');
    await web.request('send', { to: '#lobby', text: 'from the browser 🌐' });
    await tcp.client.request('send', { to: `@${name}`, text: 'from the terminal' });
    await waitUntil(() => tcpInbox.some((m) => m.text === 'from the browser 🌐'), 'TCP sees WS');
    await waitUntil(() => webInbox.some((m) => m.text === 'from the terminal' && m.conv === `@${tcp.name}`), 'WS sees TCP');
    const who = await tcp.client.request('who', {});
    assert.ok(who.users.some((u) => u.user === name));
    web.close();
    tcp.client.close();
  });

  it('applies the same rules: errors, auth, and closes on binary or oversized frames', async () => {
    const ws = await openRaw(`ws://${base}/ws`);
    const replies: Record<string, unknown>[] = [];
    ws.on('message', (d) => replies.push(JSON.parse(d.toString()) as Record<string, unknown>));
    ws.send('{"id":1,"op":"who"}');
    ws.send('not json');
    await waitUntil(() => replies.length === 2, 'two answers');
    assert.deepEqual(replies.map((r) => (r.error as { code: string }).code), ['NOT_AUTHENTICATED', 'BAD_REQUEST']);
    ws.close();

    const binary = await openRaw(`ws://${base}/ws`);
    const binaryClosed = closeOf(binary);
    binary.send(Buffer.from('{"id":1,"op":"hello"}'), { binary: true });
    const b = await binaryClosed;
    assert.match(b.messages[0] ?? '', /BAD_REQUEST/);

    const big = await openRaw(`ws://${base}/ws`);
    const bigClosed = closeOf(big);
    big.send(JSON.stringify({ id: 1, op: 'hello', client: 'x'.repeat(70_000) }));
    assert.equal((await bigClosed).code, 1009);
  });

  it('answers /healthz and refuses upgrades elsewhere', async () => {
    const health = await fetch(`http://${base}/healthz`);
    assert.equal(health.status, 200);
    assert.deepEqual(await health.json(), { ok: true });
    await assert.rejects(openRaw(`ws://${base}/elsewhere`));
  });

  it('exposes real counts at /metrics after traffic', async () => {
    const a = await newUser(server.tcpPort);
    const web = await BanterClient.connect(webSocketTransport(`ws://${base}/ws`, wsImpl));
    for (let i = 0; i < 5; i++) await a.client.request('send', { to: '#lobby', text: `metric ${i}` });
    const text = await (await fetch(`http://${base}/metrics`)).text();
    const value = (pattern: RegExp): number => Number(pattern.exec(text)?.[1] ?? NaN);
    assert.ok(value(/^banter_connections\{transport="tcp"\} (\d+)/m) >= 1, 'tcp connections');
    assert.ok(value(/^banter_connections\{transport="ws"\} (\d+)/m) >= 1, 'ws connections');
    assert.ok(value(/^banter_requests_total\{op="send",result="ok"\} (\d+)/m) >= 5, 'sends counted');
    assert.ok(value(/^banter_events_delivered_total (\d+)/m) >= 5, 'deliveries counted');
    assert.ok(value(/^banter_store_append_seconds_count (\d+)/m) >= 5, 'store latency observed');
    assert.ok(value(/^banter_fanout_seconds_count (\d+)/m) >= 5, 'fan-out latency observed');
    assert.match(text, /banter_nodejs_eventloop_lag_seconds/);
    a.client.close();
    web.close();
  });
});

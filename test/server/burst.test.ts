import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { WebSocket } from 'ws';
import { newUser, waitUntil } from '../helpers/clients.js';
import { RawSocket } from '../helpers/raw-socket.js';
import { startTestServer, type TestServer } from '../helpers/server.js';

// Enough sends in one TCP write to be read in one callback, committed as one batch and fanned out
// in one turn: every recipient's share of that turn leaves as one buffer (TCP) or one writev of
// frames (WebSocket). Under the 256 requests a connection may have in progress.
const BURST = 250;
const textOf = (i: number) => `burst ${i} 中文 🎉 ${'x'.repeat(i % 50)}`;

describe('a burst of messages fanned out in one turn', () => {
  let server: TestServer;
  before(async () => {
    server = await startTestServer();
  });
  after(() => server.dispose());

  it('reaches WebSocket and TCP clients intact: one object per frame or line, every message once, in order', { timeout: 20_000 }, async () => {
    const [sender, wsUser, tcpUser] = await Promise.all([newUser(server.tcpPort), newUser(server.tcpPort), newUser(server.tcpPort)]);
    for (const u of [sender, wsUser, tcpUser]) u.client.close();
    // Two TCP sessions that get the same events in the same order share one joined buffer.

    const ws = new WebSocket(`ws://127.0.0.1:${server.httpPort}/ws`);
    const frames: string[] = [];
    ws.on('message', (d, isBinary) => {
      assert.equal(isBinary, false);
      frames.push(d.toString());
    });
    await new Promise((resolve, reject) => ws.once('open', resolve).once('error', reject));
    ws.send(JSON.stringify({ id: 1, op: 'login', token: wsUser.token }));
    const tcp = await RawSocket.open(server.tcpPort);
    assert.equal((await tcp.request({ id: 1, op: 'login', token: tcpUser.token })).ok, true);
    const tcp2 = await RawSocket.open(server.tcpPort);
    assert.equal((await tcp2.request({ id: 1, op: 'login', token: tcpUser.token })).ok, true);
    const out = await RawSocket.open(server.tcpPort);
    assert.equal((await out.request({ id: 1, op: 'login', token: sender.token })).ok, true);
    await waitUntil(() => frames.some((f) => f.startsWith('{"re":1,"ok":true')), 'WebSocket login');

    out.write(Array.from({ length: BURST }, (_, i) => JSON.stringify({ id: 100 + i, op: 'send', to: '#lobby', text: textOf(i) }) + '\n').join(''));
    await out.waitFor((l) => l.re === 100 + BURST - 1, 15_000);
    assert.ok(out.lines.filter((l) => typeof l.re === 'number' && l.re >= 100).every((l) => l.ok === true), 'every send accepted');

    const fromSender = (m: Record<string, unknown>) => m.ev === 'msg' && m.from === sender.name;
    await waitUntil(() => frames.map((f) => JSON.parse(f) as Record<string, unknown>).filter(fromSender).length >= BURST, { what: 'WebSocket burst', timeoutMs: 15_000 });
    await waitUntil(() => tcp.lines.filter(fromSender).length >= BURST && tcp2.lines.filter(fromSender).length >= BURST, { what: 'TCP burst', timeoutMs: 15_000 });
    // JSON.parse throws on a frame holding two objects (or half of one).
    const wsMessages = frames.map((f) => JSON.parse(f) as Record<string, unknown>).filter(fromSender);
    for (const got of [wsMessages, tcp.lines.filter(fromSender), tcp2.lines.filter(fromSender)]) {
      assert.equal(got.length, BURST);
      assert.deepEqual(got.map((m) => m.text), Array.from({ length: BURST }, (_, i) => textOf(i)));
      const seqs = got.map((m) => m.seq as number);
      assert.deepEqual(seqs, Array.from({ length: BURST }, (_, i) => seqs[0]! + i));
    }
    ws.close();
    tcp.destroy();
    tcp2.destroy();
    out.destroy();
  });

  it('sends presence (held a few ms to share writes) ahead of what follows it, on every connection', async () => {
    const [watcher, comer] = await Promise.all([newUser(server.tcpPort), newUser(server.tcpPort)]);
    watcher.client.close();
    comer.client.close();
    const watch = await RawSocket.open(server.tcpPort);
    assert.equal((await watch.request({ id: 1, op: 'login', token: watcher.token })).ok, true);
    const from = watch.lines.length;
    // Send as soon as logged in (within the time presence may be held): the msg event must not
    // overtake the login's presence event.
    const raw = await RawSocket.open(server.tcpPort);
    assert.equal((await raw.request({ id: 1, op: 'login', token: comer.token })).ok, true);
    const sent = await raw.request({ id: 2, op: 'send', to: '#lobby', text: 'right after login' });
    assert.equal(sent.ok, true, JSON.stringify(sent));
    await waitUntil(() => watch.lines.slice(from).some((l) => l.ev === 'msg' && l.from === comer.name), 'the message');
    const events = watch.lines.slice(from).filter((l) => l.user === comer.name || l.from === comer.name).map((l) => String(l.ev));
    assert.deepEqual(events, ['presence', 'msg']);
    const own = raw.lines.map((l) => (l.re !== undefined ? `re ${String(l.re)}` : String(l.ev)));
    assert.deepEqual(own.slice(0, 2), ['presence', 're 1'], 'the new session gets its presence before its login reply');
    raw.destroy();
    watch.destroy();
  });
});

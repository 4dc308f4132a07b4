import assert from 'node:assert/strict';
import type net from 'node:net';
import { after, before, describe, it } from 'node:test';
import type { BanterClient } from '../../src/client/index.js';
import { LOBBY, nameKey, type ChatMessage } from '../../src/protocol/index.js';
import { PASSWORD, newUser, nextEvent, record, uniqueName, waitUntil } from '../helpers/clients.js';
import { RawSocket } from '../helpers/raw-socket.js';
import { startTestServer, type TestServer } from '../helpers/server.js';

const OUTBOUND_KIB = 64;
// ~11 MB in all: well beyond what the kernel buffers for a socket nobody reads (~4 MB here).
const MESSAGES = 4000;
// Sends in flight at once. Each commit batch (at most this many messages) is fanned out to every
// socket in one event-loop turn, so this stays well under the 64 KiB limit: 8 x ~2.7 KB.
const IN_FLIGHT = 8;

/** ~2.5 KB of text, numbered, with some multi-byte characters. */
const textOf = (i: number) => `#${i} ` + 'lorem ipsum dolor sit amet 中文 '.repeat(80).slice(0, 2400);

describe('slow consumer', () => {
  let server: TestServer;
  let slow: { sock: RawSocket; name: string };
  const readers: { client: BanterClient; name: string; seen: ChatMessage[] }[] = [];
  let sender: { client: BanterClient; name: string; seen: ChatMessage[] };

  before(async () => {
    server = await startTestServer({ maxOutboundKib: OUTBOUND_KIB });
    const sock = await RawSocket.open(server.tcpPort);
    const name = uniqueName('slow');
    assert.equal((await sock.request({ id: 1, op: 'register', user: name, password: PASSWORD })).ok, true);
    assert.equal((await sock.request({ id: 2, op: 'login', user: name, password: PASSWORD })).ok, true);
    slow = { sock, name };
    for (let i = 0; i < 2; i++) {
      const u = await newUser(server.tcpPort, uniqueName('reader'));
      readers.push({ ...u, seen: record(u.client, 'msg') });
    }
    const s = await newUser(server.tcpPort, uniqueName('sender'));
    sender = { ...s, seen: record(s.client, 'msg') };
  });
  after(async () => {
    for (const r of readers) r.client.close();
    sender?.client.close();
    slow?.sock.destroy();
    await server?.dispose();
  });

  it('drops a client that stops reading, while readers get every message once, in order', { timeout: 15_000 }, async (t) => {
    const t0 = Date.now();
    const before = slow.sock.lines.length;
    slow.sock.pause(); // from now on it reads nothing
    const slowGone = nextEvent(readers[0]!.client, 'presence', (p) => p.user === slow.name && !p.online, 14_000);
    // As soon as it is dropped, let it read again: it should find what it was sent before the
    // drop, then the SLOW_CONSUMER error, then the end (within the server's 2 s close grace).
    let droppedAt = 0;
    void slowGone.then(
      () => {
        droppedAt = Date.now();
        socketOf(slow.sock).resume();
      },
      () => undefined,
    );
    const readerPresence = readers.map((r) => record(r.client, 'presence'));

    // A few thousand ~2.5 KB messages, a few requests in flight at a time.
    const acks: number[] = new Array(MESSAGES);
    let next = 0;
    const worker = async () => {
      while (next < MESSAGES) {
        const i = next++;
        acks[i] = (await sender.client.request('send', { to: LOBBY, text: textOf(i) })).seq;
      }
    };
    await Promise.all(Array.from({ length: IN_FLIGHT }, worker));
    const sentAt = Date.now();

    // The slow client is dropped: its user goes offline for everyone...
    await slowGone;
    assert.equal(server.chat.online.get(nameKey(slow.name)), undefined, 'the slow user is no longer online');

    // ...and reading again, it finds a run of messages without gaps, the SLOW_CONSUMER error,
    // and the end of the connection.
    await slow.sock.waitClosed(5000);
    const got = slow.sock.lines.slice(before);
    const last = got.at(-1);
    assert.deepEqual(last, { ev: 'error', error: { code: 'SLOW_CONSUMER', message: 'too far behind; reconnect and catch up with history' } });
    const msgs = got.slice(0, -1).filter((l) => l.ev === 'msg') as unknown as ChatMessage[];
    assert.ok(
      got.slice(0, -1).every((l) => l.ev === 'msg' || l.ev === 'presence'),
      `only chat and presence before the error: ${JSON.stringify(got.filter((l) => l.ev !== 'msg')).slice(0, 300)}`,
    );
    assert.ok(msgs.length < MESSAGES, `the slow client got only part of the stream (${msgs.length} of ${MESSAGES})`);
    if (msgs.length > 0) {
      const first = acks.indexOf(msgs[0]!.seq);
      assert.ok(first >= 0);
      const gap = msgs.findIndex((m, k) => m.seq !== acks[first + k]);
      assert.equal(gap, -1, `what the slow client did get is complete and in order (mismatch at ${gap})`);
      // Only the ASCII prefix: RawSocket decodes each TCP read on its own, so a character split
      // between two reads comes out as U+FFFD (a limitation of the test helper, not the server).
      const wrong = msgs.findIndex((m, k) => !m.text?.startsWith(`#${first + k} `));
      assert.equal(wrong, -1, `slow client's message ${wrong} is not #${first + wrong}`);
    }

    // Everyone who reads got every message exactly once, in seq order.
    for (let i = 1; i < MESSAGES; i++) assert.ok(acks[i]! > acks[i - 1]!, `acks in order at ${i}`);
    // One more message after the rest: a duplicate of any of them would arrive before it.
    const end = (await sender.client.request('send', { to: LOBBY, text: 'end of the stream' })).seq;
    const mine = (seen: ChatMessage[]) => seen.filter((m) => m.from === sender.name && m.seq !== end);
    for (const r of [...readers, sender]) {
      await waitUntil(() => r.seen.some((m) => m.seq === end), { what: `${r.name} to get the end of the stream`, timeoutMs: 10_000, state: () => mine(r.seen).length });
    }
    for (const r of [...readers, sender]) {
      const seen = mine(r.seen);
      assert.equal(seen.length, MESSAGES, `${r.name}: no duplicates`);
      const gap = seen.findIndex((m, i) => m.seq !== acks[i]);
      assert.equal(gap, -1, `${r.name}: message ${gap} has seq ${seen[gap]?.seq}, expected ${acks[gap]}`);
      const wrong = seen.findIndex((m, i) => m.text !== textOf(i) || m.conv !== LOBBY);
      assert.equal(wrong, -1, `${r.name}: message ${wrong} is not text #${wrong} in ${LOBBY}`);
      assert.equal(r.client.isOpen, true, `${r.name} is still connected`);
    }
    // Nobody who reads was taken for a slow consumer.
    for (const [i, p] of readerPresence.entries()) {
      const offline = p.filter((e) => !e.online).map((e) => e.user);
      assert.deepEqual(offline, [slow.name], `reader ${i} saw only the slow user leave`);
    }
    t.diagnostic(`${MESSAGES} messages sent in ${sentAt - t0} ms; the slow client got ${msgs.length} before it was dropped ${droppedAt - t0} ms in`);
  });

  it('is healthy afterwards: new logins, sends, history and who all work', async () => {
    const fresh = await newUser(server.tcpPort, uniqueName('fresh'));
    const got = nextEvent(readers[1]!.client, 'msg', (m) => m.text === 'after the flood', 5000);
    const ack = await fresh.client.request('send', { to: LOBBY, text: 'after the flood' });
    assert.equal((await got).seq, ack.seq);
    const history = await fresh.client.request('history', { conv: LOBBY, limit: 3 });
    assert.deepEqual(
      history.messages.map((m) => m.text),
      [textOf(MESSAGES - 1), 'end of the stream', 'after the flood'],
      'history has the flood and its end, then the new message',
    );
    const who = (await fresh.client.request('who', {})).users.map((u) => u.user);
    assert.ok(!who.includes(slow.name), 'the slow user is gone');
    for (const n of [fresh.name, sender.name, ...readers.map((r) => r.name)]) assert.ok(who.includes(n), n);
    assert.equal(server.chat.connectionCount, 4, 'two readers, the sender and the new client');
    fresh.client.close();
  });
});

describe('slow consumer: bursts', () => {
  let server: TestServer;
  const clients: { client: BanterClient; name: string; seen: ChatMessage[]; errors: string[] }[] = [];

  before(async () => {
    server = await startTestServer({ maxOutboundKib: OUTBOUND_KIB });
    for (const prefix of ['sender', 'reader', 'reader']) {
      const u = await newUser(server.tcpPort, uniqueName(prefix));
      const errors: string[] = [];
      u.client.on('error', (e) => errors.push(e.error.code));
      clients.push({ ...u, seen: record(u.client, 'msg'), errors });
    }
  });
  after(async () => {
    for (const c of clients) c.client.close();
    await server?.dispose();
  });

  // 64 sends in flight (a quarter of the 256 a connection may have) are committed as one batch,
  // and their ~175 KB of msg events are written to every socket in the same event-loop turn,
  // before any of it can reach the network. A client that reads everything at once must not be
  // taken for a slow consumer because of that: §8.12 counts data "the operating system has not
  // yet taken", not data the server has not offered it yet.
  it('does not drop clients that keep reading when a burst of messages is fanned out at once', { timeout: 15_000 }, async () => {
    const [sender, ...readers] = clients as [(typeof clients)[0], ...typeof clients];
    const total = 640;
    const acks: number[] = [];
    let failure: unknown = null;
    let next = 0;
    const worker = async () => {
      while (next < total && failure === null) {
        const i = next++;
        try {
          acks[i] = (await sender.client.request('send', { to: LOBBY, text: textOf(i) })).seq;
        } catch (err) {
          failure ??= err;
        }
      }
    };
    await Promise.all(Array.from({ length: 64 }, worker));
    // One more message after the burst: by the time it arrives, a client dropped on the way has had its error.
    const end = (await sender.client.request('send', { to: LOBBY, text: 'end of the burst' })).seq;
    await waitUntil(() => clients.every((c) => c.seen.some((m) => m.seq === end) || c.errors.length > 0 || !c.client.isOpen), { what: 'the end of the burst at every client', timeoutMs: 5000 });
    const dropped = Object.fromEntries(clients.map((c) => [c.name, { errors: c.errors, open: c.client.isOpen }]));
    const fine = Object.fromEntries(clients.map((c) => [c.name, { errors: [], open: true }]));
    assert.deepEqual(dropped, fine, 'clients that read all the time were dropped as slow consumers');
    assert.equal(failure, null, `a send failed: ${String(failure)}`);
    for (const r of [sender, ...readers]) assert.deepEqual(r.seen.map((m) => m.seq).filter((seq) => seq !== end), acks, `${r.name}: every message of the burst once, in order`);
  });
});

/** The net.Socket inside a RawSocket: the helper can pause it but not resume it. */
function socketOf(sock: RawSocket): net.Socket {
  return (sock as unknown as { socket: net.Socket }).socket;
}

import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { HISTORY_PAGE_BYTES, type ChatMessage } from '../../src/protocol/index.js';
import { PASSWORD, connect, newUser, nextEvent, uniqueName, waitUntil } from '../helpers/clients.js';
import { RawSocket } from '../helpers/raw-socket.js';
import { startTestServer, type TestServer } from '../helpers/server.js';

// The hardening issue's repro: 200 notes-to-self of 4000 emoji (16 KB each in UTF-8, 3.2 MB a
// page of 200), then 256 `history` requests at once on one connection.
const NOTES = 200;
const BIG_TEXT = '😀'.repeat(3990); // with its number in front: at most 4000 characters
const ATTACK = 256;

type Line = Record<string, unknown>;

describe('reads: one user cannot stall the others', () => {
  let server: TestServer;
  let attacker: { sock: RawSocket; name: string };

  before(async () => {
    // The default read allowance (20/s, bursts of 60); sends unlimited, to store the notes quickly.
    server = await startTestServer({ readRate: 20, readBurst: 60 });
    const sock = await RawSocket.open(server.tcpPort);
    const name = uniqueName('reader');
    assert.equal((await sock.request({ id: 'r', op: 'register', user: name, password: PASSWORD })).ok, true);
    assert.equal((await sock.request({ id: 'l', op: 'login', user: name, password: PASSWORD })).ok, true);
    for (let i = 1; i <= NOTES; i++) sock.write(JSON.stringify({ id: `n${i}`, op: 'send', to: `@${name}`, text: `${i} ${BIG_TEXT}` }) + '\n');
    assert.equal((await sock.waitFor((l) => l.re === `n${NOTES}`, 60_000)).ok, true);
    attacker = { sock, name };
  });
  after(async () => {
    attacker?.sock.destroy();
    await server?.dispose();
  });

  it('cuts a history page at about 256 KiB, keeps the messages nearest its anchor, and says more', async () => {
    const conv = `@${attacker.name}`;
    const latest = await attacker.sock.request({ id: 'h1', op: 'history', conv, limit: 200 });
    const newest = (latest.messages as ChatMessage[]).map((m) => m.seq);
    assert.equal(latest.more, true);
    assert.ok(newest.length > 1 && newest.length < 200, `${newest.length} messages`);
    assert.equal(newest[newest.length - 1], NOTES, 'the newest message is kept');
    assert.deepEqual(newest, newest.map((_, i) => NOTES - newest.length + 1 + i), 'consecutive, oldest first');
    assert.ok(JSON.stringify(latest).length <= HISTORY_PAGE_BYTES + 4096);

    // Paging forwards from 0 with `after` while `more` collects every note, in order, once.
    const seen: number[] = [];
    let afterSeq = 0;
    for (let page = 0; ; page++) {
      const reply = await attacker.sock.request({ id: `p${page}`, op: 'history', conv, after: afterSeq, limit: 200 });
      const seqs = (reply.messages as ChatMessage[]).map((m) => m.seq);
      seen.push(...seqs);
      if (reply.more !== true) break;
      afterSeq = seqs[seqs.length - 1]!;
    }
    assert.deepEqual(seen, Array.from({ length: NOTES }, (_, i) => i + 1));

    // A page of small messages is not cut: `limit` still bounds it, without `more`.
    const small = await attacker.sock.request({ id: 'h2', op: 'history', conv: '#lobby', limit: 200 });
    assert.equal(small.more, undefined);
  });

  it('makes a burst of 256 history requests wait or be refused, while other users chat and log in', { timeout: 120_000 }, async () => {
    const alice = await newUser(server.tcpPort, uniqueName('alice'));
    const bob = await newUser(server.tcpPort, uniqueName('bob'));
    const sock = attacker.sock;
    const ids = Array.from({ length: ATTACK }, (_, i) => `a${i}`);
    // Replies by id, indexed as lines come (a scan of every line per poll would be quadratic).
    const replies = new Map<unknown, Line>();
    let scanned = sock.lines.length;
    const replyTo = (id: string): Line | undefined => {
      for (; scanned < sock.lines.length; scanned++) replies.set(sock.lines[scanned]!.re, sock.lines[scanned]!);
      return replies.get(id);
    };
    sock.write(ids.map((id) => JSON.stringify({ id, op: 'history', conv: `@${attacker.name}`, limit: 200 })).join('\n') + '\n');

    // While the attacker's pages are still being served, another user's DM gets through and
    // someone can log in: the attacker has not had all its replies by then.
    const dm = nextEvent(bob.client, 'msg', (m) => m.text === 'still there?', 60_000);
    await alice.client.request('send', { to: `@${bob.name}`, text: 'still there?' });
    await dm;
    const late = await connect(server.tcpPort);
    await late.request('login', { token: alice.token });
    const answeredByThen = ids.filter((id) => replyTo(id)?.ok === true).length;

    // Every request gets one reply: a page of at most ~256 KiB, or RATE_LIMITED with retry_after.
    await waitUntil(() => replyTo(ids[0]!) !== undefined && ids.every((id) => replies.has(id)), { what: 'a reply to every request', timeoutMs: 100_000 });
    const all = ids.map((id) => replies.get(id)!);
    const pages = all.filter((r) => r.ok === true);
    const refused = all.filter((r) => r.ok === false);
    for (const r of refused) {
      const error = r.error as { code: string; retry_after?: number };
      assert.equal(error.code, 'RATE_LIMITED');
      assert.ok(typeof error.retry_after === 'number' && error.retry_after > 0);
    }
    // Two may run and 64 wait on the connection: the rest are refused at once.
    assert.ok(refused.length >= ATTACK - 66, `${refused.length} refused`);
    for (const p of pages) assert.equal(p.more, true);
    assert.ok(answeredByThen < pages.length, `the DM and the login waited for all ${answeredByThen} of the attacker's pages`);
    assert.equal(sock.closed, false, 'the attacker, which reads, was not dropped');
    for (const c of [alice.client, bob.client, late]) c.close();
  });

  it('shares the read allowance between a user\'s connections and lets reads wait for it, not other requests', { timeout: 60_000 }, async () => {
    const slow = await startTestServer({ readRate: 0.2, readBurst: 3 });
    try {
      const me = await newUser(slow.tcpPort, uniqueName('me'));
      const other = await newUser(slow.tcpPort, uniqueName('other'));
      // The burst, spent on one connection.
      for (let i = 0; i < 3; i++) await me.client.request('who', {});
      // The same user's second connection has no token left: its read waits, while a ping sent
      // after it is answered, and so is another user's read.
      const second = await RawSocket.open(slow.tcpPort);
      assert.equal((await second.request({ id: 'l', op: 'login', token: me.token })).ok, true);
      second.write(JSON.stringify({ id: 'w', op: 'who' }) + '\n' + JSON.stringify({ id: 'p', op: 'ping' }) + '\n');
      await second.waitFor((l) => l.re === 'p');
      await other.client.request('who', {});
      assert.equal(
        second.lines.find((l) => l.re === 'w'),
        undefined,
        'the read waited for a token',
      );
      // It is not refused: it runs once the allowance refills (one token per 5 s).
      const who = await second.waitFor((l) => l.re === 'w', 10_000);
      assert.equal(who.ok, true);
      second.destroy();
      for (const c of [me.client, other.client]) c.close();
    } finally {
      await slow.dispose();
    }
  });
});

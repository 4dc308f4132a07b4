import assert from 'node:assert/strict';
import { rmSync } from 'node:fs';
import { after, before, describe, it } from 'node:test';
import { BanterClient, ChatSession, failover } from '../../src/client/index.js';
import { tcpTransport } from '../../src/client/node/tcp-transport.js';
import type { ChatMessage } from '../../src/protocol/index.js';
import { PASSWORD, adminClient, connect, record, uniqueName, waitUntil } from '../helpers/clients.js';
import { clusterSpace, clusterUnavailable, type ClusterSpace } from '../helpers/cluster.js';
import { spawnServer, tempDir, type ServerProcess } from '../helpers/server.js';
import { scenarioPause } from '../helpers/wait.js';

const unavailable = await clusterUnavailable();
if (unavailable) console.log(`# skipping the node-crash test: ${unavailable}`);

// Short, so the test is quick; long enough that a busy machine does not miss a heartbeat (sent every third of it).
const TTL_S = 2;

/** Every lobby message, oldest first, read in pages as a client catches up. */
async function lobby(client: BanterClient): Promise<ChatMessage[]> {
  const all: ChatMessage[] = [];
  for (;;) {
    const { messages } = await client.request('history', { conv: '#lobby', after: all.at(-1)?.seq ?? 0, limit: 200 });
    all.push(...messages);
    if (messages.length < 200) return all;
  }
}

/** Three `banter server` processes on one PostgreSQL schema and Redis prefix; one is killed with SIGKILL under load. */
describe('a node killed under load', { skip: unavailable, timeout: 90_000 }, () => {
  let space: ClusterSpace;
  const nodes: ServerProcess[] = [];
  const dirs: string[] = [];
  const closers: (() => void)[] = [];

  before(async () => {
    space = clusterSpace('crash');
    for (let i = 0; i < 3; i++) {
      const dir = tempDir();
      dirs.push(dir);
      nodes.push(
        await spawnServer(['--data', dir, '--store', space.store, '--bus', space.bus, '--presence-ttl', String(TTL_S), '--send-rate', '100000', '--send-burst', '100000', '--register-per-hour', '1000000']),
      );
    }
  });
  after(async () => {
    for (const close of closers) close();
    for (const n of nodes) {
      n.child.kill('SIGTERM');
      await n.exited;
    }
    for (const d of dirs) rmSync(d, { recursive: true, force: true });
    await space?.dispose();
  });

  it('moves its clients to other nodes with no acknowledged message lost or duplicated, and clears its users’ presence within the expiry', async (t) => {
    const ports = nodes.map((n) => n.port);
    const victim = 1;
    // Six sessions, two starting on each node; each knows every node and fails over in turn.
    const sessions: { session: ChatSession; name: string; seen: ChatMessage[]; home: number }[] = [];
    for (let i = 0; i < 6; i++) {
      const home = i % 3;
      const order = [home, (home + 1) % 3, (home + 2) % 3];
      const session = new ChatSession({
        connect: failover(order.map((n) => tcpTransport('127.0.0.1', ports[n]!))),
        backoffBaseMs: 50,
        backoffMaxMs: 400,
        requestTimeoutMs: 5000,
      });
      const name = uniqueName('crash');
      await session.register(name, PASSWORD);
      await session.login(name, PASSWORD);
      const seen: ChatMessage[] = [];
      session.on('message', (m) => m.conv === '#lobby' && seen.push(m));
      sessions.push({ session, name, seen, home });
      closers.push(() => session.close());
    }
    // A plain client on the victim only (no reconnect), and a watcher on another node.
    const ghostName = uniqueName('ghost');
    const ghost = await connect(ports[victim]!);
    closers.push(() => ghost.close());
    await ghost.request('register', { user: ghostName, password: PASSWORD });
    await ghost.request('login', { user: ghostName, password: PASSWORD });
    const watcher = await adminClient(ports[0]!);
    closers.push(() => watcher.close());
    const presence = record(watcher, 'presence');
    assert.ok((await watcher.request('who', {})).users.some((u) => u.user === ghostName), 'who on node 0 sees the ghost on node 1');

    // Load: every session keeps 5 sends in flight, for 1.5 s before the kill and 1.5 s after.
    const acked = new Map<string, number>();
    const sent: Promise<void>[] = [];
    let sending = true;
    let count = 0;
    const pump = async (s: (typeof sessions)[number]): Promise<void> => {
      const inFlight = new Set<Promise<void>>();
      while (sending && count < 20_000) {
        const text = `load ${s.name} ${count++}`;
        const p = s.session.send('#lobby', { text }).then((r) => void acked.set(text, r.seq));
        inFlight.add(p);
        void p.finally(() => inFlight.delete(p));
        sent.push(p);
        if (inFlight.size >= 5) await Promise.race(inFlight);
      }
    };
    const pumps = sessions.map((s) => pump(s).catch(() => undefined));
    await scenarioPause(1500); // chatting under load for a while before the crash
    const ackedBeforeKill = acked.size;
    nodes[victim]!.child.kill('SIGKILL');
    const killedAt = Date.now();
    await nodes[victim]!.exited;
    await scenarioPause(1500); // and for a while after it
    sending = false;
    await Promise.all(pumps);

    // Presence: the ghost (only on the dead node) goes offline once the node's heartbeat expires.
    await waitUntil(() => presence.some((p) => p.user === ghostName && !p.online), { what: 'the ghost going offline', timeoutMs: 10_000 });
    const clearedAfter = Date.now() - killedAt;
    assert.ok(clearedAfter <= TTL_S * 1000 * 1.34 + 2000, `presence cleared ${clearedAfter} ms after the kill (expiry ${TTL_S} s)`);
    assert.ok(!(await watcher.request('who', {})).users.some((u) => u.user === ghostName), 'who no longer lists the ghost');
    // Users of the dead node that moved elsewhere never went offline.
    for (const s of sessions.filter((x) => x.home === victim)) {
      assert.ok(!presence.some((p) => p.user === s.name && !p.online), `${s.name} moved nodes without going offline`);
    }

    // Every send was acknowledged in the end (the outbox retried across the kill with its cid).
    const results = await Promise.allSettled(sent);
    assert.deepEqual(results.filter((r) => r.status === 'rejected'), [], 'no send failed');
    assert.ok(ackedBeforeKill > 0 && acked.size > ackedBeforeKill, `sent under load: ${ackedBeforeKill} before the kill, ${acked.size} in all`);

    // Stored: every acknowledged message exactly once, at the seq its ack gave.
    const stored = (await lobby(watcher)).filter((m) => m.text?.startsWith('load '));
    const texts = stored.map((m) => m.text!);
    assert.equal(new Set(texts).size, texts.length, 'no message stored twice');
    const bySeq = new Map(stored.map((m) => [m.seq, m.text]));
    for (const [text, seq] of acked) assert.equal(bySeq.get(seq), text, `acknowledged "${text}" is stored at seq ${seq}`);
    assert.equal(stored.length, acked.size, 'nothing stored that was not acknowledged');

    t.diagnostic(`${acked.size} messages acknowledged (${ackedBeforeKill} before the kill); presence cleared ${clearedAfter} ms after it`);
    // Seen: every session, moved or not, got every message once, in seq order, without a gap.
    const last = stored.at(-1)!.seq;
    await waitUntil(() => sessions.every((s) => (s.seen.at(-1)?.seq ?? 0) >= last), { what: 'every session caught up', timeoutMs: 20_000 });
    for (const s of sessions) {
      const seqs = s.seen.map((m) => m.seq);
      const from = seqs[0]!;
      assert.deepEqual(seqs.slice(0, last - from + 1), Array.from({ length: last - from + 1 }, (_, i) => from + i), `${s.name} (node ${s.home}) saw each seq once, in order`);
      assert.equal(s.session.state, 'online');
    }
  });
});

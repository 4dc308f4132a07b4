import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { BanterClient } from '../../src/client/index.js';
import type { ChatMessage } from '../../src/protocol/index.js';
import { adminClient, newUser, nextEvent, record, refusal, waitUntil } from '../helpers/clients.js';
import { clusterSpace, clusterUnavailable, startNodes, type ClusterSpace } from '../helpers/cluster.js';
import type { TestServer } from '../helpers/server.js';
import { expectNothingBefore } from '../helpers/wait.js';

const unavailable = await clusterUnavailable();
if (unavailable) console.log(`# skipping the multi-node tests: ${unavailable}`);

function closed(client: BanterClient): Promise<void> {
  return new Promise((resolve) => (client.isOpen ? client.onClose(() => resolve()) : resolve()));
}

/** Three nodes in this process, sharing one PostgreSQL schema and one Redis prefix. */
describe('three nodes on PostgreSQL and Redis', { skip: unavailable }, () => {
  let space: ClusterSpace;
  let nodes: TestServer[];
  let admin: BanterClient;
  const clients: BanterClient[] = [];
  const port = (i: number): number => nodes[i % nodes.length]!.tcpPort;
  const user = async (i: number) => {
    const u = await newUser(port(i));
    clients.push(u.client);
    return u;
  };

  before(async () => {
    space = clusterSpace('cluster');
    nodes = await startNodes(space, 3, process.env.SCALE_DEBUG ? { logLevel: 'error' } : {});
    admin = await adminClient(port(0));
  });
  after(async () => {
    for (const c of [admin, ...clients]) c?.close();
    for (const n of nodes ?? []) await n.dispose();
    await space?.dispose();
  });

  it('clients on three nodes chat in the lobby and all see one order: every seq once, in order', async () => {
    const people = await Promise.all([0, 1, 2, 3, 4, 5].map((i) => user(i)));
    const seen = people.map((p) => record(p.client, 'msg'));
    const marker = `order-${Date.now()}`;
    const perSender = 40;
    // Everyone sends at once, so appends from three nodes interleave in the lobby.
    const replies = await Promise.all(
      people.flatMap((p, who) => Array.from({ length: perSender }, (_, k) => p.client.request('send', { to: '#lobby', text: `${marker} ${who}:${k}` }))),
    );
    const total = people.length * perSender;
    const ours = (list: ChatMessage[]): ChatMessage[] => list.filter((m) => m.text?.startsWith(marker));
    await waitUntil(() => seen.every((s) => ours(s).length >= total), { what: 'every message at every client', timeoutMs: 20_000 });
    const first = ours(seen[0]!).map((m) => m.seq);
    const lo = Math.min(...replies.map((r) => r.seq));
    assert.deepEqual(first, Array.from({ length: total }, (_, i) => lo + i), 'gap-free, strictly increasing, each once');
    for (const [i, s] of seen.entries()) {
      assert.deepEqual(ours(s).map((m) => `${m.seq} ${m.text}`), ours(seen[0]!).map((m) => `${m.seq} ${m.text}`), `client ${i} (node ${i % 3}) saw the same order`);
    }
    // Each sender's messages are stored in the order it sent them.
    for (let who = 0; who < people.length; who++) {
      const mine = ours(seen[0]!).filter((m) => m.text!.startsWith(`${marker} ${who}:`)).map((m) => Number(m.text!.split(':')[1]));
      assert.deepEqual(mine, Array.from({ length: perSender }, (_, k) => k));
    }
  });

  it('delivers a private message to the other party on another node, and its own msg before its reply', async () => {
    const [alice, bob] = [await user(0), await user(2)];
    const aliceSeen = record(alice.client, 'msg');
    const got = nextEvent(bob.client, 'msg', (m) => m.text === 'across nodes');
    const reply = await alice.client.request('send', { to: `@${bob.name}`, text: 'across nodes' });
    assert.ok(aliceSeen.some((m) => m.seq === reply.seq && m.conv === `@${bob.name}`), 'the sender saw its msg before the reply');
    const m = await got;
    assert.equal(m.conv, `@${alice.name}`);
    assert.equal(m.seq, reply.seq);
  });

  it('typing on one node reaches the other party on another', async () => {
    const [alice, bob] = [await user(1), await user(2)];
    const typing = nextEvent(bob.client, 'typing', (t) => t.user === alice.name);
    await alice.client.request('typing', { to: `@${bob.name}` });
    assert.deepEqual(await typing, { conv: `@${alice.name}`, user: alice.name });
  });

  it('announces presence once per user over all nodes, and who lists users of every node', async () => {
    const watcher = await user(0);
    const presence = record(watcher.client, 'presence');
    const first = await user(1);
    await waitUntil(() => presence.some((p) => p.user === first.name && p.online), 'online from node 1');
    // A second session on another node: still one user online, no second announcement.
    const again = await newUser(port(2), `${first.name}`).catch(() => undefined);
    assert.equal(again, undefined, 'the name is taken, on every node');
    const { connect } = await import('../helpers/clients.js');
    const second = await connect(port(2));
    clients.push(second);
    await second.request('login', { token: first.token });
    const who = await watcher.client.request('who', {});
    assert.ok(who.users.some((u) => u.user === first.name), 'who on node 0 lists a user of node 1');
    assert.ok(who.users.some((u) => u.user === watcher.name));
    assert.equal(new Set(who.users.map((u) => u.user)).size, who.users.length, 'each user once');
    const connections = nodes[1]!.chat.connectionCount;
    first.client.close();
    await waitUntil(() => nodes[1]!.chat.connectionCount === connections - 1, 'node 1 to see the first session close');
    // Someone logging in on node 1 after that: an offline event for the first session would come before theirs.
    const later = await user(1);
    await expectNothingBefore(presence, { marker: (p) => p.user === later.name && p.online, unwanted: (p) => p.user === first.name && !p.online, what: 'still online through node 2' });
    second.close();
    await waitUntil(() => presence.some((p) => p.user === first.name && !p.online), 'offline once the last session ends');
    assert.equal(presence.filter((p) => p.user === first.name).length, 2, 'one online, one offline');
    assert.ok(!(await watcher.client.request('who', {})).users.some((u) => u.user === first.name));
  });

  it('a mute issued on node 0 holds on node 1 and the user is told there; an unmute lifts it', async () => {
    const target = await user(1);
    const muted = nextEvent(target.client, 'muted');
    await admin.request('mute', { user: target.name, reason: 'cross-node' });
    assert.deepEqual(await muted, { until: 'forever', reason: 'cross-node' });
    assert.equal((await refusal(target.client.request('send', { to: '#lobby', text: 'hello?' }))).code, 'MUTED');
    const unmuted = nextEvent(target.client, 'unmuted');
    await admin.request('unmute', { user: target.name });
    await unmuted;
    assert.ok((await target.client.request('send', { to: '#lobby', text: 'free again' })).seq > 0);
  });

  it('a kick issued on node 0 closes the session on node 2, and its token no longer works anywhere', async () => {
    const target = await user(2);
    const kicked = nextEvent(target.client, 'kicked');
    const gone = closed(target.client);
    await admin.request('kick', { user: target.name, reason: 'cross-node kick' });
    assert.deepEqual(await kicked, { reason: 'cross-node kick' });
    await gone;
    const { connect } = await import('../helpers/clients.js');
    const retry = await connect(port(1));
    clients.push(retry);
    assert.equal((await refusal(retry.request('login', { token: target.token }))).code, 'BAD_CREDENTIALS');
  });
});

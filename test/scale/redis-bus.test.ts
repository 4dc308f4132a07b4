import assert from 'node:assert/strict';
import { after, describe, it } from 'node:test';
import type { BusMessage } from '../../src/server/bus/port.js';
import { openRedis } from '../../src/server/bus/redis/connect.js';
import type { RedisBus } from '../../src/server/bus/redis/redis-bus.js';
import type { RedisPresence } from '../../src/server/bus/redis/redis-presence.js';
import { decodeFrame, encodeFrame } from '../../src/server/bus/redis/frame.js';
import { encodeEvent } from '../../src/protocol/index.js';
import { OutboundEvent } from '../../src/server/shared/outbound-event.js';
import { waitUntil } from '../helpers/clients.js';
import { clusterSpace } from '../helpers/cluster.js';
import { REDIS_URL, redisUnavailable } from '../helpers/services.js';
import { scenarioPause } from '../helpers/wait.js';

const unavailable = await redisUnavailable();
if (unavailable) console.log(`# skipping the Redis bus tests: ${unavailable}`);

/** An event as the bus carries it, from its v1 text. */
const ev = (line: string): OutboundEvent => OutboundEvent.fromV1(Buffer.from(line));
/** A bus message with each event as its v1 text, to compare. */
const plain = (m: BusMessage): unknown => JSON.parse(JSON.stringify(m, (_k, v: unknown) => (v instanceof OutboundEvent ? v.v1.toString() : v)));

const silent = { debug() {}, info() {}, warn() {}, error() {} };
const HOLD_MS = 300;

describe('Redis bus frames', () => {
  it('carry every line byte for byte, with the header apart', () => {
    const lines = [encodeEvent('msg', { conv: '@Bob', seq: 7, ts: 1, from: 'Ünal', text: 'héllo 你好 👋\nsecond line' }), encodeEvent('msg', { conv: '@Ünal', seq: 7, ts: 1, from: 'Ünal', text: 'x' })];
    const m: BusMessage = {
      kind: 'message',
      conv: 'dm:bob:ünal',
      seq: 7,
      deliveries: [
        { audience: { to: 'user', key: 'ünal' }, event: ev(lines[0]!) },
        { audience: { to: 'user', key: 'bob' }, event: ev(lines[1]!) },
      ],
    };
    const frame = encodeFrame('node-1', 42, m);
    assert.ok(frame.includes(Buffer.from(lines[0]! + lines[1]!)), 'the lines travel as they are, one after the other');
    const decoded = decodeFrame(frame);
    assert.deepEqual({ ...decoded, message: plain(decoded.message) }, { node: 'node-1', echo: 42, message: plain(m) });
    for (const other of [
      { kind: 'deliver', audience: { to: 'all', exceptUser: 'bob' }, event: ev('x\n') },
      { kind: 'disconnect', userKey: 'bob', event: ev('bye\n') },
      { kind: 'disconnect', userKey: 'bob', event: ev('bye\n'), keep: 'a1b2' },
      { kind: 'user-changed', userKey: 'bob', patch: { mutedUntil: 'forever' } },
      { kind: 'deliver', audience: { to: 'room', key: '#garden', exceptUser: 'bob' }, event: ev('typing\n') },
      { kind: 'room-member', room: '#garden', userKey: 'bob', joined: true },
      { kind: 'room-member', room: '#garden', userKey: 'bob', joined: false },
      { kind: 'update', conv: '#garden', useq: 9, deliveries: [{ audience: { to: 'room', key: '#garden' }, event: ev('edited\n') }] },
    ] as BusMessage[]) {
      assert.deepEqual(plain(decodeFrame(encodeFrame('n', 0, other)).message), plain(other));
    }
    assert.throws(() => decodeFrame(Buffer.from('{"n":"x","i":0,"k":"d","l":[10]}\nshort')), /shorter/);
  });
});

describe('Redis bus and presence', { skip: unavailable }, () => {
  const space = clusterSpace('bus');
  const opened: { bus: RedisBus; presence: RedisPresence }[] = [];
  after(async () => {
    for (const o of opened) {
      await o.presence.close();
      await o.bus.close();
    }
    await space.dispose();
  });
  const node = async (ttlMs = 600) => {
    const o = await openRedis(REDIS_URL, { logger: silent, presenceTtlMs: ttlMs, holdMs: HOLD_MS, prefix: space.prefix });
    opened.push(o);
    return o;
  };
  const stored = (conv: string, seq: number): BusMessage => ({ kind: 'message', conv, seq, deliveries: [{ audience: { to: 'all' }, event: ev(`${conv} ${seq}\n`) }] });
  const seqsSeen = (bus: RedisBus, conv: string): number[] => {
    const seen: number[] = [];
    bus.subscribe((m) => m.kind === 'message' && m.conv === conv && seen.push(m.seq));
    return seen;
  };

  it('resolves publish only after this node has delivered the message', async () => {
    const { bus } = await node();
    let delivered = false;
    bus.subscribe((m) => m.kind === 'deliver' && m.event.v1.toString() === 'echo\n' && (delivered = true));
    await bus.publish({ kind: 'deliver', audience: { to: 'all' }, event: ev('echo\n') });
    assert.equal(delivered, true);
  });

  it("delivers a conversation's messages in seq order everywhere, even when nodes publish them out of order", async () => {
    const [a, b, c] = [await node(), await node(), await node()];
    const seen = [a, b, c].map((n) => seqsSeen(n.bus, 'conv-order'));
    const markers = [a, b, c].map((n) => seqsSeen(n.bus, 'conv-order-marker'));
    await a.bus.publish(stored('conv-order', 1));
    // Node b committed 3 after node a committed 2, but its publish reaches Redis first.
    const three = b.bus.publish(stored('conv-order', 3));
    const four = c.bus.publish(stored('conv-order', 4));
    // Published after them by the same nodes, on another conversation: 3 and 4, had they gone out, came first.
    void b.bus.publish(stored('conv-order-marker', 1));
    void c.bus.publish(stored('conv-order-marker', 2));
    await waitUntil(() => markers.every((m) => m.length === 2), 'the markers everywhere');
    assert.ok(seen.every((s) => s.length === 1), 'nothing after the gap is delivered while it is open');
    await a.bus.publish(stored('conv-order', 2));
    await Promise.all([three, four]);
    await waitUntil(() => seen.every((s) => s.length === 4), 'all four everywhere');
    for (const s of seen) assert.deepEqual(s, [1, 2, 3, 4]);
  });

  it("delivers a conversation's updates in useq order everywhere, apart from its messages' seq order", async () => {
    const [a, b] = [await node(), await node()];
    const updates: number[] = [];
    b.bus.subscribe((m) => m.kind === 'update' && m.conv === 'conv-updates' && updates.push(m.useq));
    const update = (useq: number): BusMessage => ({ kind: 'update', conv: 'conv-updates', useq, deliveries: [{ audience: { to: 'all' }, event: ev(`u ${useq}\n`) }] });
    await a.bus.publish(stored('conv-updates', 1));
    // Message 3 waits for 2; the conversation's updates do not wait for it.
    const held = a.bus.publish(stored('conv-updates', 3));
    await a.bus.publish(update(1));
    const three = b.bus.publish(update(3));
    const marker = seqsSeen(b.bus, 'conv-updates-marker');
    void b.bus.publish(stored('conv-updates-marker', 1)); // after update 3, from the same node
    await waitUntil(() => marker.length === 1, 'the marker');
    assert.deepEqual(updates, [1], 'update 3 waits for update 2');
    await a.bus.publish(update(2));
    await three;
    await waitUntil(() => updates.length === 3, 'all three updates');
    assert.deepEqual(updates, [1, 2, 3]);
    await a.bus.publish(stored('conv-updates', 2));
    await held;
  });

  it('waits for seq 1 of a new conversation that another node publishes late', async () => {
    const [a, b] = [await node(), await node()];
    const seen = seqsSeen(b.bus, 'conv-new');
    const marker = seqsSeen(b.bus, 'conv-new-marker');
    const later = [b.bus.publish(stored('conv-new', 3)), b.bus.publish(stored('conv-new', 2))];
    void b.bus.publish(stored('conv-new-marker', 1)); // after them, from the same node
    await waitUntil(() => marker.length === 1, 'the marker');
    assert.deepEqual(seen, [], 'nothing known of the conversation: 2 and 3 wait for 1');
    await a.bus.publish(stored('conv-new', 1));
    await Promise.all(later);
    await waitUntil(() => seen.length === 3, 'all three');
    assert.deepEqual(seen, [1, 2, 3]);
  });

  it('gives up after the hold time when the first message it knows of a conversation is not seq 1 (Redis restarted, or idle past a week)', async () => {
    const { bus } = await node();
    const seen = seqsSeen(bus, 'conv-old');
    const started = Date.now();
    await bus.publish(stored('conv-old', 41));
    assert.ok(Date.now() - started >= HOLD_MS - 20, 'it waited for a possible seq 40');
    await bus.publish(stored('conv-old', 42));
    assert.deepEqual(seen, [41, 42]);
  });

  it('gives up on a gap after the hold time (its node died before publishing) and delivers a late one anyway', async () => {
    const [a, b] = [await node(), await node()];
    const seen = seqsSeen(b.bus, 'conv-gap');
    await a.bus.publish(stored('conv-gap', 1));
    const started = Date.now();
    await a.bus.publish(stored('conv-gap', 3));
    const waited = Date.now() - started;
    assert.ok(waited >= HOLD_MS - 20 && waited < HOLD_MS * 3 + 1000, `seq 3 waited ${waited} ms for the missing 2 (hold ${HOLD_MS} ms)`);
    await waitUntil(() => seen.length === 2, 'seq 3 at the other node');
    await a.bus.publish(stored('conv-gap', 2));
    await waitUntil(() => seen.length === 3, 'the late seq 2');
    assert.deepEqual(seen, [1, 3, 2]);
    // Order resumes after the gap.
    await a.bus.publish(stored('conv-gap', 4));
    await waitUntil(() => seen.length === 4, 'seq 4');
    assert.deepEqual(seen, [1, 3, 2, 4]);
  });

  it('announces a user online at their first node and offline when their last node lets go', async () => {
    const [a, b] = [await node(), await node()];
    const lines: string[] = [];
    b.bus.subscribe((m) => m.kind === 'deliver' && m.event.v1.includes('"erin"') && lines.push(m.event.v1.toString()));
    const entry = { key: 'erin', user: 'erin', role: 'user' as const, since: 1000 };
    const [on, off] = [encodeEvent('presence', { user: 'erin', online: true, role: 'user', since: 1000 }), encodeEvent('presence', { user: 'erin', online: false })];
    await a.presence.arrive(entry, ev(on), ev(off));
    await b.presence.arrive({ ...entry, since: 2000 }, ev(on), ev(off));
    assert.deepEqual(await b.presence.list(), [{ user: 'erin', role: 'user', since: 1000 }], 'listed once, since the first arrival');
    await a.presence.depart('erin');
    // Another user's arrival, through node a after that: an offline line for erin would come before it.
    const marker: string[] = [];
    b.bus.subscribe((m) => m.kind === 'deliver' && m.event.v1.includes('"erin-marker"') && marker.push(m.event.v1.toString()));
    const markerOn = encodeEvent('presence', { user: 'erin-marker', online: true, role: 'user', since: 1000 });
    await a.presence.arrive({ ...entry, key: 'erin-marker', user: 'erin-marker' }, ev(markerOn), ev(encodeEvent('presence', { user: 'erin-marker', online: false })));
    await waitUntil(() => marker.length === 1, 'the marker');
    await a.presence.depart('erin-marker');
    assert.deepEqual(lines, [on], 'still online through node b');
    await b.presence.depart('erin');
    await waitUntil(() => lines.length === 2, 'offline');
    assert.deepEqual(lines, [on, off]);
    assert.deepEqual(await a.presence.list(), []);
  });

  it("expires a node that stops heartbeating: its users go offline once, unless another node has them", async () => {
    const ttl = 1000;
    const [dying, other] = [await node(ttl), await node(ttl)];
    const seen: string[] = [];
    other.bus.subscribe((m) => m.kind === 'deliver' && m.event.v1.includes('presence') && seen.push(m.event.v1.toString()));
    const mk = (name: string) => ({
      entry: { key: name, user: name, role: 'user' as const, since: 1 },
      on: encodeEvent('presence', { user: name, online: true, role: 'user', since: 1 }),
      off: encodeEvent('presence', { user: name, online: false }),
    });
    const [frank, gina] = [mk('frank'), mk('gina')];
    await dying.presence.arrive(frank.entry, ev(frank.on), ev(frank.off));
    await dying.presence.arrive(gina.entry, ev(gina.on), ev(gina.off));
    await other.presence.arrive(gina.entry, ev(gina.on), ev(gina.off)); // gina is on both nodes
    // A crash: the connections drop, no goodbye, no more heartbeats.
    dying.bus.pub.disconnect();
    (dying.bus as unknown as { sub: { disconnect(): void } }).sub.disconnect();
    const crashed = Date.now();
    await waitUntil(() => seen.includes(frank.off), { what: 'frank offline', timeoutMs: 5000 });
    const after = Date.now() - crashed;
    assert.ok(after <= ttl * 1.34 + 1000, `cleared ${after} ms after the crash (expiry ${ttl} ms)`);
    assert.deepEqual((await other.presence.list()).map((u) => u.user), ['gina']);
    await scenarioPause(ttl); // another expiry period, in which a second announcement would come
    assert.equal(seen.filter((l) => l === frank.off).length, 1, 'announced once');
    assert.ok(!seen.includes(gina.off), 'gina stayed online through the other node');
  });
});

describe('Redis bus after a dropped connection', { skip: unavailable }, () => {
  const space = clusterSpace('drop');
  const opened: { bus: RedisBus; presence: RedisPresence }[] = [];
  after(async () => {
    for (const o of opened) {
      await o.presence.close();
      await o.bus.close();
    }
    await space.dispose();
  });

  it('subscribes again by itself and delivers what is published after', async () => {
    const [a, b] = await Promise.all([0, 1].map(() => openRedis(REDIS_URL, { logger: silent, presenceTtlMs: 5000, holdMs: HOLD_MS, prefix: space.prefix })));
    opened.push(a!, b!);
    const seen: string[] = [];
    b!.bus.subscribe((m) => m.kind === 'deliver' && seen.push(m.event.v1.toString()));
    // Redis drops b's subscriber connection (as a restart or a network cut would).
    const sub = (b!.bus as unknown as { sub: import('ioredis').Redis }).sub;
    const list = String(await b!.bus.pub.client('LIST'));
    const line = list.split('\n').find((l) => l.includes(` name=banter-sub-${b!.bus.nodeId} `));
    const subId = Number(/id=(\d+)/.exec(line ?? '')?.[1]);
    assert.ok(subId > 0, 'found the subscriber connection');
    const admin = a!.bus.pub;
    await admin.client('KILL', 'ID', String(subId));
    await waitUntil(() => sub.status === 'ready', { what: 'the subscriber back', timeoutMs: 5000 });
    // Its SUBSCRIBE goes out once it is ready: wait until Redis counts it (a's and b's).
    await waitUntil(async () => Number(((await admin.pubsub('NUMSUB', b!.bus.channel)) as [string, number])[1]) >= 2, { what: 'b subscribed again', timeoutMs: 5000 });
    await a!.bus.publish({ kind: 'deliver', audience: { to: 'all' }, event: ev('after the drop\n') });
    await waitUntil(() => seen.includes('after the drop\n'), { what: 'delivery after resubscribing', timeoutMs: 5000 });
  });
});

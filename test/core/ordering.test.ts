import assert from 'node:assert/strict';
import { afterEach, beforeEach, describe, it } from 'node:test';
import { coreHarness, type CoreHarness } from '../helpers/core-harness.js';

describe('ordering and duplicates (core)', () => {
  let h: CoreHarness;
  beforeEach(async () => (h = await coreHarness()));
  afterEach(() => h.close());

  it('keeps one gap-free order for every receiver under concurrent senders, each sender\'s in the order sent', async () => {
    const senders = [await h.user('s0'), await h.user('s1')];
    const receivers = [];
    for (let i = 0; i < 5; i++) receivers.push(await h.user(`r${i}`));
    const perSender = 200;
    // Every request line of both senders goes in before any reply comes back.
    const acks = await Promise.all(senders.flatMap((s, i) => Array.from({ length: perSender }, (_, n) => s.request('send', { to: '#lobby', text: `s${i}-${n}` }))));
    const total = perSender * senders.length;
    const all = Array.from({ length: total }, (_, i) => i + 1);
    assert.deepEqual(acks.map((a) => a.seq).sort((a, b) => a - b), all, 'acknowledged seqs are gap-free');
    for (let i = 0; i < senders.length; i++) {
      const mine = acks.slice(i * perSender, (i + 1) * perSender).map((a) => a.seq);
      assert.deepEqual(mine, [...mine].sort((a, b) => a - b), 'one connection\'s sends are stored in arrival order');
    }
    for (const r of receivers) await r.next('msg', (m) => m.seq === total);
    const orders = receivers.map((r) => r.eventsOf('msg').map((m) => `${m.seq}:${m.text}`));
    for (const order of orders) assert.deepEqual(order, orders[0], 'every receiver sees the same order');
    const received = receivers[0]!.eventsOf('msg');
    assert.deepEqual(received.map((m) => m.seq), all, 'in seq order, no gaps, none twice');
    for (let i = 0; i < senders.length; i++) {
      const mine = received.filter((m) => m.text!.startsWith(`s${i}-`)).map((m) => Number(m.text!.split('-')[1]));
      assert.deepEqual(mine, Array.from({ length: perSender }, (_, n) => n));
    }
  });

  it('keeps one connection\'s sends in arrival order even when one must look up a recipient first', async () => {
    const [alice, bob] = [await h.user('alice'), await h.user('bob')];
    await h.user('carol');
    const sends = [
      alice.request('send', { to: '@carol', text: 'dm first' }),
      alice.request('send', { to: '#lobby', text: 'lobby second' }),
      alice.request('send', { to: '@bob', text: 'dm third' }),
      alice.request('send', { to: '#lobby', text: 'lobby fourth' }),
    ];
    await Promise.all(sends);
    const stored = (await alice.request('history', { conv: '#lobby' })).messages.map((m) => m.text);
    assert.deepEqual(stored, ['lobby second', 'lobby fourth']);
    // The sender hears each of its messages as it is stored: in the order they were sent.
    assert.deepEqual(alice.eventsOf('msg').map((m) => m.text), ['dm first', 'lobby second', 'dm third', 'lobby fourth']);
    await bob.next('msg', (m) => m.text === 'lobby fourth');
    assert.deepEqual(bob.eventsOf('msg').map((m) => m.text), ['lobby second', 'dm third', 'lobby fourth']);
  });

  it('stores a retried cid once and answers with the first result; cids are per user', async () => {
    const [alice, watcher] = [await h.user('alice'), await h.user('watcher')];
    const first = await alice.request('send', { to: '#lobby', text: 'once only', cid: 'retry-1' });
    const again = await alice.request('send', { to: '#lobby', text: 'once only', cid: 'retry-1' });
    assert.deepEqual(again, first);
    const both = await Promise.all([alice.request('send', { to: '#lobby', text: 'x', cid: 'retry-2' }), alice.request('send', { to: '#lobby', text: 'x', cid: 'retry-2' })]);
    assert.deepEqual(both[1], both[0], 'two in flight at once: one stored');
    await alice.request('send', { to: '#lobby', text: 'marker' });
    const before = await watcher.nothingBefore('msg', (m) => m.text === 'marker', () => false);
    assert.deepEqual(before.filter((e) => e.ev === 'msg').map((e) => e.ev === 'msg' && e.cid), ['retry-1', 'retry-2'], 'each delivered once');
    const history = (await alice.request('history', { conv: '#lobby' })).messages;
    assert.deepEqual(history.map((m) => [m.seq, m.cid]), [[1, 'retry-1'], [2, 'retry-2'], [3, undefined]]);
    const other = await watcher.request('send', { to: '#lobby', text: 'mine', cid: 'retry-1' });
    assert.equal(other.seq, 4, 'another user\'s cid is another message');
  });
});

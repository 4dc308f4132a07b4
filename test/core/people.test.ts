import assert from 'node:assert/strict';
import { afterEach, beforeEach, describe, it } from 'node:test';
import { coreHarness, outcome, type CoreHarness } from '../helpers/core-harness.js';

describe('looking people up (core)', () => {
  let h: CoreHarness;
  beforeEach(async () => (h = await coreHarness()));
  afterEach(() => h.close());

  it('finds anyone registered by name prefix, any case and script, online or not', async () => {
    const alice = await h.user('alice');
    await h.user('Bob');
    const bobby = await h.user('bobby');
    await h.user('李雷');
    bobby.close();
    await alice.next('presence', (p) => p.user === 'bobby' && !p.online);
    assert.deepEqual(await alice.request('users', { prefix: 'BO' }), {
      users: [
        { user: 'Bob', role: 'user', online: true },
        { user: 'bobby', role: 'user', online: false },
      ],
    });
    assert.deepEqual((await alice.request('users', { prefix: '李' })).users.map((u) => u.user), ['李雷']);
    assert.deepEqual((await alice.request('users', { prefix: 'zz' })).users, []);
    const everyone = (await alice.request('users', {})).users.map((u) => u.user);
    for (const name of ['admin', 'alice', 'Bob', 'bobby', '李雷']) assert.ok(everyone.includes(name), `${name} listed`);
  });

  it('pages with next, and leaves banned users out', async () => {
    const admin = await h.admin();
    const alice = await h.user('alice');
    for (const n of ['p1', 'p2', 'p3', 'p4', 'p5']) (await h.user(n)).close();
    const first = await alice.request('users', { prefix: 'p', limit: 2 });
    assert.deepEqual([first.users.map((u) => u.user), first.next], [['p1', 'p2'], 'p2']);
    const second = await alice.request('users', { prefix: 'p', limit: 2, after: first.next });
    assert.deepEqual([second.users.map((u) => u.user), second.next], [['p3', 'p4'], 'p4']);
    await admin.request('ban', { user: 'p5' });
    const last = await alice.request('users', { prefix: 'p', limit: 2, after: second.next });
    assert.deepEqual(last, { users: [] }, 'p5 is banned: no page left');
    assert.equal(await outcome(alice.request('users', { limit: 0 })), 'BAD_REQUEST');
  });

  it('is for logged-in users only', async () => {
    const anon = h.connect();
    assert.equal(await outcome(anon.request('users', {})), 'NOT_AUTHENTICATED');
  });
});

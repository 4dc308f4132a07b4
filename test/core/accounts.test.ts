import assert from 'node:assert/strict';
import { afterEach, beforeEach, describe, it } from 'node:test';
import { HARNESS_PASSWORD as PASSWORD, coreHarness, outcome, refusal, type CoreHarness } from '../helpers/core-harness.js';

describe('accounts (core)', () => {
  let h: CoreHarness;
  beforeEach(async () => (h = await coreHarness()));
  afterEach(() => h.close());

  it('refuses a registration with a reason for each rule', async () => {
    const c = h.connect();
    for (const bad of ['', 'has space', 'a'.repeat(33), 'semi;colon', '@at', '#hash', 'x:y']) {
      assert.equal((await refusal(c.request('register', { user: bad, password: PASSWORD }))).code, bad === '' ? 'BAD_REQUEST' : 'INVALID_NAME', bad);
    }
    assert.equal((await refusal(c.request('register', { user: 'alice', password: 'short' }))).code, 'WEAK_PASSWORD');
    assert.equal((await refusal(c.request('register', { user: 'alice.long', password: 'ALICE.LONG' }))).code, 'WEAK_PASSWORD', 'not the name');
    await c.request('register', { user: 'alice', password: PASSWORD });
    const dup = await refusal(c.request('register', { user: 'ALICE', password: PASSWORD }));
    assert.equal(dup.code, 'USER_EXISTS');
    assert.match(dup.message, /taken/);
  });

  it('accepts names in any script and compares them case-insensitively', async () => {
    const c = h.connect();
    assert.deepEqual(await c.request('register', { user: '小明', password: PASSWORD }), { user: '小明' });
    assert.deepEqual(await c.request('register', { user: 'Ünal.x-1_', password: PASSWORD }), { user: 'Ünal.x-1_' });
    assert.equal((await refusal(c.request('register', { user: 'üNAL.X-1_', password: PASSWORD }))).code, 'USER_EXISTS');
    const login = await c.request('login', { user: 'ünal.x-1_', password: PASSWORD });
    assert.deepEqual([login.user, login.role, login.muted_until], ['Ünal.x-1_', 'user', null]);
  });

  it('gives the same answer for an unknown user and a wrong password', async () => {
    (await h.user('alice')).close();
    const c = h.connect();
    const wrong = await refusal(c.request('login', { user: 'alice', password: 'wrong-password' }));
    const unknown = await refusal(c.request('login', { user: 'ghost', password: 'wrong-password' }));
    assert.deepEqual([wrong.code, unknown.code], ['BAD_CREDENTIALS', 'BAD_CREDENTIALS']);
    assert.equal(wrong.message, unknown.message);
  });

  it('needs a login for everything but hello, ping, pong, register and login', async () => {
    const c = h.connect();
    for (const [op, body] of [['send', { to: '#lobby', text: 'x' }], ['who', {}], ['history', { conv: '#lobby' }], ['convs', {}], ['create', { room: '#r' }], ['mute', { user: 'x' }]] as const) {
      assert.equal((await refusal(c.request(op, body as never))).code, 'NOT_AUTHENTICATED', op);
    }
    for (const op of ['ping', 'pong'] as const) assert.equal(await outcome(c.request(op, {})), 'OK', op);
    assert.deepEqual(await c.request('hello', { client: 'test' }), { server: 'banter', proto: 1 });
  });

  it('logs in again with a token, and not after logout; logout ends only that session', async () => {
    const alice = await h.user('alice');
    const second = h.connect();
    assert.equal((await second.request('login', { token: alice.token! })).user, 'alice');
    await second.request('logout', {});
    assert.equal((await refusal(second.request('who', {}))).code, 'NOT_AUTHENTICATED', 'the connection is anonymous again');
    const third = h.connect();
    assert.equal((await refusal(third.request('login', { token: alice.token! }))).code, 'BAD_CREDENTIALS');
    assert.equal((await refusal(third.request('login', { token: 'made-up-token' }))).code, 'BAD_CREDENTIALS');
    assert.equal(await outcome(alice.request('who', {})), 'OK', 'the first connection stays logged in');
  });

  it('refuses a second login on a logged-in connection', async () => {
    const alice = await h.user('alice');
    assert.equal((await refusal(alice.request('login', { user: 'alice', password: PASSWORD }))).code, 'ALREADY_AUTHENTICATED');
  });

  it('backs off repeated failed logins per account, and says when to retry', async () => {
    (await h.user('alice')).close();
    const c = h.connect();
    const codes: string[] = [];
    for (let i = 0; i < 7; i++) codes.push((await refusal(c.request('login', { user: 'alice', password: `nope-${i}-xxxx` }))).code);
    assert.deepEqual(codes.slice(0, 5), Array(5).fill('BAD_CREDENTIALS'));
    assert.equal(codes[6], 'RATE_LIMITED');
    const limited = await refusal(h.connect('10.0.0.9').request('login', { user: 'alice', password: PASSWORD }));
    assert.equal(limited.code, 'RATE_LIMITED', 'even the right password, from anywhere, waits out the back-off');
    assert.ok(limited.retry_after! > 0);
    assert.equal(await outcome(h.connect().request('login', { user: 'admin', password: 'admin-pass-123' })), 'OK', 'another account from the same address is not blocked');
  });
});

describe('registration throttle (core)', () => {
  it('lets an address create a few accounts, then asks it to wait; another address is not affected', async () => {
    const h = await coreHarness({ registerPerHour: 3 });
    try {
      const c = h.connect('10.0.0.1');
      for (let i = 0; i < 3; i++) await c.request('register', { user: `reg${i}`, password: PASSWORD });
      const refused = await refusal(c.request('register', { user: 'reg3', password: PASSWORD }));
      assert.equal(refused.code, 'RATE_LIMITED');
      assert.ok(refused.retry_after! > 60, `retry after ${refused.retry_after} s`);
      assert.match(refused.message, /new accounts/);
      assert.equal(await outcome(h.connect('10.0.0.2').request('register', { user: 'reg3', password: PASSWORD })), 'OK');
    } finally {
      await h.close();
    }
  });
});

import assert from 'node:assert/strict';
import { afterEach, beforeEach, describe, it } from 'node:test';
import { HARNESS_PASSWORD, coreHarness, outcome, refusal, type CoreHarness, type HarnessConnection } from '../helpers/core-harness.js';

describe('moderation and mute (core)', () => {
  let h: CoreHarness;
  let admin: HarnessConnection;
  beforeEach(async () => {
    h = await coreHarness();
    admin = await h.admin();
  });
  afterEach(() => h.close());

  it('refuses every admin op to a non-admin', async () => {
    const [alice] = [await h.user('alice'), await h.user('victim')];
    for (const [op, body] of [
      ['mute', { user: 'victim' }],
      ['unmute', { user: 'victim' }],
      ['kick', { user: 'victim' }],
      ['ban', { user: 'victim' }],
      ['unban', { user: 'victim' }],
      ['notice', { text: 'hi' }],
      ['audit', {}],
      ['sessions', {}],
      ['stats', {}],
    ] as const) {
      assert.equal(await outcome(alice.request(op, body as never)), 'FORBIDDEN', op);
    }
    assert.deepEqual((await admin.request('audit', {})).entries, [], 'none of them took effect');
  });

  it('mutes for a while: sends and private messages are refused with the end, the user and the lobby are told, unmute lifts it', async () => {
    const [alice, bystander] = [await h.user('alice'), await h.user('bystander')];
    const result = await admin.request('mute', { user: 'alice', minutes: 10, reason: 'spam' });
    assert.equal(result.user, 'alice');
    assert.ok(typeof result.until === 'number' && result.until > Date.now() + 9 * 60_000);
    assert.deepEqual(await alice.next('muted'), { until: result.until, reason: 'spam' });
    const refused = await refusal(alice.request('send', { to: '#lobby', text: 'let me talk' }));
    assert.deepEqual([refused.code, refused.until], ['MUTED', result.until]);
    assert.equal(await outcome(alice.request('send', { to: '@bystander', text: 'psst' })), 'MUTED', 'private messages too');
    assert.equal(await outcome(alice.request('edit', { conv: '#lobby', seq: 1, text: 'x' })), 'MUTED', 'edits too');
    assert.equal(await outcome(alice.request('react', { conv: '#lobby', seq: 1, emoji: '🎉' })), 'MUTED', 'reactions too');
    const notice = await bystander.next('notice');
    assert.match(notice.text, /alice/);
    assert.match(notice.text, /muted/);
    // Another session of the same user learns it at login.
    const other = h.connect();
    assert.equal((await other.request('login', { token: alice.token! })).muted_until, result.until);
    await admin.request('unmute', { user: 'alice' });
    await alice.next('unmuted');
    await other.next('unmuted');
    assert.equal(await outcome(alice.request('send', { to: '#lobby', text: 'thank you' })), 'OK');
  });

  it('a muted user\'s typing is dropped, not refused', async () => {
    const [alice, bob] = [await h.user('alice'), await h.user('bob')];
    await admin.request('mute', { user: 'alice' });
    assert.deepEqual(await alice.request('typing', { to: '@bob' }), {});
    await admin.request('notice', { text: 'marker' });
    await bob.nothingBefore('notice', (n) => n.text === 'marker', (e) => e.ev === 'typing', 'typing from a muted user');
  });

  it('mutes until further notice, and a timed mute ends by itself', async () => {
    const alice = await h.user('alice');
    assert.equal((await admin.request('mute', { user: 'alice' })).until, 'forever');
    assert.equal((await refusal(alice.request('send', { to: '#lobby', text: 'x' }))).until, 'forever');
    await admin.request('mute', { user: 'alice', minutes: 0.001 }); // 60 ms
    await alice.next('unmuted', () => true, 5000);
    assert.equal(await outcome(alice.request('send', { to: '#lobby', text: 'free again' })), 'OK');
  });

  it('kicks every session of a user with the reason, and their token stops working; a kick is not a ban', async () => {
    const alice = await h.user('alice');
    const second = h.connect();
    await second.request('login', { token: alice.token! });
    await admin.request('kick', { user: 'alice', reason: 'cool down' });
    for (const c of [alice, second]) {
      assert.deepEqual(await c.next('kicked'), { reason: 'cool down' });
      await c.whenClosed();
    }
    const again = h.connect();
    assert.equal(await outcome(again.request('login', { token: alice.token! })), 'BAD_CREDENTIALS');
    assert.equal((await again.request('login', { user: 'alice', password: HARNESS_PASSWORD })).user, 'alice');
  });

  it('bans: the user is disconnected and refused at login until unbanned', async () => {
    const alice = await h.user('alice');
    await admin.request('ban', { user: 'alice', reason: 'abuse' });
    assert.deepEqual(await alice.next('banned'), { reason: 'abuse' });
    await alice.whenClosed();
    const c = h.connect();
    const err = await refusal(c.request('login', { user: 'alice', password: HARNESS_PASSWORD }));
    assert.equal(err.code, 'BANNED');
    assert.match(err.message, /abuse/);
    assert.equal(await outcome(c.request('login', { token: alice.token! })), 'BAD_CREDENTIALS', 'nor with the old token');
    await admin.request('unban', { user: 'alice' });
    assert.equal((await c.request('login', { user: 'alice', password: HARNESS_PASSWORD })).user, 'alice');
  });

  it('protects administrators and names unknown users', async () => {
    assert.equal(await outcome(admin.request('mute', { user: 'admin' })), 'FORBIDDEN');
    assert.equal(await outcome(admin.request('kick', { user: 'ADMIN' })), 'FORBIDDEN');
    assert.equal(await outcome(admin.request('ban', { user: 'no_such_person_here' })), 'NO_SUCH_USER');
  });

  it('sends notices to everyone and keeps an audit log of every action', async () => {
    const alice = await h.user('alice');
    await admin.request('notice', { text: 'maintenance at 18:00' });
    const got = await alice.next('notice', (n) => n.text === 'maintenance at 18:00');
    assert.equal(got.from, 'admin');
    await admin.request('mute', { user: 'alice', minutes: 1 });
    await admin.request('unmute', { user: 'alice' });
    const { entries } = await admin.request('audit', { limit: 3 });
    assert.deepEqual(entries.map((e) => [e.actor, e.action, e.target]), [
      ['admin', 'unmute', 'alice'],
      ['admin', 'mute', 'alice'],
      ['admin', 'notice', null],
    ]);
  });
});

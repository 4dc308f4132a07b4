import assert from 'node:assert/strict';
import { afterEach, beforeEach, describe, it } from 'node:test';
import { HARNESS_ADMIN_PASSWORD, HARNESS_PASSWORD, coreHarness, outcome, type CoreHarness, type HarnessConnection } from '../helpers/core-harness.js';

// `login {..., presence: false}`: a session for one command (a script's `banter send`) that does
// not change presence and hears no live events, while its requests work as any session's.
describe('quiet sessions (login presence: false)', () => {
  let h: CoreHarness;
  beforeEach(async () => (h = await coreHarness()));
  afterEach(() => h.close());

  const quietLogin = async (name: string, password = HARNESS_PASSWORD): Promise<HarnessConnection> => {
    const conn = h.connect();
    const result = await conn.request('login', { user: name, password, presence: false });
    conn.name = result.user;
    conn.token = result.token;
    return conn;
  };
  const register = async (name: string): Promise<void> => {
    await h.connect().request('register', { user: name, password: HARNESS_PASSWORD });
  };
  const listed = async (asker: HarnessConnection, name: string): Promise<boolean> => (await asker.request('who', {})).users.some((u) => u.user === name);
  /** What a connection has been sent other than replies. */
  const eventsOf = (c: HarnessConnection): string[] => c.events.map((e) => JSON.stringify(e));

  it('is not announced, not listed, hears nothing, and its send, history and close work silently', async () => {
    const watcher = await h.user('watcher');
    await register('bot');
    const bot = await quietLogin('bot');
    assert.equal(await listed(watcher, 'bot'), false, 'who does not list a quiet session');
    const sent = await bot.request('send', { to: '#lobby', text: 'from the bot' });
    assert.equal((await watcher.next('msg', (m) => m.text === 'from the bot')).seq, sent.seq);
    // Broadcasts after its login: a lobby message, and a newcomer's presence (gathered lazily).
    await watcher.request('send', { to: '#lobby', text: 'for everyone' });
    const comer = await h.user('comer');
    await watcher.next('presence', (p) => p.user === 'comer' && p.online);
    await comer.request('send', { to: '@bot', text: 'private, to the bot' });
    await watcher.next('msg', (m) => m.text === 'for everyone');
    // Its replies still come, and after all that fan-out none of it reached the quiet session.
    const history = await bot.request('history', { conv: '@comer' });
    assert.deepEqual(history.messages.map((m) => m.text), ['private, to the bot']);
    assert.deepEqual(eventsOf(bot), [], 'a quiet session gets no events');
    bot.close();
    await watcher.request('send', { to: '#lobby', text: 'marker' });
    await watcher.nothingBefore('msg', (m) => m.text === 'marker', (e) => e.ev === 'presence' && e.user === 'bot', 'presence of the quiet session');
  });

  it('does not hide a real session: the user comes online with it and goes offline when it ends, quiet or not', async () => {
    const watcher = await h.user('watcher');
    await register('carol');
    const quiet = await quietLogin('carol');
    const real = await h.login('carol');
    const online = await watcher.next('presence', (p) => p.user === 'carol');
    assert.equal(online.online, true, 'the first real session is announced though a quiet one came first');
    assert.equal(await listed(watcher, 'carol'), true);
    assert.ok((await real.request('who', {})).users.some((u) => u.user === 'carol' && u.since === online.since));
    real.close();
    assert.deepEqual(await watcher.next('presence', (p) => p.user === 'carol'), { user: 'carol', online: false }, 'offline though a quiet session remains');
    assert.equal(await listed(watcher, 'carol'), false);
    // The quiet session is still logged in and works.
    await quiet.request('send', { to: '#lobby', text: 'still here, quietly' });
    await watcher.next('msg', (m) => m.text === 'still here, quietly' && m.from === 'carol');
    // Back online with a new real session: announced again, with its own since.
    await h.login('carol');
    const again = await watcher.next('presence', (p) => p.user === 'carol');
    assert.equal(again.online, true);
    assert.ok(again.since! >= online.since!);
    const from = watcher.lines.length;
    quiet.close();
    await watcher.request('send', { to: '#lobby', text: 'marker' });
    await watcher.next('msg', (m) => m.text === 'marker');
    const after = watcher.lines.slice(from);
    assert.deepEqual(after.filter((l) => l.ev === 'presence' && l.user === 'carol'), [], 'no offline for the quiet session while a real one remains');
    assert.equal(await listed(watcher, 'carol'), true);
    assert.deepEqual(eventsOf(quiet), []);
  });

  it('works for administrators and token logins, and moderation still reaches a quiet session', async () => {
    const watcher = await h.user('watcher');
    const admin = await quietLogin('admin', HARNESS_ADMIN_PASSWORD);
    await register('dave');
    const dave = await quietLogin('dave');
    const byToken = h.connect();
    assert.equal((await byToken.request('login', { token: dave.token!, presence: false })).user, 'dave');
    assert.equal(await listed(watcher, 'admin'), false);
    assert.equal(await listed(watcher, 'dave'), false);
    await admin.request('mute', { user: 'dave', minutes: 5 });
    assert.equal((await watcher.next('notice', (n) => n.text.includes('dave'))).text.includes('muted'), true);
    assert.equal(await outcome(dave.request('send', { to: '#lobby', text: 'hi' })), 'MUTED', 'the mute holds for it');
    await admin.request('kick', { user: 'dave', reason: 'enough' });
    for (const c of [dave, byToken]) {
      await c.whenClosed();
      assert.deepEqual(c.eventsOf('kicked'), [{ reason: 'enough' }]);
    }
    await admin.request('notice', { text: 'marker' });
    await watcher.nothingBefore('notice', (n) => n.text === 'marker', (e) => e.ev === 'presence' && (e.user === 'dave' || e.user === 'admin'), 'presence of a quiet session');
    assert.deepEqual(eventsOf(admin), [], "the administrator's quiet session heard neither its notice nor the others");
  });
});


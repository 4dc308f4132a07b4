import assert from 'node:assert/strict';
import { afterEach, beforeEach, describe, it } from 'node:test';
import type { ChatMessage } from '../../src/protocol/index.js';
import { coreHarness, type CoreHarness } from '../helpers/core-harness.js';

describe('lobby, history and presence (core)', () => {
  let h: CoreHarness;
  beforeEach(async () => (h = await coreHarness()));
  afterEach(() => h.close());

  it('fans a lobby message out to every logged-in session, sender included', async () => {
    const users = [];
    for (let i = 0; i < 40; i++) users.push(await h.user(`user${i}`));
    const text = `hello everyone 你好 👋`;
    const sent = await users[0]!.request('send', { to: '#lobby', text, cid: 'c-1' });
    assert.equal(sent.conv, '#lobby');
    for (const u of users) {
      assert.deepEqual(await u.next('msg'), { conv: '#lobby', seq: sent.seq, ts: sent.ts, from: 'user0', text, cid: 'c-1' });
    }
    // And once only: a second message is the next one each of them gets.
    await users[1]!.request('send', { to: '#lobby', text: 'second' });
    for (const u of users) assert.equal((await u.next('msg')).text, 'second');
  });

  it('pages through history: latest, before, after, limit', async () => {
    const [alice, bob] = [await h.user('alice'), await h.user('bob')];
    for (let i = 1; i <= 30; i++) await alice.request('send', { to: '@bob', text: `m${i}` });
    const conv = '@bob';
    const texts = (ms: ChatMessage[]) => ms.map((m) => m.text);
    assert.deepEqual(texts((await alice.request('history', { conv, limit: 3 })).messages), ['m28', 'm29', 'm30']);
    assert.deepEqual(texts((await alice.request('history', { conv, before: 5, limit: 10 })).messages), ['m1', 'm2', 'm3', 'm4']);
    assert.deepEqual(texts((await alice.request('history', { conv, after: 27 })).messages), ['m28', 'm29', 'm30']);
    assert.deepEqual(texts((await alice.request('history', { conv, after: 10, before: 14 })).messages), ['m11', 'm12', 'm13']);
    assert.equal((await alice.request('history', { conv, limit: 5000 })).messages.length, 30, 'a large limit is reduced, not refused');
    const fromBob = await bob.request('history', { conv: '@alice', after: 29 });
    assert.deepEqual(fromBob.messages.map((m) => [m.conv, m.text]), [['@alice', 'm30']]);
  });

  it('shows who is online, and announces the first login and the last logout only', async () => {
    const watcher = await h.user('watcher');
    const first = await h.user('carol');
    const second = await h.login('carol');
    const entry = (await watcher.request('who', {})).users.find((u) => u.user === 'carol');
    assert.equal(entry?.role, 'user', 'listed while online');
    assert.deepEqual(await watcher.next('presence', (p) => p.user === 'carol'), { user: 'carol', online: true, role: 'user', since: entry.since });
    first.close();
    await watcher.request('send', { to: '#lobby', text: 'marker 1' });
    await watcher.nothingBefore('msg', (m) => m.text === 'marker 1', (e) => e.ev === 'presence' && e.user === 'carol' && !e.online, 'an offline event while a session remains');
    assert.ok((await watcher.request('who', {})).users.some((u) => u.user === 'carol'));
    second.close();
    assert.deepEqual(await watcher.next('presence', (p) => p.user === 'carol'), { user: 'carol', online: false });
    await watcher.request('send', { to: '#lobby', text: 'marker 2' });
    const before = await watcher.nothingBefore('msg', (m) => m.text === 'marker 2', () => false);
    assert.equal(before.filter((e) => e.ev === 'presence' && e.user === 'carol').length, 2, 'one event each way');
    assert.ok(!(await watcher.request('who', {})).users.some((u) => u.user === 'carol'));
  });

  it('a new session gets its own presence before its login reply, and presence before a message that follows it', async () => {
    const watcher = await h.user('watcher');
    const comer = h.connect();
    await comer.request('register', { user: 'comer', password: 'correct-horse-1' });
    await comer.request('login', { user: 'comer', password: 'correct-horse-1' });
    await comer.request('send', { to: '#lobby', text: 'right after login' });
    const own = comer.lines.map((l) => (l.re !== undefined ? 'reply' : String(l.ev)));
    assert.deepEqual(own.slice(0, 3), ['reply', 'presence', 'reply'], 'register reply, own presence, login reply');
    await watcher.next('msg', (m) => m.text === 'right after login');
    const seen = watcher.events.filter((e) => (e.ev === 'presence' && e.user === 'comer') || (e.ev === 'msg' && e.from === 'comer')).map((e) => e.ev);
    assert.deepEqual(seen, ['presence', 'msg']);
  });
});

import assert from 'node:assert/strict';
import { afterEach, beforeEach, describe, it } from 'node:test';
import { coreHarness, refusal, type CoreHarness } from '../helpers/core-harness.js';

/** The harness's own waiting rules: a test built on them can fail. */
describe('core harness', () => {
  let h: CoreHarness;
  beforeEach(async () => (h = await coreHarness()));
  afterEach(() => h.close());

  it('next() takes each event once, earlier ones included, and fails when none comes', async () => {
    const [alice, bob] = [await h.user('alice'), await h.user('bob')];
    await alice.request('send', { to: '#lobby', text: 'one' });
    await alice.request('send', { to: '#lobby', text: 'two' });
    assert.equal((await bob.next('msg')).text, 'one', 'an event that came before the call counts');
    assert.equal((await bob.next('msg')).text, 'two', 'and is not handed out twice');
    await assert.rejects(bob.next('msg', () => true, 30), /no a msg event within 30 ms/);
  });

  it('nothingBefore() fails when an unwanted event came before the marker', async () => {
    const [alice, bob] = [await h.user('alice'), await h.user('bob')];
    await alice.request('send', { to: '@bob', text: 'secret' });
    await alice.request('send', { to: '#lobby', text: 'marker' });
    await assert.rejects(bob.nothingBefore('msg', (m) => m.text === 'marker', (e) => e.ev === 'msg' && e.text === 'secret'), /arrived before the marker/);
    const before = await bob.nothingBefore('msg', (m) => m.text === 'marker', (e) => e.ev === 'typing');
    assert.ok(before.some((e) => e.ev === 'msg' && e.text === 'secret'));
  });

  it('speaks the wire protocol: malformed lines, anonymous requests, replies by id', async () => {
    const c = h.connect();
    c.sendLine('{nope');
    assert.equal((await c.next('error')).error.code, 'BAD_REQUEST');
    assert.equal((await refusal(c.request('who', {}))).code, 'NOT_AUTHENTICATED');
    const reply = await c.reply({ id: 7, op: 'hello', client: 'harness' });
    assert.deepEqual([reply.re, reply.ok, reply.server], [7, true, 'banter']);
  });

  it('closes a connection the core ends, and a client hang-up reaches the core', async () => {
    const [admin, bob] = [await h.admin(), await h.user('bob')];
    const watcher = await h.user('carol');
    await admin.request('kick', { user: 'bob' });
    assert.equal((await bob.next('kicked')).reason, 'kicked by an administrator');
    await bob.whenClosed();
    await assert.rejects(bob.next('msg'), /connection closed/);
    watcher.close();
    await admin.next('presence', (p) => p.user === 'carol' && !p.online);
  });
});

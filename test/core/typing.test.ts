import assert from 'node:assert/strict';
import { afterEach, beforeEach, describe, it } from 'node:test';
import { coreHarness, outcome, type CoreHarness } from '../helpers/core-harness.js';

describe('typing (core)', () => {
  let h: CoreHarness;
  beforeEach(async () => (h = await coreHarness()));
  afterEach(() => h.close());

  it('relays typing to the other party only, not back to the typist', async () => {
    const [a, b, c] = [await h.user('a'), await h.user('b'), await h.user('c')];
    assert.deepEqual(await a.request('typing', { to: '@b' }), {});
    assert.deepEqual(await b.next('typing'), { conv: '@a', user: 'a' });
    await a.request('send', { to: '#lobby', text: 'marker' });
    for (const other of [a, c]) await other.nothingBefore('msg', (m) => m.text === 'marker', (e) => e.ev === 'typing', 'typing to a third party or back');
  });

  it('in the lobby and in rooms reaches the others there, not the typist', async () => {
    const [a, b, c] = [await h.user('a'), await h.user('b'), await h.user('c')];
    await a.request('typing', { to: '#lobby' });
    assert.deepEqual([await b.next('typing'), await c.next('typing')], [{ conv: '#lobby', user: 'a' }, { conv: '#lobby', user: 'a' }]);
    await a.request('create', { room: '#r' });
    await b.request('join', { room: '#r' });
    await a.request('typing', { to: '#r' });
    assert.deepEqual(await b.next('typing'), { conv: '#r', user: 'a' });
    await a.request('send', { to: '#lobby', text: 'marker' });
    await c.nothingBefore('msg', (m) => m.text === 'marker', (e) => e.ev === 'typing' && e.conv === '#r', 'room typing to a non-member');
    await a.nothingBefore('msg', (m) => m.text === 'marker', (e) => e.ev === 'typing', 'own typing');
  });

  it('over its allowance (a burst of 5) is dropped, not refused', async () => {
    const [a, b] = [await h.user('a'), await h.user('b')];
    for (let i = 0; i < 8; i++) assert.equal(await outcome(a.request('typing', { to: '@b' })), 'OK');
    await a.request('send', { to: '@b', text: 'marker' });
    const before = await b.nothingBefore('msg', (m) => m.text === 'marker', () => false);
    assert.equal(before.filter((e) => e.ev === 'typing').length, 5);
    assert.equal(await outcome(a.request('typing', { to: '@nobody_here' })), 'OK', 'nor is an unknown name refused once over it');
  });

  it('to an unknown user or a room one is not in is refused while within the allowance', async () => {
    const [a, b] = [await h.user('a'), await h.user('b')];
    await b.request('create', { room: '#closed' });
    assert.equal(await outcome(a.request('typing', { to: '@nobody_here' })), 'NO_SUCH_USER');
    assert.equal(await outcome(a.request('typing', { to: '#closed' })), 'NOT_A_MEMBER');
  });
});

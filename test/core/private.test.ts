import assert from 'node:assert/strict';
import { afterEach, beforeEach, describe, it } from 'node:test';
import { coreHarness, outcome, type CoreHarness } from '../helpers/core-harness.js';

describe('private conversations (core)', () => {
  let h: CoreHarness;
  beforeEach(async () => (h = await coreHarness()));
  afterEach(() => h.close());

  it('reach both parties only, each seeing the other as the conversation, with one seq for both', async () => {
    const [alice, bob, eve] = [await h.user('alice'), await h.user('bob'), await h.user('eve')];
    const sent = await alice.request('send', { to: '@BOB', text: 'just for you' });
    assert.deepEqual([sent.conv, sent.seq], ['@bob', 1]);
    const got = await bob.next('msg');
    assert.deepEqual(got, { conv: '@alice', seq: 1, ts: sent.ts, from: 'alice', text: 'just for you' });
    assert.equal((await alice.next('msg')).conv, '@bob', 'the sender sees it under the other party');
    const reply = await bob.request('send', { to: '@alice', text: 'thanks' });
    assert.equal(reply.seq, 2, 'one conversation, one seq, whoever sends');
    await alice.next('msg', (m) => m.text === 'thanks');
    await alice.request('send', { to: '#lobby', text: 'marker' });
    await eve.nothingBefore('msg', (m) => m.text === 'marker', (e) => e.ev === 'msg' && e.conv !== '#lobby', 'a private message');
    const history = await bob.request('history', { conv: '@alice' });
    assert.deepEqual(history.messages.map((m) => [m.conv, m.seq, m.from, m.text]), [
      ['@alice', 1, 'alice', 'just for you'],
      ['@alice', 2, 'bob', 'thanks'],
    ]);
    assert.deepEqual((await eve.request('history', { conv: '@alice' })).messages, [], 'the same name from a third party is another conversation');
    const convs = (await bob.request('convs', {})).convs;
    assert.ok(convs.some((c) => c.conv === '@alice' && c.last_seq === 2));
    assert.ok(convs.some((c) => c.conv === '#lobby'));
  });

  it('refuses messages to nobody, empty, too long, with escapes, or unknown stickers and files', async () => {
    const alice = await h.user('alice');
    const send = (body: object) => outcome(alice.request('send', { to: '#lobby', ...body } as never));
    assert.equal(await outcome(alice.request('send', { to: '@nobody_here', text: 'hi' })), 'NO_SUCH_USER');
    assert.equal(await outcome(alice.request('send', { to: '#elsewhere', text: 'hi' })), 'NO_SUCH_ROOM');
    assert.equal(await send({ text: '   ' }), 'BAD_REQUEST');
    assert.equal(await send({ text: '字'.repeat(4001) }), 'TOO_LONG');
    assert.equal(await send({ text: '字'.repeat(4000) }), 'OK');
    assert.equal(await send({ sticker: 'unicorn-of-doom' }), 'BAD_REQUEST');
    assert.equal(await send({ text: 'a', sticker: 'heart' }), 'BAD_REQUEST');
    assert.equal(await send({ file: { id: 'nope' } }), 'NO_SUCH_FILE');
    assert.equal(await send({ text: 'evil \u001b[2J escape' }), 'BAD_REQUEST', 'no terminal escapes');
    assert.equal(await send({ text: 'two\nlines\tand a tab' }), 'OK');
    assert.equal(await send({ sticker: 'rocket' }), 'OK');
    assert.equal((await alice.next('msg', (m) => m.sticker !== undefined)).sticker, 'rocket');
  });
});

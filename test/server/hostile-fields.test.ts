import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { newUser, refusal } from '../helpers/clients.js';
import { startTestServer, type TestServer } from '../helpers/server.js';

// Found in review: values every store must be able to keep. PostgreSQL text cannot hold U+0000
// (one such cid failed a whole group commit there) and keeps seq numbers as INTEGER.
describe('fields no store can keep are refused up front', () => {
  let server: TestServer;
  before(async () => (server = await startTestServer()));
  after(() => server.dispose());

  it('refuses U+0000 in any field, and the messages sent beside it are stored', async () => {
    const mallory = await newUser(server.tcpPort);
    const bob = await newUser(server.tcpPort);
    const [bad, ok1, ok2] = await Promise.allSettled([
      mallory.client.request('send', { to: '#lobby', text: 'hi', cid: 'x\u0000y' }),
      bob.client.request('send', { to: '#lobby', text: 'first' }),
      bob.client.request('send', { to: '#lobby', text: 'second' }),
    ]);
    assert.equal(bad.status, 'rejected');
    assert.equal((bad as PromiseRejectedResult).reason.code, 'BAD_REQUEST');
    assert.match((bad as PromiseRejectedResult).reason.message, /U\+0000/);
    assert.equal(ok1.status, 'fulfilled');
    assert.equal(ok2.status, 'fulfilled');
    assert.equal((await refusal(mallory.client.request('send', { to: '#lobby', text: 'a\u0000b' }))).code, 'BAD_REQUEST');
    assert.equal((await refusal(mallory.client.request('join', { room: '#a\u0000b' }))).code, 'BAD_REQUEST');
    const { messages } = await bob.client.request('history', { conv: '#lobby' });
    assert.deepEqual(messages.map((m) => m.text), ['first', 'second']);
    mallory.client.close();
    bob.client.close();
  });

  it('refuses sequence numbers of 2^31 and more with a clear error', async () => {
    const u = await newUser(server.tcpPort);
    for (const request of [
      u.client.request('history', { conv: '#lobby', before: 2 ** 31 }),
      u.client.request('history', { conv: '#lobby', after: 2 ** 40 }),
      u.client.request('edit', { conv: '#lobby', seq: 2 ** 40, text: 'x' }),
    ]) {
      const err = await refusal(request);
      assert.equal(err.code, 'BAD_REQUEST');
    }
    await u.client.request('history', { conv: '#lobby', before: 2 ** 31 - 1 });
    u.client.close();
  });
});

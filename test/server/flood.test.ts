import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { connect, newUser } from '../helpers/clients.js';
import { startTestServer, type TestServer } from '../helpers/server.js';
import { scenarioPause } from '../helpers/wait.js';

describe('flood control', () => {
  let server: TestServer;
  before(async () => (server = await startTestServer({ sendRate: 5, sendBurst: 3 })));
  after(() => server.dispose());

  it('lets a burst through, refuses the excess with a retry time, and refills', async () => {
    const { client } = await newUser(server.tcpPort);
    const results = await Promise.allSettled(Array.from({ length: 6 }, (_, i) => client.request('send', { to: '#lobby', text: `m${i}` })));
    const ok = results.filter((r) => r.status === 'fulfilled').length;
    const refused = results.filter((r) => r.status === 'rejected').map((r) => (r as PromiseRejectedResult).reason as { code: string; retryAfter: number });
    assert.equal(ok, 3, 'the burst');
    assert.equal(refused.length, 3);
    for (const r of refused) {
      assert.equal(r.code, 'RATE_LIMITED');
      assert.ok(r.retryAfter > 0 && r.retryAfter <= 1, `retry after ${r.retryAfter}`);
    }
    await scenarioPause(450); // wait out the rate window: 5/s refills two tokens
    assert.ok((await client.request('send', { to: '#lobby', text: 'after a pause' })).seq > 0);
    client.close();
  });

  it('counts per user, across that user\'s sessions, and not against others', async () => {
    const a = await newUser(server.tcpPort);
    const b = await newUser(server.tcpPort);
    const a2 = await connect(server.tcpPort);
    await a2.request('login', { token: a.token });
    for (let i = 0; i < 3; i++) await (i % 2 ? a2 : a.client).request('send', { to: '#lobby', text: `a${i}` });
    await assert.rejects(a2.request('send', { to: '#lobby', text: 'one too many' }), { code: 'RATE_LIMITED' });
    assert.ok((await b.client.request('send', { to: '#lobby', text: 'b is fine' })).seq > 0);
    for (const c of [a.client, a2, b.client]) c.close();
  });
});

import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { connect } from '../helpers/clients.js';
import { startTestServer, type TestServer } from '../helpers/server.js';

// The account rules (names, passwords, tokens, logout, back-off, registration throttle) are tested
// on the core (test/core/accounts.test.ts); this checks what only a running server knows.
describe('accounts', () => {
  let server: TestServer;
  before(async () => (server = await startTestServer()));
  after(() => server.dispose());

  it('answers hello without a login, with the port of its HTTP API', async () => {
    const c = await connect(server.tcpPort);
    assert.deepEqual(await c.request('hello', { client: 'test' }), { server: 'banter', proto: 1, http_port: server.httpPort });
    c.close();
  });
});

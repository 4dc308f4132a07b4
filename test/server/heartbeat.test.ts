import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { newUser, record } from '../helpers/clients.js';
import { RawSocket } from '../helpers/raw-socket.js';
import { startTestServer, type TestServer } from '../helpers/server.js';
import { waitUntil } from '../helpers/wait.js';

describe('heartbeat', () => {
  let server: TestServer;
  before(async () => (server = await startTestServer({ pingInterval: 0.2 })));
  after(() => server.dispose());

  it('pings a silent connection, then drops it with TIMEOUT', async () => {
    const raw = await RawSocket.open(server.tcpPort);
    await raw.waitFor((l) => l.ev === 'ping', 2000);
    const error = await raw.waitFor((l) => l.ev === 'error', 2000);
    assert.equal((error.error as { code: string }).code, 'TIMEOUT');
    await raw.waitClosed();
  });

  it('keeps a connection that answers its pings', async () => {
    const { client } = await newUser(server.tcpPort); // the SDK answers ping with pong
    const pings = record(client, 'ping');
    // Two pings answered: past the point where a silent connection is dropped.
    await waitUntil(() => pings.length >= 2, 'two pings');
    assert.ok(client.isOpen);
    assert.ok((await client.request('who', {})).users.length >= 1);
    client.close();
  });
});

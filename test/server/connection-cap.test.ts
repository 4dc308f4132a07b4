import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { WebSocket } from 'ws';
import { RawSocket } from '../helpers/raw-socket.js';
import { startTestServer, type TestServer } from '../helpers/server.js';

describe('connection cap', () => {
  let server: TestServer;
  before(async () => (server = await startTestServer({ maxConnections: 2 })));
  after(() => server.dispose());

  it('counts TCP and WebSocket together and tells the one over the cap why it is closed', async () => {
    const first = await RawSocket.open(server.tcpPort);
    const ws = new WebSocket(`ws://127.0.0.1:${server.httpPort}/ws`);
    await new Promise((r) => ws.once('open', r));
    const third = await RawSocket.open(server.tcpPort);
    const refusal = await third.waitFor((l) => l.ev === 'error');
    assert.equal((refusal.error as { code: string }).code, 'RATE_LIMITED');
    assert.match((refusal.error as { message: string }).message, /full/);
    await third.waitClosed();
    assert.ok(!first.closed, 'those already in stay');
    assert.equal((await first.request({ id: 1, op: 'hello' })).ok, true);
    ws.close();
    first.destroy();
  });
});

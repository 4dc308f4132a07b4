import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { ChatSession } from '../../src/client/index.js';
import { tcpTransport } from '../../src/client/node/tcp-transport.js';
import type { ChatMessage } from '../../src/protocol/index.js';
import { PASSWORD, connect, uniqueName, waitUntil } from '../helpers/clients.js';
import { startTestServer, type TestServer } from '../helpers/server.js';

// A page served over plain http from a LAN address is not a secure context: its crypto has
// getRandomValues but no randomUUID. The SDK must still give every send a fresh cid.
describe('client session without crypto.randomUUID', () => {
  let server: TestServer;
  const saved = Object.getOwnPropertyDescriptor(Object.getPrototypeOf(globalThis.crypto), 'randomUUID');
  before(async () => {
    server = await startTestServer();
    Object.defineProperty(Object.getPrototypeOf(globalThis.crypto), 'randomUUID', { value: undefined, configurable: true, writable: true });
  });
  after(async () => {
    if (saved) Object.defineProperty(Object.getPrototypeOf(globalThis.crypto), 'randomUUID', saved);
    await server.dispose();
  });

  it('sends with random 128-bit cids made from getRandomValues', async () => {
    assert.equal(typeof globalThis.crypto.randomUUID, 'undefined');
    const name = uniqueName('lan');
    const c = await connect(server.tcpPort);
    await c.request('register', { user: name, password: PASSWORD });
    c.close();
    const s = new ChatSession({ connect: tcpTransport('127.0.0.1', server.tcpPort) });
    const seen: ChatMessage[] = [];
    s.on('message', (m) => seen.push(m));
    await s.login(name, PASSWORD);
    const sent = await Promise.all([s.send('#lobby', { text: 'one' }), s.send('#lobby', { text: 'two' })]);
    assert.notEqual(sent[0].seq, sent[1].seq, 'two messages, not one deduplicated');
    await waitUntil(() => seen.length === 2, 'both messages');
    for (const m of seen) assert.match(m.cid ?? '', /^[0-9a-f]{32}$/);
    assert.notEqual(seen[0]!.cid, seen[1]!.cid);
    s.close();
  });
});

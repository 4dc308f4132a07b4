import assert from 'node:assert/strict';
import net from 'node:net';
import { after, before, describe, it } from 'node:test';
import { hashToken, newToken } from '../../src/server/core/tokens.js';
import { connect } from '../helpers/clients.js';
import { startTestServer, type TestServer } from '../helpers/server.js';
import { waitUntil } from '../helpers/wait.js';

const MEMBERS = 300;
const QUIET = 20;

let server: TestServer;
before(async () => (server = await startTestServer({ roomQuietSize: QUIET })));
after(() => server.dispose());

/** A logged-in raw connection that only counts the room events it gets (no JSON parse per line). */
interface Counter {
  socket: net.Socket;
  roomEvents: number;
  joinReplies: number;
  lastCount: number;
  longest: number;
}

async function member(port: number, token: string): Promise<Counter> {
  const socket = net.connect(port, '127.0.0.1');
  await new Promise((r) => socket.once('connect', r));
  const c: Counter = { socket, roomEvents: 0, joinReplies: 0, lastCount: 0, longest: 0 };
  let rest = '';
  socket.on('data', (d: Buffer) => {
    const text = rest + d.toString('latin1');
    let from = 0;
    for (let nl = text.indexOf('\n'); nl !== -1; nl = text.indexOf('\n', from)) {
      if (text.startsWith('{"ev":"joined"', from) || text.startsWith('{"ev":"left"', from)) c.roomEvents++;
      else if (text.startsWith('{"ev":"members"', from)) {
        c.roomEvents++;
        const line = text.slice(from, nl);
        c.longest = Math.max(c.longest, line.length);
        c.lastCount = Number(/"count":(\d+)/.exec(line)?.[1]);
      } else if (text.startsWith('{"re":"j"', from)) c.joinReplies++;
      from = nl + 1;
    }
    rest = text.slice(from);
  });
  socket.write(JSON.stringify({ op: 'login', token }) + '\n');
  return c;
}

describe('big rooms', () => {
  it(`a ${MEMBERS}-member join storm costs O(n) room events, not O(n²), and every member learns the final count`, async () => {
    const store = server.chat.store;
    const tokens: string[] = [];
    for (let i = 0; i < MEMBERS; i++) {
      const user = await store.users.create({ name: `storm${i}`, key: `storm${i}`, passHash: 'unused', role: 'user', createdAt: Date.now() });
      const token = newToken();
      await store.sessions.create({ tokenHash: hashToken(token), userId: user.id, createdAt: Date.now(), expiresAt: Date.now() + 3600_000, revoked: false });
      tokens.push(token);
    }
    const owner = await connect(server.tcpPort);
    await owner.request('register', { user: 'stormowner', password: 'correct-horse-1' });
    await owner.request('login', { user: 'stormowner', password: 'correct-horse-1' });
    await owner.request('create', { room: '#storm' });
    const members = await Promise.all(tokens.map((t) => member(server.tcpPort, t)));
    try {
      await waitUntil(() => server.chat.online.list().length === MEMBERS + 1, { what: 'everyone online', timeoutMs: 30_000 });
      const started = Date.now();
      for (const m of members) m.socket.write('{"id":"j","op":"join","room":"#storm"}\n');
      await waitUntil(() => members.every((m) => m.joinReplies === 1), { what: 'every join answered', timeoutMs: 30_000 });
      const storm = Date.now() - started;
      await waitUntil(() => members.every((m) => m.lastCount === MEMBERS + 1), { what: 'the last batch tells everyone the final count', timeoutMs: 5000 });
      const total = members.reduce((n, m) => n + m.roomEvents, 0);
      // Individually announced while small: at most 1 + 2 + ... + QUIET. Then each joiner hears of
      // its own join, and each batch (one per second) reaches every member once.
      const batches = Math.ceil((Date.now() - started) / 1000) + 1;
      const budget = (QUIET * (QUIET + 1)) / 2 + MEMBERS + batches * MEMBERS;
      const unbatched = (MEMBERS * (MEMBERS + 1)) / 2;
      assert.ok(total <= budget, `${total} room events in a storm of ${storm} ms; budget ${budget}`);
      assert.ok(total * 10 < unbatched, `${total} is far below the ${unbatched} of announcing every join to every member`);
      const longest = Math.max(...members.map((m) => m.longest));
      assert.ok(longest < 2048, `a batch stays small however big the storm (longest: ${longest} bytes)`);
      assert.equal((await owner.request('members', { room: '#storm' })).members.length, MEMBERS + 1);
    } finally {
      for (const m of members) m.socket.destroy();
      owner.close();
    }
  });
});

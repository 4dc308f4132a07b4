import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { WebSocket } from 'ws';
import { PASSWORD, newUser, waitUntil } from '../helpers/clients.js';
import { IrcTestClient } from '../helpers/irc-client.js';
import { RawSocket } from '../helpers/raw-socket.js';
import { startTestServer, type TestServer } from '../helpers/server.js';

const STORM = 40;

/**
 * Presence for everyone is gathered and handed out once per window, several events in one buffer
 * (core/broadcast-journal.ts): every transport must still show each event once, on its own.
 */
describe('a storm of logins', () => {
  let server: TestServer;
  before(async () => {
    server = await startTestServer({ ircPort: 0 });
  });
  after(() => server.dispose());

  it('announces each arrival and departure once to TCP, WebSocket and IRC watchers, one event per line, frame or IRC message, and nothing to a connection not logged in', { timeout: 30_000 }, async () => {
    const [tcpWatcher, wsWatcher, ircWatcher] = await Promise.all([newUser(server.tcpPort), newUser(server.tcpPort), newUser(server.tcpPort)]);
    const comers = await Promise.all(Array.from({ length: STORM }, () => newUser(server.tcpPort)));
    for (const u of [tcpWatcher, wsWatcher, ircWatcher, ...comers]) u.client.close();
    await waitUntil(() => [...comers, ircWatcher].every((u) => !server.chat.online.get(u.name.toLowerCase())), 'everyone offline');

    const tcp = await RawSocket.open(server.tcpPort);
    assert.equal((await tcp.request({ id: 1, op: 'login', token: tcpWatcher.token })).ok, true);
    const anonymous = await RawSocket.open(server.tcpPort);
    const ws = new WebSocket(`ws://127.0.0.1:${server.httpPort}/ws`);
    const frames: string[] = [];
    ws.on('message', (d) => frames.push(d.toString()));
    await new Promise((resolve, reject) => ws.once('open', resolve).once('error', reject));
    ws.send(JSON.stringify({ id: 1, op: 'login', token: wsWatcher.token }));
    await waitUntil(() => frames.some((f) => f.startsWith('{"re":1,"ok":true')), 'WebSocket login');
    const irc = await IrcTestClient.login(server.ircPort!, ircWatcher.name, PASSWORD);

    // Every comer's login goes out in one TCP write each, all at once.
    const sockets = await Promise.all(comers.map(() => RawSocket.open(server.tcpPort)));
    sockets.forEach((s, i) => s.write(`${JSON.stringify({ id: 1, op: 'login', token: comers[i]!.token })}\n`));
    await Promise.all(sockets.map((s) => s.waitFor((l) => l.re === 1)));

    const names = new Set(comers.map((c) => c.name));
    const presenceOf = (events: Record<string, unknown>[], online: boolean) => events.filter((e) => e.ev === 'presence' && e.online === online && names.has(String(e.user))).map((e) => String(e.user));
    const wsEvents = () => frames.map((f) => JSON.parse(f) as Record<string, unknown>); // one object per frame, or this throws
    const ircJoins = () => irc.lines.filter((l) => l.command === 'JOIN' && names.has(l.source?.split('!')[0] ?? '')).map((l) => l.source!.split('!')[0]!);
    await waitUntil(() => presenceOf(tcp.lines, true).length >= STORM && presenceOf(wsEvents(), true).length >= STORM && ircJoins().length >= STORM, { what: 'every arrival everywhere', timeoutMs: 15_000 });
    for (const seen of [presenceOf(tcp.lines, true), presenceOf(wsEvents(), true), ircJoins()]) assert.deepEqual([...seen].sort(), [...names].sort(), 'each arrival once');
    // Each new session got its own arrival before its login reply, and the others' after its login.
    for (const [i, s] of sockets.entries()) {
      const own = s.lines.findIndex((l) => l.ev === 'presence' && l.user === comers[i]!.name);
      assert.ok(own !== -1 && own < s.lines.findIndex((l) => l.re === 1), `${comers[i]!.name}: own presence before the reply`);
    }

    for (const s of sockets) s.destroy();
    const ircQuits = () => irc.lines.filter((l) => l.command === 'QUIT' && names.has(l.source?.split('!')[0] ?? '')).length;
    await waitUntil(() => presenceOf(tcp.lines, false).length >= STORM && presenceOf(wsEvents(), false).length >= STORM && ircQuits() >= STORM, { what: 'every departure everywhere', timeoutMs: 15_000 });
    assert.equal(presenceOf(tcp.lines, false).length, STORM);
    assert.equal(ircQuits(), STORM);
    assert.deepEqual(anonymous.lines, [], 'a connection that has not logged in hears nothing');
    for (const c of [tcp, anonymous]) c.destroy();
    ws.close();
    irc.close();
  });

  it("gives an IRC client the presence it has not had before the gateway's own replies (NAMES, WHO), so no reply lists a user whose JOIN comes after it", { timeout: 30_000 }, async () => {
    const [watcher, comer] = await Promise.all([newUser(server.tcpPort), newUser(server.tcpPort)]);
    for (const u of [watcher, comer]) u.client.close();
    await waitUntil(() => [watcher, comer].every((u) => !server.chat.online.get(u.name.toLowerCase())), 'both offline');
    const irc = await IrcTestClient.login(server.ircPort!, watcher.name, PASSWORD);
    const tcp = await RawSocket.open(server.tcpPort);
    // Once the login is answered its presence is on its way to everyone (it may wait for the journal's turn).
    assert.equal((await tcp.request({ id: 1, op: 'login', token: comer.token })).ok, true);
    const from = irc.lines.length;
    irc.send('NAMES #lobby');
    irc.send('WHO #lobby');
    await irc.expect((l) => l.command === '315', 5000, 'the end of WHO');
    const lines = irc.lines.slice(from);
    const join = lines.findIndex((l) => l.command === 'JOIN' && l.source?.split('!')[0] === comer.name);
    const names = lines.findIndex((l) => l.command === '353' && l.params.at(-1)!.split(' ').includes(comer.name));
    const who = lines.findIndex((l) => l.command === '352' && l.params[2] === comer.name);
    assert.ok(names !== -1 && who !== -1, 'NAMES and WHO list the comer');
    assert.ok(join !== -1 && join < names && join < who, `the comer's JOIN comes before the replies that list them:\n${lines.map((l) => l.raw).join('\n')}`);
    tcp.destroy();
    irc.close();
  });
});

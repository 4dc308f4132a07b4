import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { BanterClient } from '../../src/client/index.js';
import { PASSWORD, adminClient, connect, newUser, nextEvent, record, waitUntil } from '../helpers/clients.js';
import { startTestServer, type TestServer } from '../helpers/server.js';

const codeOf = (p: Promise<unknown>): Promise<string> => p.then(() => 'OK', (e: { code: string }) => e.code);

function closed(client: BanterClient): Promise<void> {
  return new Promise((resolve) => (client.isOpen ? client.onClose(() => resolve()) : resolve()));
}

describe('moderation', () => {
  let server: TestServer;
  let admin: BanterClient;
  before(async () => {
    server = await startTestServer();
    admin = await adminClient(server.tcpPort);
  });
  after(async () => {
    admin.close();
    await server.dispose();
  });

  it('refuses every admin op to a non-admin', async () => {
    const { client, name } = await newUser(server.tcpPort);
    const victim = await newUser(server.tcpPort);
    for (const [op, body] of [
      ['mute', { user: victim.name }],
      ['unmute', { user: victim.name }],
      ['kick', { user: victim.name }],
      ['ban', { user: victim.name }],
      ['unban', { user: victim.name }],
      ['notice', { text: 'hi' }],
      ['audit', {}],
    ] as const) {
      assert.equal(await codeOf(client.request(op, body as never)), 'FORBIDDEN', op);
    }
    assert.equal(await codeOf(victim.client.request('send', { to: '#lobby', text: `still fine ${name}` })), 'OK');
    client.close();
    victim.client.close();
  });

  it('mutes for a while: the server refuses sends, the user is told, then unmute lifts it', async () => {
    const { client, name, token } = await newUser(server.tcpPort);
    const bystander = await newUser(server.tcpPort);
    const notices = record(bystander.client, 'notice');
    const mutedEvent = nextEvent(client, 'muted');
    const result = await admin.request('mute', { user: name, minutes: 10, reason: 'spam' });
    assert.equal(result.user, name);
    assert.ok(typeof result.until === 'number' && result.until > Date.now() + 9 * 60_000);
    assert.deepEqual(await mutedEvent, { until: result.until, reason: 'spam' });
    const refused = await client.request('send', { to: '#lobby', text: 'let me talk' }).catch((e: { code: string; until: unknown }) => e);
    assert.equal((refused as { code: string }).code, 'MUTED');
    assert.equal((refused as { until: unknown }).until, result.until);
    assert.equal(await codeOf(client.request('send', { to: `@${bystander.name}`, text: 'psst' })), 'MUTED', 'private messages too');
    await waitUntil(() => notices.some((n) => n.text.includes(name) && n.text.includes('muted')), 'the lobby notice');
    // Another session of the same user learns it at login.
    const other = await connect(server.tcpPort);
    assert.equal((await other.request('login', { token })).muted_until, result.until);
    const unmuted = nextEvent(client, 'unmuted');
    await admin.request('unmute', { user: name });
    await unmuted;
    assert.equal(await codeOf(client.request('send', { to: '#lobby', text: 'thank you' })), 'OK');
    client.close();
    other.close();
    bystander.client.close();
  });

  it('mutes until further notice, and a timed mute ends by itself', async () => {
    const { client, name } = await newUser(server.tcpPort);
    assert.equal((await admin.request('mute', { user: name })).until, 'forever');
    assert.equal(await codeOf(client.request('send', { to: '#lobby', text: 'x' })), 'MUTED');
    const unmuted = nextEvent(client, 'unmuted', () => true, 5000);
    await admin.request('mute', { user: name, minutes: 0.01 }); // 0.6 s
    assert.equal(await codeOf(client.request('send', { to: '#lobby', text: 'x' })), 'MUTED');
    await unmuted;
    assert.equal(await codeOf(client.request('send', { to: '#lobby', text: 'free again' })), 'OK');
    client.close();
  });

  it('kicks every session of a user with the reason, and their token stops working', async () => {
    const { client, name, token } = await newUser(server.tcpPort);
    const second = await connect(server.tcpPort);
    await second.request('login', { token });
    const kicked = [nextEvent(client, 'kicked'), nextEvent(second, 'kicked')];
    await admin.request('kick', { user: name, reason: 'cool down' });
    for (const k of kicked) assert.deepEqual(await k, { reason: 'cool down' });
    await Promise.all([closed(client), closed(second)]);
    const again = await connect(server.tcpPort);
    assert.equal(await codeOf(again.request('login', { token })), 'BAD_CREDENTIALS');
    assert.equal((await again.request('login', { user: name, password: PASSWORD })).user, name, 'a kick is not a ban');
    again.close();
  });

  it('bans: the user is disconnected and refused at login until unbanned', async () => {
    const { client, name } = await newUser(server.tcpPort);
    const banned = nextEvent(client, 'banned');
    await admin.request('ban', { user: name, reason: 'abuse' });
    assert.deepEqual(await banned, { reason: 'abuse' });
    await closed(client);
    const c = await connect(server.tcpPort);
    const refusal = await c.request('login', { user: name, password: PASSWORD }).catch((e: Error & { code: string }) => e);
    assert.equal((refusal as { code: string }).code, 'BANNED');
    assert.match((refusal as Error).message, /abuse/);
    await admin.request('unban', { user: name });
    assert.equal((await c.request('login', { user: name, password: PASSWORD })).user, name);
    c.close();
  });

  it('protects administrators and names unknown users', async () => {
    assert.equal(await codeOf(admin.request('mute', { user: 'admin' })), 'FORBIDDEN');
    assert.equal(await codeOf(admin.request('kick', { user: 'ADMIN' })), 'FORBIDDEN');
    assert.equal(await codeOf(admin.request('ban', { user: 'no_such_person_here' })), 'NO_SUCH_USER');
  });

  it('sends notices to everyone and keeps an audit log of every action', async () => {
    const { client, name } = await newUser(server.tcpPort);
    const notice = nextEvent(client, 'notice', (n) => n.text === 'maintenance at 18:00');
    await admin.request('notice', { text: 'maintenance at 18:00' });
    const got = await notice;
    assert.equal(got.from, 'admin');
    await admin.request('mute', { user: name, minutes: 1 });
    await admin.request('unmute', { user: name });
    const { entries } = await admin.request('audit', { limit: 3 });
    assert.deepEqual(entries.map((e) => [e.actor, e.action, e.target]), [
      ['admin', 'unmute', name],
      ['admin', 'mute', name],
      ['admin', 'notice', null],
    ]);
    client.close();
  });
});

import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { PASSWORD, connect, newUser, uniqueName, refusal } from '../helpers/clients.js';
import { startTestServer, type TestServer } from '../helpers/server.js';


describe('accounts', () => {
  let server: TestServer;
  before(async () => (server = await startTestServer()));
  after(() => server.dispose());

  it('answers hello without a login', async () => {
    const c = await connect(server.tcpPort);
    assert.deepEqual(await c.request('hello', { client: 'test' }), { server: 'banter', proto: 1, http_port: server.httpPort });
    c.close();
  });

  it('refuses a registration with a reason for each rule', async () => {
    const c = await connect(server.tcpPort);
    for (const bad of ['', 'has space', 'a'.repeat(33), 'semi;colon', '@at', '#hash', 'x:y']) {
      assert.equal((await refusal(c.request('register', { user: bad, password: PASSWORD }))).code, bad === '' ? 'BAD_REQUEST' : 'INVALID_NAME', bad);
    }
    assert.equal((await refusal(c.request('register', { user: uniqueName(), password: 'short' }))).code, 'WEAK_PASSWORD');
    const name = uniqueName();
    assert.equal((await refusal(c.request('register', { user: name, password: name }))).code, 'WEAK_PASSWORD');
    await c.request('register', { user: name, password: PASSWORD });
    const dup = await refusal(c.request('register', { user: name.toUpperCase(), password: PASSWORD }));
    assert.equal(dup.code, 'USER_EXISTS');
    assert.match(dup.message, /taken/);
    c.close();
  });

  it('accepts names in any script and compares them case-insensitively', async () => {
    const c = await connect(server.tcpPort);
    assert.deepEqual(await c.request('register', { user: '小明', password: PASSWORD }), { user: '小明' });
    assert.deepEqual(await c.request('register', { user: 'Ünal.x-1_', password: PASSWORD }), { user: 'Ünal.x-1_' });
    assert.equal((await refusal(c.request('register', { user: 'üNAL.X-1_', password: PASSWORD }))).code, 'USER_EXISTS');
    const login = await c.request('login', { user: 'ünal.x-1_', password: PASSWORD });
    assert.equal(login.user, 'Ünal.x-1_');
    assert.equal(login.role, 'user');
    assert.equal(login.muted_until, null);
    c.close();
  });

  it('gives the same answer for an unknown user and a wrong password', async () => {
    const { name, client } = await newUser(server.tcpPort);
    client.close();
    const c = await connect(server.tcpPort);
    const wrong = await refusal(c.request('login', { user: name, password: 'wrong-password' }));
    const unknown = await refusal(c.request('login', { user: uniqueName('ghost'), password: 'wrong-password' }));
    assert.equal(wrong.code, 'BAD_CREDENTIALS');
    assert.equal(unknown.code, 'BAD_CREDENTIALS');
    assert.equal(wrong.message, unknown.message);
    c.close();
  });

  it('needs a login for everything but hello, register and login', async () => {
    const c = await connect(server.tcpPort);
    for (const [op, body] of [['send', { to: '#lobby', text: 'x' }], ['who', {}], ['history', { conv: '#lobby' }], ['mute', { user: 'x' }]] as const) {
      assert.equal((await refusal(c.request(op, body as never))).code, 'NOT_AUTHENTICATED', op);
    }
    c.close();
  });

  it('logs in again with a token, and not after logout', async () => {
    const { client, token, name } = await newUser(server.tcpPort);
    const second = await connect(server.tcpPort);
    assert.equal((await second.request('login', { token })).user, name);
    await second.request('logout', {});
    const third = await connect(server.tcpPort);
    assert.equal((await refusal(third.request('login', { token }))).code, 'BAD_CREDENTIALS');
    assert.equal((await refusal(third.request('login', { token: 'made-up-token' }))).code, 'BAD_CREDENTIALS');
    for (const c of [client, second, third]) c.close();
  });

  it('refuses a second login on a logged-in connection', async () => {
    const { client, name } = await newUser(server.tcpPort);
    assert.equal((await refusal(client.request('login', { user: name, password: PASSWORD }))).code, 'ALREADY_AUTHENTICATED');
    client.close();
  });

  it('backs off repeated failed logins per account, and says when to retry', async () => {
    const { name, client } = await newUser(server.tcpPort);
    client.close();
    const c = await connect(server.tcpPort);
    const codes: string[] = [];
    for (let i = 0; i < 7; i++) codes.push((await refusal(c.request('login', { user: name, password: `nope-${i}-xxxx` }))).code);
    assert.deepEqual(codes.slice(0, 5), Array(5).fill('BAD_CREDENTIALS'));
    assert.equal(codes[6], 'RATE_LIMITED');
    const limited = await refusal(c.request('login', { user: name, password: PASSWORD }));
    assert.equal(limited.code, 'RATE_LIMITED', 'even the right password waits out the back-off');
    assert.ok(limited.retryAfter && limited.retryAfter > 0);
    c.close();
  });
});

describe('registration throttle', () => {
  let server: TestServer;
  before(async () => (server = await startTestServer({ registerPerHour: 3 })));
  after(() => server.dispose());

  it('lets an address create a few accounts, then asks it to wait', async () => {
    const c = await connect(server.tcpPort);
    for (let i = 0; i < 3; i++) await c.request('register', { user: uniqueName('reg'), password: PASSWORD });
    const refused = await refusal(c.request('register', { user: uniqueName('reg'), password: PASSWORD }));
    assert.equal(refused.code, 'RATE_LIMITED');
    assert.ok(refused.retryAfter && refused.retryAfter > 60, `retry after ${refused.retryAfter} s`);
    assert.match(refused.message, /new accounts/);
    c.close();
  });
});

import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { promisify } from 'node:util';
import Database from 'better-sqlite3';
import { hashToken } from '../../src/server/core/tokens.js';
import { PASSWORD, connect, newUser, nextEvent, refusal } from '../helpers/clients.js';
import { ADMIN_PASSWORD, CLI, startTestServer, tempDir, type TestServer } from '../helpers/server.js';

const DAY_MS = 24 * 3600_000;

async function tokenWorks(port: number, token: string): Promise<boolean> {
  const c = await connect(port);
  try {
    return await c.request('login', { token }).then(
      () => true,
      (err: { code: string }) => (err.code === 'BAD_CREDENTIALS' ? false : Promise.reject(err)),
    );
  } finally {
    c.close();
  }
}

/** `banter ...` as a real process; resolves with its exit code and output. */
async function cli(args: string[], env: NodeJS.ProcessEnv): Promise<{ code: number; stdout: string; stderr: string }> {
  const clean: NodeJS.ProcessEnv = {};
  for (const [k, v] of Object.entries(process.env)) if (!k.startsWith('BANTER_')) clean[k] = v;
  try {
    const { stdout, stderr } = await promisify(execFile)(process.execPath, [CLI, ...args], { env: { ...clean, ...env }, timeout: 15_000 });
    return { code: 0, stdout, stderr };
  } catch (err) {
    const e = err as { code: number; stdout: string; stderr: string };
    return { code: e.code, stdout: e.stdout, stderr: e.stderr };
  }
}

describe('admin password from the environment', () => {
  it('ends every admin session when it changes at a restart, and none when it stays the same', async () => {
    const dataDir = tempDir();
    let server = await startTestServer({}, dataDir);
    const first = await connect(server.tcpPort);
    const { token } = await first.request('login', { user: 'admin', password: ADMIN_PASSWORD });
    first.close();
    await server.stop();
    server = await startTestServer({}, dataDir); // the same password
    assert.equal(await tokenWorks(server.tcpPort, token), true, 'a restart with the same password keeps admin tokens');
    await server.stop();
    server = await startTestServer({ adminPassword: 'a-new-admin-pass-456' }, dataDir);
    assert.equal(await tokenWorks(server.tcpPort, token), false, 'the old admin token must not log in after a password change');
    const c = await connect(server.tcpPort);
    assert.equal((await refusal(c.request('login', { user: 'admin', password: ADMIN_PASSWORD }))).code, 'BAD_CREDENTIALS');
    assert.equal((await c.request('login', { user: 'admin', password: 'a-new-admin-pass-456' })).role, 'admin');
    c.close();
    await server.dispose();
  });
});

describe('sessions', () => {
  let server: TestServer;
  before(async () => (server = await startTestServer({ sessionMaxDays: 10 })));
  after(() => server.dispose());

  it('ends a token at its absolute lifetime however recently it was used, and extends it no further', async () => {
    const { client, token, name } = await newUser(server.tcpPort);
    client.close();
    const db = new Database(join(server.dataDir, 'banter.db'));
    const age = db.prepare('UPDATE sessions SET created_at = ?, expires_at = ? WHERE token_hash = ?');
    const expiry = db.prepare('SELECT expires_at FROM sessions WHERE token_hash = ?');
    try {
      // Eight days old, its idle expiry an hour away: it works, and its use extends it to day ten, not 30 days on.
      const created = Date.now() - 8 * DAY_MS;
      age.run(created, Date.now() + 3600_000, hashToken(token));
      assert.equal(await tokenWorks(server.tcpPort, token), true);
      const { expires_at } = expiry.get(hashToken(token)) as { expires_at: number };
      assert.equal(expires_at, created + 10 * DAY_MS, `extended to ${(expires_at - created) / DAY_MS} days after the login`);
      // Eleven days old, though its idle expiry is far off: it no longer works.
      age.run(Date.now() - 11 * DAY_MS, Date.now() + 20 * DAY_MS, hashToken(token));
      assert.equal(await tokenWorks(server.tcpPort, token), false);
      assert.equal((await (await connect(server.tcpPort)).request('login', { user: name, password: PASSWORD })).user, name, 'the password still works');
    } finally {
      db.close();
    }
  });

  it('a password change ends every other session of the account, live ones with kicked', async () => {
    const first = await newUser(server.tcpPort);
    const second = await connect(server.tcpPort);
    const { token: secondToken } = await second.request('login', { user: first.name, password: PASSWORD });
    const kicked = nextEvent(second, 'kicked');
    const user = (await server.chat.accounts.authenticate(first.token))!;
    await server.chat.accounts.setPassword(user, 'another-pass-789', { keepSession: hashToken(first.token) });
    assert.match((await kicked).reason, /password was changed/);
    assert.equal(await tokenWorks(server.tcpPort, secondToken), false);
    // The session that made the change stays, connection and token.
    assert.equal((await first.client.request('who', {})).users.some((u) => u.user === first.name), true);
    assert.equal(await tokenWorks(server.tcpPort, first.token), true);
    first.client.close();
  });

  it('banter admin sessions revoke ends all of a user\'s sessions, an administrator\'s too', async () => {
    const env = { BANTER_SERVER: `127.0.0.1:${server.tcpPort}`, BANTER_USER: 'admin', BANTER_PASSWORD: ADMIN_PASSWORD };
    const alice = await newUser(server.tcpPort);
    const kicked = nextEvent(alice.client, 'kicked');
    const out = await cli(['admin', 'sessions', 'revoke', alice.name], env);
    assert.deepEqual([out.code, out.stdout], [0, `revoked 1 session of ${alice.name}\n`], out.stderr);
    assert.match((await kicked).reason, /ended by an administrator/);
    assert.equal(await tokenWorks(server.tcpPort, alice.token), false);

    const admin = await connect(server.tcpPort);
    const { token: adminToken } = await admin.request('login', { user: 'admin', password: ADMIN_PASSWORD });
    const adminKicked = nextEvent(admin, 'kicked');
    const self = await cli(['admin', 'sessions', 'revoke', 'admin'], env);
    assert.equal(self.code, 0, self.stderr);
    assert.match(self.stdout, /^revoked \d+ sessions? of admin\n$/);
    await adminKicked;
    assert.equal(await tokenWorks(server.tcpPort, adminToken), false, 'the admin token must not log in after a revoke');

    const refused = await cli(['admin', 'sessions', 'revoke', 'admin'], { ...env, BANTER_USER: alice.name, BANTER_PASSWORD: PASSWORD });
    assert.equal(refused.code, 2);
    assert.match(refused.stderr, /^banter: FORBIDDEN: /);
  });
});

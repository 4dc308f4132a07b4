import assert from 'node:assert/strict';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import Database from 'better-sqlite3';
import { PASSWORD, connect, uniqueName } from '../helpers/clients.js';
import { startTestServer, tempDir, type TestServer } from '../helpers/server.js';

async function register(port: number, user: string): Promise<string> {
  const c = await connect(port);
  try {
    return await c.request('register', { user, password: PASSWORD }).then(
      (r) => r.user,
      (err: { code: string; message: string }) => `${err.code}: ${err.message}`,
    );
  } finally {
    c.close();
  }
}

async function logsIn(port: number, user: string): Promise<string> {
  const c = await connect(port);
  try {
    return (await c.request('login', { user, password: PASSWORD })).user;
  } finally {
    c.close();
  }
}

describe('look-alike user names', () => {
  let server: TestServer;
  before(async () => (server = await startTestServer()));
  after(() => server.dispose());

  it('refuses names that look like an existing one: other scripts, dotless i, accents', async () => {
    // "admin" exists (the server made it); each of these only looks like it.
    for (const name of ['аdmin' /* Cyrillic а */, 'admın' /* dotless ı */, 'admiń', 'ADMİN', 'adrnin', 'ａｄｍｉｎ' /* full width */]) {
      assert.match(await register(server.tcpPort, name), /^USER_EXISTS: the name .* looks too much like the existing name admin$|^USER_EXISTS: the name admin is taken$/, name);
    }
    const paul = uniqueName('paul');
    assert.equal(await register(server.tcpPort, paul), paul);
    assert.match(await register(server.tcpPort, paul.replace('a', 'а')), new RegExp(`^USER_EXISTS: .*looks too much like the existing name ${paul}$`));
    assert.match(await register(server.tcpPort, paul.replace('u', 'ü')), /^USER_EXISTS: /);
    // Names that only share letters are fine.
    assert.equal(await register(server.tcpPort, `${paul}x`), `${paul}x`);
  });

  it('stores names NFKC-normalised, and logs in by either form', async () => {
    const wide = uniqueName('ｗｉｄｅ');
    const plain = wide.normalize('NFKC');
    assert.equal(await register(server.tcpPort, wide), plain);
    assert.equal(await logsIn(server.tcpPort, plain), plain);
    assert.equal(await logsIn(server.tcpPort, wide), plain);
  });

  it('lets exactly one of look-alikes registered at the same moment through', async () => {
    const base = uniqueName('race');
    const names = [base, base.replace('a', 'а'), base.replace('e', 'е'), base.replace('c', 'с')];
    const outcomes = await Promise.all(names.map((n) => register(server.tcpPort, n)));
    assert.equal(outcomes.filter((o) => !o.startsWith('USER_EXISTS')).length, 1, outcomes.join('\n'));
  });
});

describe('a database from before look-alike skeletons', () => {
  it('keeps two old look-alike names working, and refuses a third', async () => {
    const dataDir = tempDir();
    let server = await startTestServer({}, dataDir);
    const alice = uniqueName('alice');
    const lookAlike = alice.replace('a', 'а'); // Cyrillic а
    assert.equal(await register(server.tcpPort, alice), alice);
    await server.stop();
    // Back to schema v7, then a look-alike added as an older Banter would have let it in.
    const db = new Database(join(dataDir, 'banter.db'));
    db.exec('DROP INDEX users_by_skeleton; ALTER TABLE users DROP COLUMN skeleton;');
    db.prepare("INSERT INTO users (name, key, pass_hash, role, created_at) SELECT ?, ?, pass_hash, 'user', created_at FROM users WHERE name = ?").run(lookAlike, lookAlike, alice);
    db.pragma('user_version = 7');
    db.close();

    server = await startTestServer({}, dataDir);
    try {
      assert.equal(await logsIn(server.tcpPort, alice), alice);
      assert.equal(await logsIn(server.tcpPort, lookAlike), lookAlike);
      assert.match(await register(server.tcpPort, alice.replace('e', 'е')), /^USER_EXISTS: .*looks too much like/);
      const check = new Database(join(dataDir, 'banter.db'), { readonly: true });
      const rows = check.prepare('SELECT name, skeleton FROM users WHERE name IN (?, ?) ORDER BY id').all(alice, lookAlike) as { name: string; skeleton: string | null }[];
      check.close();
      assert.deepEqual(rows.map((r) => r.skeleton === null), [false, true], 'the older name holds the skeleton');
    } finally {
      await server.dispose();
    }
  });
});

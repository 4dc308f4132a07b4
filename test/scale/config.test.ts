import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { rmSync } from 'node:fs';
import { after, describe, it } from 'node:test';
import { ConfigError, loadConfig } from '../../src/server/config.js';
import { CLI, tempDir } from '../helpers/server.js';

const data = tempDir();
after(() => rmSync(data, { recursive: true, force: true }));

/** `banter server` with these flags, expected to stop at start: its exit code and stderr. */
function refusedStart(args: string[], env: NodeJS.ProcessEnv = {}): { status: number | null; stderr: string } {
  const clean: NodeJS.ProcessEnv = {};
  for (const [k, v] of Object.entries(process.env)) if (!k.startsWith('BANTER_')) clean[k] = v;
  const run = spawnSync(process.execPath, [CLI, 'server', '--host', '127.0.0.1', '--port', '0', '--http-port', '0', '--data', data, ...args], {
    encoding: 'utf8',
    timeout: 30_000,
    env: { ...clean, ...env },
  });
  return { status: run.status, stderr: run.stderr };
}

describe('scale-out settings', () => {
  it('defaults to the embedded store and the in-process bus, one worker', () => {
    const c = loadConfig({}, {});
    assert.deepEqual([c.store, c.bus, c.workers, c.presenceTtl], ['sqlite', 'local', 1, 15]);
  });

  it('takes --store and --bus URLs from flags or the environment', () => {
    const c = loadConfig({}, { BANTER_STORE: 'postgres://u:p@db:5432/chat', BANTER_BUS: 'rediss://:pw@cache:6380/2', BANTER_WORKERS: '4' });
    assert.deepEqual([c.store, c.bus, c.workers], ['postgres://u:p@db:5432/chat', 'rediss://:pw@cache:6380/2', 4]);
    assert.equal(loadConfig({ store: 'postgresql://h/db' }, { BANTER_STORE: 'sqlite' }).store, 'postgresql://h/db', 'a flag wins');
  });

  it('refuses a store or bus that is not a URL of the right kind, without showing its password', () => {
    assert.throws(() => loadConfig({ store: 'mysql://u:secret@h/db' }, {}), (e: unknown) => e instanceof ConfigError && /invalid store "mysql:\/\/u:\*\*\*@h\/db" \(from flag --store\): expected sqlite or a URL like postgres:\/\//.test(e.message) && !e.message.includes('secret'));
    assert.throws(() => loadConfig({}, { BANTER_BUS: 'localhost:6379' }), /invalid bus "localhost:6379" \(from BANTER_BUS\): expected local or a URL like redis:\/\//);
    assert.throws(() => loadConfig({ workers: '0' }, {}), /invalid workers "0".*1-256/);
  });

  it('stops at start, naming the setting, when PostgreSQL cannot be reached', () => {
    const run = refusedStart(['--store', 'postgres://root:hunter2@127.0.0.1:1/test']);
    assert.equal(run.status, 2);
    assert.match(run.stderr, /cannot open PostgreSQL at postgres:\/\/root:\*\*\*@127\.0\.0\.1:1\/test: .* \(--store \/ BANTER_STORE\)/);
    assert.doesNotMatch(run.stderr, /hunter2/);
  });

  it('stops at start, naming the setting, when Redis cannot be reached', () => {
    const run = refusedStart([], { BANTER_BUS: 'redis://127.0.0.1:1' });
    assert.equal(run.status, 2);
    assert.match(run.stderr, /cannot connect to Redis at redis:\/\/127\.0\.0\.1:1: .* \(--bus \/ BANTER_BUS\)/);
  });

  it('stops at start, naming the setting, on a schema name or Redis prefix it cannot use', () => {
    const schema = refusedStart(['--store', 'postgres://127.0.0.1:5432/test?schema=1bad-name']);
    assert.equal(schema.status, 2);
    assert.match(schema.stderr, /invalid schema name "1bad-name": .* \(--store \/ BANTER_STORE\)/);
    const prefix = refusedStart([], { BANTER_BUS: 'redis://127.0.0.1:6379/?prefix=bad%20prefix' });
    assert.equal(prefix.status, 2);
    assert.match(prefix.stderr, /invalid Redis prefix "bad prefix": .* \(--bus \/ BANTER_BUS\)/);
  });
});

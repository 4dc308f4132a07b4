import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { rmSync } from 'node:fs';
import { after, describe, it } from 'node:test';
import type { BanterClient } from '../../src/client/index.js';
import { newUser, record, waitUntil } from '../helpers/clients.js';
import { clusterSpace, clusterUnavailable } from '../helpers/cluster.js';
import { CLI, spawnServer, tempDir } from '../helpers/server.js';

const unavailable = await clusterUnavailable();
if (unavailable) console.log(`# skipping the --workers test: ${unavailable}`);

/** pids of the processes that logged a message. */
function pidsLogging(stdout: string[], msg: string): Set<number> {
  const pids = new Set<number>();
  for (const line of stdout) {
    try {
      const entry = JSON.parse(line) as { msg?: string; pid?: number };
      if (entry.msg === msg && entry.pid) pids.add(entry.pid);
    } catch {
      // not a log line
    }
  }
  return pids;
}

describe('banter server --workers', () => {
  it('refuses more than one worker without a shared store and bus, saying what to set', () => {
    const run = spawnSync(process.execPath, [CLI, 'server', '--workers', '2', '--data', tempDir()], { encoding: 'utf8', timeout: 20_000 });
    assert.equal(run.status, 2);
    assert.match(run.stderr, /--workers 2 needs a store and a bus the workers share: set --store \/ BANTER_STORE to a postgres:\/\/ URL and --bus \/ BANTER_BUS to a redis:\/\/ URL/);
  });

  it('runs N processes on the same ports that chat as one server, replaces one that dies, and stops them all on SIGTERM', { skip: unavailable, timeout: 60_000 }, async () => {
    const space = clusterSpace('workers');
    const data = tempDir();
    const clients: BanterClient[] = [];
    const server = await spawnServer(['--workers', '2', '--data', data, '--store', space.store, '--bus', space.bus, '--register-per-hour', '1000000']);
    after(async () => {
      for (const c of clients) c.close();
      server.child.kill('SIGKILL');
      rmSync(data, { recursive: true, force: true });
      await space.dispose();
    });
    await waitUntil(() => pidsLogging(server.stdout, 'listening').size === 2, { what: 'both workers listening', timeoutMs: 20_000 });
    const people = [];
    for (let i = 0; i < 6; i++) {
      const u = await newUser(server.port);
      clients.push(u.client);
      people.push(u);
    }
    // node:cluster hands connections out round-robin: both workers have users.
    await waitUntil(() => pidsLogging(server.stdout, 'logged in').size === 2, 'logins on both workers');
    const seen = people.map((p) => record(p.client, 'msg'));
    for (const p of people) await p.client.request('send', { to: '#lobby', text: `from ${p.name}` });
    await waitUntil(() => seen.every((s) => s.length === people.length), 'every message at every client');
    const orders = seen.map((s) => s.map((m) => m.seq).join(','));
    assert.equal(new Set(orders).size, 1, 'one order for everyone');
    const who = await people[0]!.client.request('who', {});
    for (const p of people) assert.ok(who.users.some((u) => u.user === p.name), `${p.name} is online in who`);

    // A worker killed outright is replaced, and the others go on serving.
    const [doomed] = [...pidsLogging(server.stdout, 'listening')];
    process.kill(doomed!, 'SIGKILL');
    await waitUntil(() => pidsLogging(server.stdout, 'listening').size === 3, { what: 'a replacement worker', timeoutMs: 20_000 });
    for (let i = 0; i < 2; i++) {
      const late = await newUser(server.port);
      clients.push(late.client);
      assert.ok((await late.client.request('send', { to: '#lobby', text: 'after the replacement' })).seq > people.length);
    }

    server.child.kill('SIGTERM');
    assert.equal(await server.exited, 0, 'the primary exits cleanly once its workers stopped');
    assert.equal(pidsLogging(server.stdout, 'stopped').size, 2, 'both workers stopped gracefully');
  });
});

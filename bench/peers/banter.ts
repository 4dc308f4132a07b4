import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { hashPassword } from '../../src/server/core/passwords.js';
import { hashToken, newToken } from '../../src/server/core/tokens.js';
import { SqliteStore } from '../../src/server/store/sqlite/sqlite-store.js';
import type { PeerServer } from './types.js';

const CLI = new URL('../../src/cli/main.js', import.meta.url).pathname;
export const BENCH_PASSWORD = 'bench-password-1';

export interface BanterOptions {
  /** Accounts u0..u{users-1}, all with the password BENCH_PASSWORD. */
  users: number;
  /** Session tokens per account; tokens[i] belongs to u{i % users}. */
  sessionsPerUser?: number;
  sync?: 'full' | 'normal';
  /** Extra server flags. */
  args?: string[];
  /** Node flags for the server process (e.g. --cpu-prof). */
  nodeArgs?: string[];
  /**
   * Keep the server's own connection limits (--max-connections, --max-connections-per-address,
   * --login-reserve) instead of lifting them: for a workload that measures those limits.
   */
  defaultConnectionLimits?: boolean;
  /** Reuse a data folder (durable: reopen after a crash); it is then not deleted on stop. */
  dataDir?: string;
}

/**
 * Accounts and their sessions written straight into a new data folder: setup is not what is
 * measured, and one password hash (argon2id, ~50 ms) serves every account.
 */
async function seed(data: string, users: number, sessionsPerUser: number): Promise<string[]> {
  const store = new SqliteStore(join(data, 'banter.db'), { synchronous: 'normal' });
  const passHash = await hashPassword(BENCH_PASSWORD);
  const ids: number[] = [];
  for (let u = 0; u < users; u++) ids.push((await store.users.create({ name: `u${u}`, key: `u${u}`, passHash, role: 'user', createdAt: Date.now() })).id);
  const tokens: string[] = [];
  const now = Date.now();
  for (let s = 0; s < sessionsPerUser; s++) {
    for (let u = 0; u < users; u++) {
      const token = newToken();
      await store.sessions.create({ tokenHash: hashToken(token), userId: ids[u]!, createdAt: now, expiresAt: now + 24 * 3600_000, revoked: false });
      tokens.push(token);
    }
  }
  await store.close();
  return tokens;
}

export async function startBanter(o: BanterOptions): Promise<PeerServer & { dataDir: string; child: ChildProcess }> {
  const dataDir = o.dataDir ?? mkdtempSync(join(tmpdir(), 'bench-banter-'));
  const tokens = o.dataDir ? [] : await seed(dataDir, o.users, o.sessionsPerUser ?? 1);
  // BENCH_PROFILE=dir: every Banter server writes a V8 CPU profile there (open in Chrome DevTools
  // or speedscope for a flame graph).
  const profile = process.env.BENCH_PROFILE ? ['--cpu-prof', '--cpu-prof-dir', process.env.BENCH_PROFILE] : [];
  const args = [
    ...profile,
    ...(o.nodeArgs ?? []),
    // BENCH_NODE_ARGS="--trace-gc ...": Node flags for every Banter server; its stdout is then shown.
    ...(process.env.BENCH_NODE_ARGS?.split(' ').filter(Boolean) ?? []),
    CLI,
    'server',
    '--host', '127.0.0.1',
    '--port', '0',
    '--http-port', '0',
    '--data', dataDir,
    '--log-level', 'warn',
    '--send-rate', '1000000',
    '--send-burst', '1000000',
    '--register-per-hour', '1000000',
    // Every benchmark client comes from loopback.
    ...(o.defaultConnectionLimits ? [] : ['--max-connections', '30000', '--max-connections-per-address', '1000000']),
    '--sync', o.sync ?? 'normal',
    ...(o.args ?? []),
  ];
  const child = spawn('sh', ['-c', 'ulimit -n $(ulimit -Hn); exec "$0" "$@"', process.execPath, ...args], {
    env: { ...process.env, BANTER_ADMIN_PASSWORD: 'bench-admin-1' },
    stdio: ['ignore', process.env.BENCH_NODE_ARGS ? 'inherit' : 'ignore', 'pipe'],
  });
  const exited = new Promise<void>((r) => child.once('exit', () => r()));
  const port = await new Promise<number>((resolve, reject) => {
    let err = '';
    const timer = setTimeout(() => reject(new Error(`banter did not start: ${err}`)), 30_000);
    child.stderr!.on('data', (d: Buffer) => {
      err += d.toString();
      const m = /listening on [^\s]+:(\d+) \(/.exec(err);
      if (m) {
        clearTimeout(timer);
        resolve(Number(m[1]));
      }
    });
    void exited.then(() => reject(new Error(`banter exited before listening: ${err}`)));
  });
  return {
    name: 'banter',
    protocol: 'banter',
    port,
    pid: child.pid!,
    tokens,
    dataDir,
    child,
    async stop() {
      if (child.exitCode === null && child.signalCode === null) {
        child.kill('SIGTERM');
        const t = setTimeout(() => child.kill('SIGKILL'), 5000);
        await exited;
        clearTimeout(t);
      }
      if (!o.dataDir) rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

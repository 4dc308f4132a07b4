import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadConfig, type ServerConfig } from '../../src/server/config.js';
import { createLogger } from '../../src/server/logger.js';
import { startServer, type RunningServer } from '../../src/server/server.js';

export const ADMIN_PASSWORD = 'admin-pass-123';
export const CLI = new URL('../../src/cli/main.js', import.meta.url).pathname;

export function tempDir(prefix = 'banter-test-'): string {
  return mkdtempSync(join(tmpdir(), prefix));
}

export interface TestServer extends RunningServer {
  dataDir: string;
  /** Stops the server and removes its data. */
  dispose(): Promise<void>;
}

/** A real server on an ephemeral loopback port, in this process, with its own data folder. */
export async function startTestServer(overrides: Partial<ServerConfig> = {}, dataDir = tempDir()): Promise<TestServer> {
  const config: ServerConfig = {
    // Every test client comes from loopback: one address, so no per-address cap unless a test sets one.
    ...loadConfig({ host: '127.0.0.1', port: 0, httpPort: 0, data: dataDir, logLevel: 'silent', sendRate: 10_000, sendBurst: 10_000, readRate: 10_000, readBurst: 10_000, registerPerHour: 1_000_000, maxConnectionsPerAddress: 1_000_000 }, {}),
    adminPassword: ADMIN_PASSWORD,
    ...overrides,
  };
  const server = await startServer(config, createLogger(config.logLevel));
  return {
    ...server,
    dataDir,
    async dispose() {
      await server.stop();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

export interface ServerProcess {
  child: ChildProcess;
  port: number;
  stdout: string[];
  stderr: () => string;
  /** Resolves with the exit code (or signal name). */
  exited: Promise<number | string>;
}

/** Runs `banter server` as a child process and waits for its "listening" log line. */
export function spawnServer(args: string[], env: NodeJS.ProcessEnv = {}): Promise<ServerProcess> {
  const child = spawn(process.execPath, [CLI, 'server', '--host', '127.0.0.1', '--port', '0', '--http-port', '0', '--max-connections-per-address', '1000000', ...args], {
    env: { ...process.env, BANTER_ADMIN_PASSWORD: ADMIN_PASSWORD, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const stdout: string[] = [];
  let err = '';
  const exited = new Promise<number | string>((resolve) => child.on('exit', (code, signal) => resolve(code ?? signal ?? -1)));
  return new Promise((resolve, reject) => {
    let buffered = '';
    const timer = setTimeout(() => reject(new Error(`server did not start: ${err}`)), 20_000);
    child.stderr!.on('data', (d: Buffer) => (err += d.toString()));
    child.stdout!.on('data', (d: Buffer) => {
      buffered += d.toString();
      let nl;
      while ((nl = buffered.indexOf('\n')) >= 0) {
        const line = buffered.slice(0, nl);
        buffered = buffered.slice(nl + 1);
        stdout.push(line);
        try {
          const entry = JSON.parse(line) as { msg?: string; tcp?: { port: number } };
          if (entry.msg === 'listening' && entry.tcp) {
            clearTimeout(timer);
            resolve({ child, port: entry.tcp.port, stdout, stderr: () => err, exited });
          }
        } catch {
          // not a log line
        }
      }
    });
    void exited.then((code) => {
      clearTimeout(timer);
      reject(new Error(`server exited (${code}) before listening: ${err}`));
    });
  });
}

import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { execFileSync } from 'node:child_process';
import { closeSync, openSync, readFileSync, rmSync, unlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { newUser, waitUntil } from '../helpers/clients.js';
import { ADMIN_PASSWORD, CLI, tempDir } from '../helpers/server.js';

/** Fills a file system until it refuses another byte. */
function fill(dir: string): string {
  const filler = join(dir, 'filler');
  const fd = openSync(filler, 'w');
  try {
    for (;;) writeFileSync(fd, Buffer.alloc(4096, 1));
  } catch (err) {
    assert.equal((err as NodeJS.ErrnoException).code, 'ENOSPC');
  } finally {
    closeSync(fd);
  }
  return filler;
}

describe('logging to a full disk', () => {
  it('keeps serving while stdout cannot be written, counts the lines dropped, and logs again once there is room', { timeout: 60_000 }, async (t) => {
    const mount = tempDir('banter-logfs-');
    try {
      execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=64k', 'tmpfs', mount], { stdio: 'ignore' });
    } catch {
      rmSync(mount, { recursive: true, force: true });
      return t.skip('cannot mount a small tmpfs here (needs root): not tried');
    }
    const data = tempDir();
    const logFile = join(mount, 'server.log');
    const logFd = openSync(logFile, 'w');
    const filler = fill(mount);
    const child = spawn(process.execPath, [CLI, 'server', '--host', '127.0.0.1', '--port', '0', '--http-port', '0', '--data', data, '--log-level', 'debug'], {
      env: { ...process.env, BANTER_ADMIN_PASSWORD: ADMIN_PASSWORD },
      stdio: ['ignore', logFd, 'pipe'],
    });
    closeSync(logFd);
    let stderr = '';
    child.stderr!.on('data', (d: Buffer) => (stderr += d.toString()));
    let exit: number | string | undefined;
    const exited = new Promise<void>((resolve) => child.on('exit', (code, signal) => resolve(void (exit = code ?? signal ?? -1))));
    try {
      await waitUntil(() => /listening on .*:\d+ \(TCP\)/.test(stderr) || exit !== undefined, { what: 'the server to start', timeoutMs: 20_000 });
      assert.equal(exit, undefined, `the server exited (${exit}): ${stderr}`);
      const [, tcp, http] = /listening on [^:]+:(\d+) \(TCP\) and [^:]+:(\d+)/.exec(stderr)!.map(Number);
      // Every login and message is logged (debug); none of it can be written.
      for (let i = 0; i < 5; i++) {
        const { client } = await newUser(tcp!);
        await client.request('send', { to: '#lobby', text: `while the disk is full ${i}` });
        client.close();
      }
      assert.equal(exit, undefined, `the server exited (${exit}): ${stderr}`);
      const dropped = async () => Number(/^banter_log_lines_dropped_total (\d+)/m.exec(await (await fetch(`http://127.0.0.1:${http}/metrics`)).text())?.[1] ?? 0);
      assert.ok((await dropped()) > 0, 'the dropped lines are counted');
      // Room again: the log picks up, and says how many lines it lost.
      unlinkSync(filler);
      const { client, name } = await newUser(tcp!);
      await waitUntil(() => readFileSync(logFile, 'utf8').includes(name), { what: 'the log to be written again', timeoutMs: 10_000 });
      assert.match(readFileSync(logFile, 'utf8'), /log lines dropped/);
      client.close();
      assert.equal(exit, undefined);
    } finally {
      child.kill('SIGTERM');
      // A server stuck in a blocking log write does not stop on SIGTERM.
      const killer = setTimeout(() => child.kill('SIGKILL'), 5000);
      await exited;
      clearTimeout(killer);
      execFileSync('umount', ['-l', mount]);
      rmSync(mount, { recursive: true, force: true });
      rmSync(data, { recursive: true, force: true });
    }
  });
});

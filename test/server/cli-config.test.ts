import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import { join, resolve } from 'node:path';
import { after, describe, it } from 'node:test';
import Database from 'better-sqlite3';
import { BanterError } from '../../src/client/index.js';
import { PASSWORD, connect, newUser } from '../helpers/clients.js';
import { SCHEMA_VERSION } from '../../src/server/store/migrations.js';
import { ADMIN_PASSWORD, CLI, spawnServer, tempDir, type ServerProcess } from '../helpers/server.js';
import { waitUntil } from '../helpers/wait.js';

const scratch = tempDir('banter-cli-');
after(() => rmSync(scratch, { recursive: true, force: true }));
let dirs = 0;
function freshDir(): string {
  const dir = join(scratch, `d${++dirs}`);
  mkdirSync(dir);
  return dir;
}

/** The environment without any BANTER_* variable of the machine running the tests. */
function cleanEnv(extra: NodeJS.ProcessEnv): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [k, v] of Object.entries(process.env)) if (!k.startsWith('BANTER_')) env[k] = v;
  // A free HTTP port, so that parallel test servers never fight over the default 8080.
  return { ...env, BANTER_ADMIN_PASSWORD: ADMIN_PASSWORD, BANTER_HTTP_PORT: '0', ...extra };
}

interface Launched {
  /** The "listening" log entry, or the exit if the process ended first. */
  listening: Promise<{ tcp: { host: string; port: number }; data: string }>;
  /** Exit code (or signal) once the process has ended and its output is all read. */
  closed: Promise<{ code: number | null; signal: string | null; stdout: string; stderr: string }>;
  kill(signal?: NodeJS.Signals): void;
}

/**
 * Runs `banter server` exactly as given (unlike spawnServer, no --host/--port are added), in a
 * scratch working folder so a default ./data never lands in the repository. Killed after 15 s.
 */
function launch(args: string[], env: NodeJS.ProcessEnv = {}): Launched {
  const child = spawn(process.execPath, [CLI, 'server', ...args], { cwd: freshDir(), env: cleanEnv(env), stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
  child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
  const timer = setTimeout(() => child.kill('SIGKILL'), 15_000);
  const closed = once(child, 'close').then(([code, signal]) => {
    clearTimeout(timer);
    return { code: code as number | null, signal: signal as string | null, stdout, stderr };
  });
  const listening = new Promise<{ tcp: { host: string; port: number }; data: string }>((resolveListening, reject) => {
    const check = (): void => {
      for (const line of stdout.split('\n')) {
        try {
          const entry = JSON.parse(line) as { msg?: string; tcp?: { host: string; port: number }; data?: string };
          if (entry.msg === 'listening' && entry.tcp) return resolveListening(entry as { tcp: { host: string; port: number }; data: string });
        } catch {
          // not a whole log line yet
        }
      }
    };
    child.stdout.on('data', check);
    void closed.then((c) => reject(new Error(`exited (${c.code ?? c.signal}) before listening: ${c.stderr}`)));
  });
  listening.catch(() => undefined);
  return { listening, closed, kill: (signal = 'SIGTERM') => child.kill(signal) };
}

/**
 * Runs a start that must fail: exit code 2, a clear message on stderr without a stack trace. A
 * process that starts listening instead is stopped at once and the test fails.
 */
async function refusedStart(args: string[], env: NodeJS.ProcessEnv = {}): Promise<string> {
  const run = launch(args, env);
  const first = await Promise.race([run.closed, run.listening.then((l) => l, () => null)]);
  if (first && 'tcp' in first) {
    run.kill('SIGKILL');
    await run.closed;
    assert.fail(`banter server ${args.join(' ')} started listening on port ${first.tcp.port} instead of refusing`);
  }
  const { code, signal, stdout, stderr } = await run.closed;
  assert.equal(code, 2, `exit code (signal ${signal}); stderr: ${stderr}`);
  assert.match(stderr, /^banter: /, 'the message says who is speaking');
  assert.doesNotMatch(stderr, /^\s+at /m, `a start-up problem gets a message, not a stack trace: ${stderr}`);
  assert.doesNotMatch(stdout, /"listening"/);
  return stderr;
}

function freePort(): Promise<number> {
  return new Promise((resolvePort, reject) => {
    const probe = net.createServer();
    probe.once('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const { port } = probe.address() as net.AddressInfo;
      probe.close(() => resolvePort(port));
    });
  });
}

async function stop(p: ServerProcess): Promise<void> {
  if (p.child.exitCode !== null || p.child.signalCode !== null) return;
  const closed = once(p.child, 'close');
  p.child.kill('SIGTERM');
  await closed;
}

describe('banter server: settings and start-up', () => {
  it('refuses a --port that is not a port, naming the setting, the value and the flag', async () => {
    const bad = ['abc', '70000', '-1', '80.5'];
    const messages = await Promise.all(bad.map((value) => refusedStart(['--host', '127.0.0.1', '--port', value, '--data', freshDir()])));
    bad.forEach((value, i) => {
      const stderr = messages[i]!;
      assert.match(stderr, /\bport\b/, stderr);
      assert.ok(stderr.includes(`"${value}"`), `names the value ${value}: ${stderr}`);
      assert.match(stderr, /--port/, `names the flag: ${stderr}`);
    });
  });

  it('refuses a bad BANTER_PORT, naming the variable', async () => {
    const bad = ['abc', '70000'];
    const messages = await Promise.all(bad.map((value) => refusedStart(['--host', '127.0.0.1', '--data', freshDir()], { BANTER_PORT: value })));
    bad.forEach((value, i) => {
      const stderr = messages[i]!;
      assert.match(stderr, /\bport\b/, stderr);
      assert.ok(stderr.includes(`"${value}"`), `names the value ${value}: ${stderr}`);
      assert.match(stderr, /BANTER_PORT/, `names the variable: ${stderr}`);
      assert.doesNotMatch(stderr, /--port/, `the flag was not used, so it is not blamed: ${stderr}`);
    });
  });

  it('refuses an empty or blank port, and a port of the wrong type in a config file, instead of picking one', async () => {
    const boolFile = join(freshDir(), 'bool-port.json');
    writeFileSync(boolFile, JSON.stringify({ port: true }));
    const cases: [string, string[], NodeJS.ProcessEnv, RegExp][] = [
      ['--port ""', ['--port', ''], {}, /--port/],
      ['--port " "', ['--port', ' '], {}, /--port/],
      ['BANTER_PORT=" "', [], { BANTER_PORT: ' ' }, /BANTER_PORT/],
      ['{"port": true} in a config file', ['--config', boolFile], {}, /bool-port\.json/],
    ];
    const outcomes = await Promise.all(
      cases.map(([what, args, env, source]) =>
        refusedStart(['--host', '127.0.0.1', ...args, '--data', freshDir()], env).then(
          (stderr) => (/\bport\b/.test(stderr) && source.test(stderr) ? 'refused' : `refused unclearly: ${stderr.trim()}`),
          (err: unknown) => (err instanceof Error ? err.message : String(err)),
        ).then((outcome) => `${what}: ${outcome}`),
      ),
    );
    assert.deepEqual(
      outcomes,
      cases.map(([what]) => `${what}: refused`),
    );
  });

  it('says so when the port is already in use', async () => {
    const taken = net.createServer();
    await new Promise<void>((r) => taken.listen(0, '127.0.0.1', r));
    const { port } = taken.address() as net.AddressInfo;
    try {
      const stderr = await refusedStart(['--host', '127.0.0.1', '--port', String(port), '--data', freshDir()]);
      assert.match(stderr, /already in use/, stderr);
      assert.ok(stderr.includes(String(port)), `names the port: ${stderr}`);
      assert.match(stderr, /--port|BANTER_PORT/, `says how to choose another: ${stderr}`);
    } finally {
      taken.close();
    }
  });

  it('says so when the data folder cannot be written', async () => {
    const file = join(freshDir(), 'plain-file');
    writeFileSync(file, 'not a folder');
    const data = join(file, 'data');
    const stderr = await refusedStart(['--host', '127.0.0.1', '--port', '0', '--data', data]);
    assert.match(stderr, /data folder/, stderr);
    assert.ok(stderr.includes(data), `names the folder: ${stderr}`);
    assert.match(stderr, /--data|BANTER_DATA/, `names the setting: ${stderr}`);
  });

  it('refuses a database written by a newer Banter, saying what to do', async () => {
    const data = freshDir();
    const db = new Database(join(data, 'banter.db'));
    db.pragma(`user_version = ${SCHEMA_VERSION + 1}`);
    db.close();
    const stderr = await refusedStart(['--host', '127.0.0.1', '--port', '0', '--data', data]);
    assert.match(stderr, /newer/, stderr);
    assert.match(stderr, /upgrade/i, stderr);
  });

  it('with --port 0, logs the port it really listens on', async () => {
    const data = freshDir();
    const server = await spawnServer(['--data', data]);
    try {
      assert.ok(Number.isInteger(server.port) && server.port > 0 && server.port <= 65535, `logged port ${server.port}`);
      const entry = JSON.parse(server.stdout.find((l) => l.includes('"listening"'))!) as { tcp: { host: string; port: number }; http: { port: number }; data: string };
      assert.deepEqual(entry.tcp, { host: '127.0.0.1', port: server.port });
      assert.equal(entry.data, resolve(data));
      assert.ok(entry.http.port > 0 && entry.http.port !== 8080, 'the HTTP port was picked too (--http-port 0)');
      const client = await connect(server.port);
      assert.deepEqual(await client.request('hello', {}), { server: 'banter', proto: 1, http_port: entry.http.port });
      client.close();
    } finally {
      await stop(server);
    }
  });

  it('applies a config file, below environment variables and flags', { timeout: 20_000 }, async () => {
    const data = freshDir();
    const port = await freePort();
    const file = join(freshDir(), 'banter.json');
    writeFileSync(file, JSON.stringify({ host: '127.0.0.1', port, data, sendRate: 0.001, sendBurst: 2 }));

    const fromFile = launch(['--config', file]);
    try {
      const listening = await fromFile.listening;
      assert.deepEqual(listening.tcp, { host: '127.0.0.1', port }, 'host and port come from the file');
      assert.equal(listening.data, resolve(data), 'the data folder comes from the file');
      const { client } = await newUser(port);
      await client.request('send', { to: '#lobby', text: 'one' });
      await client.request('send', { to: '#lobby', text: 'two' });
      const err = await client.request('send', { to: '#lobby', text: 'three' }).then(
        () => assert.fail('a third send went through: sendBurst 2 from the file was not applied'),
        (e: unknown) => e,
      );
      assert.ok(err instanceof BanterError && err.code === 'RATE_LIMITED', String(err));
      client.close();
    } finally {
      fromFile.kill();
      assert.equal((await fromFile.closed).code, 0);
    }

    // A flag beats the file (port), and so does an environment variable (sendBurst).
    const overridden = launch(['--config', file, '--port', '0'], { BANTER_SEND_BURST: '4' });
    try {
      const listening = await overridden.listening;
      assert.notEqual(listening.tcp.port, port, '--port 0 beats the file');
      assert.equal(listening.data, resolve(data));
      const { client } = await newUser(listening.tcp.port);
      for (let i = 0; i < 4; i++) await client.request('send', { to: '#lobby', text: `m${i}` });
      const err = await client.request('send', { to: '#lobby', text: 'fifth' }).then(
        () => assert.fail('a fifth send went through'),
        (e: unknown) => e,
      );
      assert.ok(err instanceof BanterError && err.code === 'RATE_LIMITED', String(err));
      client.close();
    } finally {
      overridden.kill();
      assert.equal((await overridden.closed).code, 0);
    }
  });

  it('refuses a config file with an unknown setting, or a bad value, naming the file and the key', async () => {
    const file = join(freshDir(), 'typo.json');
    writeFileSync(file, JSON.stringify({ port: 0, colour: 'blue' }));
    const badValue = join(freshDir(), 'bad-port.json');
    writeFileSync(badValue, JSON.stringify({ port: 'abc' }));
    const notJson = join(freshDir(), 'broken.json');
    writeFileSync(notJson, '{ "port": ');
    const [viaFlag, viaEnv, wrongValue, broken] = await Promise.all([
      refusedStart(['--config', file, '--data', freshDir()]),
      refusedStart(['--data', freshDir()], { BANTER_CONFIG: file }),
      refusedStart(['--config', badValue, '--data', freshDir()]),
      refusedStart(['--config', notJson, '--data', freshDir()]),
    ]);
    for (const stderr of [viaFlag!, viaEnv!]) {
      assert.match(stderr, /unknown setting/, stderr);
      assert.match(stderr, /colour/, `names the key: ${stderr}`);
      assert.ok(stderr.includes(file), `names the file: ${stderr}`);
    }
    assert.match(wrongValue!, /\bport\b/, wrongValue);
    assert.match(wrongValue!, /"abc"/, wrongValue);
    assert.ok(wrongValue!.includes(`${badValue}: "port"`), `names the file and key as the source: ${wrongValue}`);
    assert.ok(broken!.includes(notJson), broken);
  });

  it('without BANTER_ADMIN_PASSWORD, prints a generated admin password once, on the first start only', { timeout: 20_000 }, async () => {
    const data = freshDir();
    const first = await spawnServer(['--data', data], { BANTER_ADMIN_PASSWORD: '' });
    let password: string;
    try {
      const closed = once(first.child, 'close');
      await waitUntil(() => /password: \S+/.test(first.stderr()), { what: 'the generated password', timeoutMs: 5000, state: first.stderr });
      const shown = [...first.stderr().matchAll(/password: (\S+)/g)];
      assert.equal(shown.length, 1, `the password is printed exactly once: ${first.stderr()}`);
      password = shown[0]![1]!;
      assert.ok(password.length >= 12, `a password of some strength: ${password}`);
      assert.ok(!first.stdout.some((l) => l.includes(password)), 'the password stays out of the logs on stdout');

      const admin = await connect(first.port);
      const login = await admin.request('login', { user: 'admin', password });
      assert.deepEqual([login.user, login.role], ['admin', 'admin']);
      admin.close();
      first.child.kill('SIGTERM');
      await closed;
      assert.equal(first.child.exitCode, 0);
      assert.equal([...first.stderr().matchAll(/password: /g)].length, 1, 'printed once over the whole run');
    } finally {
      await stop(first);
    }

    const second = await spawnServer(['--data', data], { BANTER_ADMIN_PASSWORD: '' });
    try {
      const admin = await connect(second.port);
      const login = await admin.request('login', { user: 'admin', password });
      assert.equal(login.role, 'admin', 'the generated password still works after a restart');
      admin.close();
      const wrong = await connect(second.port);
      const err = await wrong.request('login', { user: 'admin', password: PASSWORD }).then(
        () => assert.fail('admin logged in with a password that was never set'),
        (e: unknown) => e,
      );
      assert.ok(err instanceof BanterError && err.code === 'BAD_CREDENTIALS', String(err));
      wrong.close();
    } finally {
      await stop(second);
    }
    assert.doesNotMatch(second.stderr(), /password/i, `a second start prints no password: ${second.stderr()}`);
  });
});

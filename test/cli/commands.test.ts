import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import net from 'node:net';
import { after, before, describe, it } from 'node:test';
import type { BanterClient } from '../../src/client/index.js';
import { dateTime } from '../../src/client/display.js';
import type { ChatMessage } from '../../src/protocol/index.js';
import { PASSWORD, adminClient, newUser, nextEvent, record, uniqueName } from '../helpers/clients.js';
import { newIrcUser } from '../helpers/irc-client.js';
import { ADMIN_PASSWORD, CLI, startTestServer, type TestServer } from '../helpers/server.js';
import { waitUntil } from '../helpers/wait.js';

// `banter send`, `banter listen`, `banter admin` and `banter register`, run as real processes against a server in
// this process. Every wait is bounded: a CLI process is killed after RUN_LIMIT_MS.

const RUN_LIMIT_MS = 8000;
/** The CLI's time for people (local `YYYY-MM-DD HH:MM:SS`) and for programs (ISO 8601, UTC). */
const LOCAL_TIME = '\\d{4}-\\d\\d-\\d\\d \\d\\d:\\d\\d:\\d\\d';
const ISO_TIME = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/;

interface Outcome {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

/** The environment without any BANTER_* variable of the machine running the tests. */
function cleanEnv(extra: NodeJS.ProcessEnv): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [k, v] of Object.entries(process.env)) if (!k.startsWith('BANTER_')) env[k] = v;
  return { ...env, ...extra };
}

interface Running {
  child: ChildProcess;
  /** Resolves once the process has ended and all its output is read. */
  closed: Promise<Outcome>;
  stdout(): string;
  stderr(): string;
}

function start(args: string[], env: NodeJS.ProcessEnv, input?: string): Running {
  const child = spawn(process.execPath, [CLI, ...args], { env: cleanEnv(env), stdio: ['pipe', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
  child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
  child.stdin.on('error', () => undefined); // the CLI may exit without reading its stdin
  child.stdin.end(input);
  const timer = setTimeout(() => child.kill('SIGKILL'), RUN_LIMIT_MS);
  const closed = once(child, 'close').then(([code, signal]) => {
    clearTimeout(timer);
    return { code: code as number | null, signal: signal as NodeJS.Signals | null, stdout, stderr };
  });
  return { child, closed, stdout: () => stdout, stderr: () => stderr };
}

function run(args: string[], env: NodeJS.ProcessEnv, input?: string): Promise<Outcome> {
  return start(args, env, input).closed;
}

function lines(text: string): string[] {
  return text.split('\n').filter((l) => l !== '');
}

function assertRefused(out: Outcome, pattern: RegExp): void {
  assert.equal(out.code, 2, `exit code; stderr: ${out.stderr}`);
  assert.match(out.stderr, pattern);
  assert.equal(lines(out.stderr).length, 1, `one line: ${out.stderr}`);
  assert.equal(out.stdout, '');
}

/**
 * A server for a describe (started before its tests, disposed of after them), the environment
 * of a CLI run as a user, and new users with a client of their own.
 */
function cliSuite(overrides: Parameters<typeof startTestServer>[0] = {}) {
  let started: TestServer | undefined;
  const clients: BanterClient[] = [];
  const server = (): TestServer => started!;
  const as = (user: string, password = PASSWORD): NodeJS.ProcessEnv => ({ BANTER_SERVER: `127.0.0.1:${server().tcpPort}`, BANTER_USER: user, BANTER_PASSWORD: password });
  before(async () => {
    started = await startTestServer(overrides);
  });
  after(async () => {
    for (const c of clients) c.close();
    await started?.dispose();
  });
  return {
    server,
    as,
    /** Closes this client after the tests. */
    keep: (client: BanterClient): void => void clients.push(client),
    adminEnv: (): NodeJS.ProcessEnv => as('admin', ADMIN_PASSWORD),
    user: async (): Promise<{ client: BanterClient; name: string }> => {
      const u = await newUser(server().tcpPort);
      clients.push(u.client);
      return u;
    },
  };
}

describe('banter send, listen, admin', { concurrency: true, timeout: 20_000 }, () => {
  const { as, adminEnv, user, server, keep } = cliSuite();
  const history = async (client: BanterClient, conv: string): Promise<ChatMessage[]> => (await client.request('history', { conv })).messages;

  it('send prints the stored seq, and the message is in the history', async () => {
    const alice = await user();
    const bob = await user();
    const out = await run(['send', '--to', '#lobby', 'hello', 'from', 'the', 'shell'], as(alice.name));
    assert.equal(out.code, 0, out.stderr);
    assert.match(out.stdout, /^\d+\n$/);
    const seq = Number(out.stdout);
    const stored = (await history(bob.client, '#lobby')).find((m) => m.seq === seq);
    assert.deepEqual({ from: stored?.from, text: stored?.text }, { from: alice.name, text: 'hello from the shell' });

    const sticker = await run(['send', '--to', `@${bob.name.toUpperCase()}`, '--sticker', 'wave'], as(alice.name));
    assert.equal(sticker.stdout, '1\n', sticker.stderr);
    assert.deepEqual((await history(bob.client, `@${alice.name}`)).map((m) => [m.seq, m.sticker]), [[1, 'wave']]);
  });

  it('send reads the text from stdin, also after a --password-stdin line', async () => {
    const alice = await user();
    const bob = await user();
    const piped = await run(['send', '--to', `@${bob.name}`], as(alice.name), 'first line\nsecond line\n');
    assert.equal(piped.stdout, '1\n', piped.stderr);
    const { BANTER_PASSWORD: _, ...noPassword } = as(alice.name);
    const both = await run(['send', '--to', `@${bob.name}`, '--password-stdin'], noPassword, `${PASSWORD}\nafter the password\n`);
    assert.equal(both.stdout, '2\n', both.stderr);
    assert.deepEqual(
      (await history(bob.client, `@${alice.name}`)).map((m) => m.text),
      ['first line\nsecond line', 'after the password'],
    );
    assertRefused(await run(['send', '--to', '#lobby'], as(alice.name), ''), /^banter: nothing to send/);
  });

  it('listen prints what others send, one human line each, and exits 0 on SIGTERM', async () => {
    const alice = await user();
    const bob = await user();
    const admin = await adminClient(server().tcpPort);
    keep(admin);
    const listen = start(['listen'], as(alice.name));
    await waitUntil(() => listen.stderr().includes('listening as'), { what: 'listen to be ready', timeoutMs: 5000, state: listen.stderr });
    // The server refuses escape characters; a newline and a tab pass and are shown escaped.
    await bob.client.request('send', { to: '#lobby', text: 'hi all\n\tno escapes' });
    await bob.client.request('send', { to: `@${alice.name}`, sticker: 'coffee' });
    await admin.request('notice', { text: 'maintenance at noon' });
    // Other tests run at the same time: their lobby messages and notices show up here too.
    const name = bob.name.replace(/[.]/g, '\\.');
    const expected = [
      new RegExp(`^${LOCAL_TIME} \\[#lobby\\] ${name}: hi all\\\\n\tno escapes$`, 'm'),
      new RegExp(`^${LOCAL_TIME} \\[@${name}\\] ${name}: ☕$`, 'm'),
      new RegExp(`^${LOCAL_TIME} \\*\\*\\* admin: maintenance at noon$`, 'm'),
    ];
    await waitUntil(() => expected.every((re) => re.test(listen.stdout())), { what: 'the three lines', timeoutMs: 5000, state: listen.stdout });
    listen.child.kill('SIGTERM');
    const out = await listen.closed;
    assert.equal(out.code, 0, out.stderr);
    const mine = lines(out.stdout).filter((l) => expected.some((re) => re.test(l)));
    assert.equal(mine.length, 3, `each once, in order: ${out.stdout}`);
    mine.forEach((line, i) => assert.match(line, expected[i]!));
  });

  it('listen --json prints the messages as the protocol carries them, times in ISO 8601; --conv keeps one conversation', async () => {
    const alice = await user();
    const bob = await user();
    const listen = start(['listen', '--json', '--conv', `@${bob.name.toUpperCase()}`], as(alice.name));
    await waitUntil(() => listen.stderr().includes('listening as'), { what: 'listen to be ready', timeoutMs: 5000, state: listen.stderr });
    await bob.client.request('send', { to: '#lobby', text: 'not for this listener' });
    const sent = await bob.client.request('send', { to: `@${alice.name}`, text: 'just for you' });
    await waitUntil(() => listen.stdout().includes('just for you'), { what: 'the private message', timeoutMs: 5000, state: listen.stdout });
    listen.child.kill('SIGINT');
    const out = await listen.closed;
    assert.equal(out.code, 0, out.stderr);
    const printed = lines(out.stdout).map((l) => JSON.parse(l) as Record<string, unknown>);
    // Notices (of tests running at the same time) pass the filter; messages of other conversations do not.
    assert.ok(printed.every((p) => p.ev === 'msg' || (p.ev === 'notice' && typeof p.text === 'string' && ISO_TIME.test(String(p.ts)))), out.stdout);
    assert.deepEqual(printed.filter((p) => p.ev === 'msg'), [{ ev: 'msg', conv: `@${bob.name}`, seq: sent.seq, ts: new Date(sent.ts).toISOString(), from: bob.name, text: 'just for you' }]);
  });

  it('listen exits 3 when an administrator kicks its user', async () => {
    const alice = await user();
    const listen = start(['listen'], as(alice.name));
    await waitUntil(() => listen.stderr().includes('listening as'), { what: 'listen to be ready', timeoutMs: 5000, state: listen.stderr });
    const kick = await run(['admin', 'kick', alice.name, '--reason', 'enough'], adminEnv());
    assert.deepEqual([kick.code, kick.stdout], [0, `kicked ${alice.name}\n`], kick.stderr);
    const out = await listen.closed;
    assert.equal(out.code, 3, out.stderr);
    assert.match(out.stderr, /^banter: kicked: enough$/m);
  });

  it('admin mute makes a later send fail with MUTED (exit 2); unmute lifts it; audit shows both', async () => {
    const erin = await user();
    const mute = await run(['admin', 'mute', erin.name, '--minutes', '10', '--reason', 'calm down'], adminEnv());
    assert.equal(mute.code, 0, mute.stderr);
    assert.match(mute.stdout, new RegExp(`^muted ${erin.name} until ${LOCAL_TIME}\\n$`));
    assertRefused(await run(['send', '--to', '#lobby', 'let me speak'], as(erin.name)), /^banter: MUTED: you are muted/);
    const unmute = await run(['admin', 'unmute', erin.name], adminEnv());
    assert.deepEqual([unmute.code, unmute.stdout], [0, `unmuted ${erin.name}\n`], unmute.stderr);
    assert.equal((await run(['send', '--to', '#lobby', 'thanks'], as(erin.name))).code, 0);

    const audit = await run(['admin', 'audit', '--json', '--limit', '200'], adminEnv());
    assert.equal(audit.code, 0, audit.stderr);
    const mine = lines(audit.stdout)
      .map((l) => JSON.parse(l) as { ts: string; action: string; target: string | null; detail: string | null })
      .filter((e) => e.target === erin.name);
    assert.deepEqual(
      mine.map((e) => [e.action, e.detail]),
      [['unmute', null], ['mute', 'calm down']],
    );
    // One time format: ISO 8601 in --json, and the same instant in local time for people.
    const muted = mine[1]!;
    assert.match(muted.ts, ISO_TIME);
    const human = await run(['admin', 'audit'], adminEnv());
    assert.match(human.stdout, new RegExp(`^${dateTime(Date.parse(muted.ts))} admin mute ${erin.name}: calm down$`, 'm'));
  });

  it('admin actions by a non-administrator get FORBIDDEN, exit 2', async () => {
    const alice = await user();
    const bob = await user();
    assertRefused(await run(['admin', 'kick', bob.name], as(alice.name)), /^banter: FORBIDDEN: /);
    await bob.client.request('ping', {}); // bob was not kicked: still connected
    assertRefused(await run(['admin', 'kick', 'nobody_here'], adminEnv()), /^banter: NO_SUCH_USER: /);
  });

  it('refuses a wrong password (BAD_CREDENTIALS), a missing user or password, and a --password flag', async () => {
    const alice = await user();
    assertRefused(await run(['send', '--to', '#lobby', 'hi'], as(alice.name, 'not-the-password')), /^banter: BAD_CREDENTIALS: /);
    const { BANTER_PASSWORD: _, ...noPassword } = as(alice.name);
    for (const command of [['send', '--to', '#lobby', 'hi'], ['listen'], ['admin', 'audit']]) {
      assertRefused(await run(command, noPassword), /^banter: no password given: .*--password-stdin.*BANTER_PASSWORD/);
    }
    const { BANTER_USER: _u, ...noUser } = as(alice.name);
    assertRefused(await run(['send', '--to', '#lobby', 'hi'], noUser), /^banter: no user given: .*--user.*BANTER_USER/);
    assertRefused(await run(['send', '--to', '#lobby', '--password-stdin', 'hi'], noPassword, ''), /^banter: --password-stdin: /);
    // The right password as a flag is refused all the same, and nothing is sent.
    for (const flag of [['--password', PASSWORD], [`--password=${PASSWORD}`]]) {
      assertRefused(await run(['send', '--to', `@${alice.name}`, ...flag, 'via a flag'], noPassword), /^banter: there is no --password flag/);
    }
    assert.deepEqual(await history(alice.client, `@${alice.name}`), []);
  });

  it('says so when the server cannot be reached or --server is malformed', async () => {
    const alice = await user();
    const probe = net.createServer();
    await new Promise<void>((r) => probe.listen(0, '127.0.0.1', r));
    const { port } = probe.address() as net.AddressInfo;
    await new Promise((r) => probe.close(r));
    assertRefused(
      await run(['send', '--to', '#lobby', 'hi'], { ...as(alice.name), BANTER_SERVER: `127.0.0.1:${port}` }),
      new RegExp(`^banter: cannot connect to 127\\.0\\.0\\.1:${port}: connection refused`),
    );
    assertRefused(await run(['send', '--server', 'localhost', '--to', '#lobby', 'hi'], as(alice.name)), /^banter: --server "localhost" is not a server address: the port is missing/);
    assertRefused(await run(['listen'], { ...as(alice.name), BANTER_SERVER: 'host:99999' }), /^banter: BANTER_SERVER "host:99999" is not a server address/);
  });
});

// Run after the suite above, not beside it: CLI processes are slow to start on a busy machine.
describe('banter register, and one-command sessions', { timeout: 30_000 }, () => {
  const { as, user, server } = cliSuite({ ircPort: 0 });

  it('register creates an account from a script (password from env or stdin); refusals exit 2', async () => {
    const bot = uniqueName('bot');
    const made = await run(['register'], as(bot));
    assert.deepEqual([made.code, made.stdout], [0, `registered ${bot}\n`], made.stderr);
    assert.equal((await run(['send', '--to', '#lobby', 'a bot says hi'], as(bot))).code, 0, 'the new account logs in');
    assertRefused(await run(['register'], as(bot.toUpperCase())), /^banter: USER_EXISTS: /);
    const { BANTER_PASSWORD: _, ...noPassword } = as(uniqueName('bot'));
    const piped = await run(['register', '--password-stdin'], noPassword, `${PASSWORD}\n`);
    assert.deepEqual([piped.code, piped.stdout], [0, `registered ${noPassword.BANTER_USER}\n`], piped.stderr);
    assertRefused(await run(['register'], as(uniqueName('bot'), 'short')), /^banter: WEAK_PASSWORD: /);
    assertRefused(await run(['register'], noPassword), /^banter: no password given: /);
  });

  it('send: one-command sessions change no presence (no JOIN/QUIT on IRC, no presence event)', async () => {
    const bot = uniqueName('bot');
    assert.equal((await run(['register'], as(bot))).code, 0);
    const { irc } = await newIrcUser(server());
    const watcher = await user();
    const presence = record(watcher.client, 'presence');
    const ircFrom = irc.lines.length;
    for (const text of ['deploy started', 'deploy finished']) {
      const out = await run(['send', '--to', '#lobby', text], as(bot));
      assert.equal(out.code, 0, out.stderr);
    }
    // The marker: sent after the CLI processes ended, so their logouts came before it (presence,
    // though gathered for up to 50 ms, never arrives after a later message).
    const ownMarker = nextEvent(watcher.client, 'msg', (m) => m.text === `marker ${bot}`);
    await watcher.client.request('send', { to: '#lobby', text: `marker ${bot}` });
    await ownMarker;
    await irc.expect((l) => l.command === 'PRIVMSG' && l.params[1] === `marker ${bot}`);
    const seen = irc.lines.slice(ircFrom);
    assert.deepEqual(seen.filter((l) => l.command === 'PRIVMSG' && l.source?.startsWith(`${bot}!`)).map((l) => l.params[1]), ['deploy started', 'deploy finished']);
    assert.deepEqual(seen.filter((l) => ['JOIN', 'QUIT', 'PART'].includes(l.command) && l.source?.startsWith(`${bot}!`)).map((l) => l.raw), [], 'no JOIN or QUIT for the bot');
    assert.deepEqual(presence.filter((p) => p.user === bot), [], 'no presence event for one-command sessions');
    assert.ok(!(await watcher.client.request('who', {})).users.some((u) => u.user === bot));
    irc.close();
  });
});

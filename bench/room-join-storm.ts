/**
 * Room join storm: N users, all online, join one room at once. Counts the room events (`joined`,
 * `left`, `members`) every member receives, and the time until every join is answered and every
 * member knows the final member count. Runs twice on private server processes: with the default
 * --room-quiet-size (joins batched once the room is big) and with batching off, the way IRC
 * servers announce every JOIN to every member (n²/2 lines).
 *
 * Budget (checked, exit code 1 if missed): with batching, at most q(q+1)/2 + N + N per batch
 * (one batch per second of the storm, plus one), q being the quiet size; and the storm done
 * within the time limit. Loopback only, bounded in count and time.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import net from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { hashToken, newToken } from '../src/server/core/tokens.js';
import { SqliteStore } from '../src/server/store/sqlite/sqlite-store.js';

const MEMBERS = Number(process.env.BENCH_ROOM_MEMBERS ?? 2000);
const QUIET = Number(process.env.BENCH_ROOM_QUIET ?? 500);
const TIME_LIMIT_MS = 60_000;
// Logging everyone in costs the n²/2 presence lines of today's global presence (not measured here).
const SETUP_LIMIT_MS = 240_000;
const CLI = new URL('../src/cli/main.js', import.meta.url).pathname;

interface Member {
  socket: net.Socket;
  loggedIn: boolean;
  joined: boolean;
  roomEvents: number;
  roomBytes: number;
  lastCount: number;
}

interface Result {
  mode: string;
  events: number;
  bytes: number;
  answeredMs: number;
  convergedMs: number;
  converged: boolean;
}

function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const s = net.createServer().listen(0, '127.0.0.1', () => {
      const { port } = s.address() as net.AddressInfo;
      s.close(() => resolve(port));
    });
  });
}

/** Users, tokens and the room's owner, written straight into a new data folder (not measured). */
async function seed(data: string): Promise<string[]> {
  const store = new SqliteStore(join(data, 'banter.db'), { synchronous: 'normal' });
  const tokens: string[] = [];
  for (let i = 0; i <= MEMBERS; i++) {
    const user = await store.users.create({ name: `u${i}`, key: `u${i}`, passHash: 'unused', role: 'user', createdAt: Date.now() });
    const token = newToken();
    await store.sessions.create({ tokenHash: hashToken(token), userId: user.id, createdAt: Date.now(), expiresAt: Date.now() + 3600_000, revoked: false });
    tokens.push(token);
    if (i === 0) await store.rooms.create({ key: '#storm', name: '#storm', topic: 'join storm', private: false, ownerId: user.id, createdAt: Date.now() });
  }
  await store.close();
  return tokens;
}

async function startServer(data: string, quiet: number): Promise<{ port: number; child: ChildProcess }> {
  const port = await freePort();
  const args = [CLI, 'server', '--host', '127.0.0.1', '--port', String(port), '--http-port', '0', '--data', data, '--log-level', 'warn', '--sync', 'normal', '--room-quiet-size', String(quiet), '--max-outbound-kib', '65536', '--max-connections-per-address', '1000000'];
  const child = spawn(process.execPath, args, { env: { ...process.env, BANTER_ADMIN_PASSWORD: 'bench-admin-1' }, stdio: ['ignore', 'ignore', 'pipe'] });
  await new Promise<void>((resolve, reject) => {
    child.stderr!.on('data', (d: Buffer) => (d.toString().includes('listening on') ? resolve() : process.stderr.write(`server: ${d.toString()}`)));
    child.once('exit', (code) => reject(new Error(`banter exited ${code}`)));
  });
  return { port, child };
}

async function open(port: number, token: string): Promise<Member> {
  const socket = net.connect(port, '127.0.0.1');
  await new Promise((r) => socket.once('connect', r));
  socket.on('error', (err) => process.stderr.write(`client socket: ${err.message}\n`));
  const m: Member = { socket, loggedIn: false, joined: false, roomEvents: 0, roomBytes: 0, lastCount: 0 };
  let rest = '';
  socket.on('data', (d: Buffer) => {
    const text = rest + d.toString('latin1');
    let from = 0;
    for (let nl = text.indexOf('\n'); nl !== -1; nl = text.indexOf('\n', from)) {
      // Cheap framing: look at how each line starts, parse only the rare ones that matter.
      if (text.startsWith('{"ev":"joined"', from) || text.startsWith('{"ev":"left"', from)) {
        m.roomEvents++;
        m.roomBytes += nl - from + 1;
      } else if (text.startsWith('{"ev":"members"', from)) {
        m.roomEvents++;
        m.roomBytes += nl - from + 1;
        m.lastCount = Number(/"count":(\d+)/.exec(text.slice(Math.max(from, nl - 30), nl))?.[1] ?? 0);
      } else if (text.startsWith('{"re":"l"', from)) m.loggedIn = true;
      // Setup takes long enough for the heartbeat (§8.11): answer it, as every client must.
      else if (text.startsWith('{"ev":"ping"', from)) socket.write('{"op":"pong"}\n');
      else if (text.startsWith('{"re":"j"', from)) m.joined = true;
      from = nl + 1;
    }
    rest = text.slice(from);
  });
  socket.write(JSON.stringify({ id: 'l', op: 'login', token }) + '\n');
  return m;
}

async function until(condition: () => boolean, deadline: number): Promise<boolean> {
  while (!condition()) {
    if (Date.now() > deadline) return false;
    await new Promise((r) => setTimeout(r, 10));
  }
  return true;
}

async function run(mode: string, quiet: number): Promise<Result> {
  const data = mkdtempSync(join(tmpdir(), 'banter-bench-rooms-'));
  const tokens = await seed(data);
  const server = await startServer(data, quiet);
  const members: Member[] = [];
  try {
    const setupDeadline = Date.now() + SETUP_LIMIT_MS;
    const setupStart = Date.now();
    // The owner (u0) is in the room from the start; the others log in, in steps (not measured).
    for (let i = 0; i <= MEMBERS; i += 100) {
      members.push(...(await Promise.all(tokens.slice(i, i + 100).map((t) => open(server.port, t)))));
      await until(() => members.every((m) => m.loggedIn), setupDeadline);
    }
    if (!(await until(() => members.every((m) => m.loggedIn), setupDeadline))) throw new Error('not everyone logged in');
    process.stderr.write(`${mode}: ${members.length} logged in after ${Date.now() - setupStart} ms\n`);
    await new Promise((r) => setTimeout(r, 500)); // let the presence storm of the logins drain
    for (const m of members) {
      m.roomEvents = 0;
      m.roomBytes = 0;
    }

    const started = Date.now();
    const deadline = started + TIME_LIMIT_MS;
    for (const m of members.slice(1)) m.socket.write('{"id":"j","op":"join","room":"#storm"}\n');
    const progress = setInterval(() => process.stderr.write(`${mode}: ${members.filter((m) => m.joined).length} joins answered, ${members.reduce((n, m) => n + m.roomEvents, 0)} room events\n`), 5000);
    const answered = await until(() => members.slice(1).every((m) => m.joined), deadline);
    clearInterval(progress);
    const answeredMs = Date.now() - started;
    // Converged: every member has heard of every join (batched: the last members event's count;
    // unbatched: one joined event per later joiner, so the owner has heard N).
    const everyoneKnows = quiet >= MEMBERS + 1 ? () => members[0]!.roomEvents >= MEMBERS : () => members.every((m) => m.lastCount === MEMBERS + 1);
    const converged = answered && (await until(everyoneKnows, deadline));
    const convergedMs = Date.now() - started;
    await new Promise((r) => setTimeout(r, 300)); // stragglers
    return {
      mode,
      events: members.reduce((n, m) => n + m.roomEvents, 0),
      bytes: members.reduce((n, m) => n + m.roomBytes, 0),
      answeredMs,
      convergedMs,
      converged,
    };
  } finally {
    for (const m of members) m.socket.destroy();
    server.child.kill('SIGTERM');
    await new Promise((r) => server.child.once('exit', r));
    rmSync(data, { recursive: true, force: true });
  }
}

const batched = await run(`batched (--room-quiet-size ${QUIET})`, QUIET);
// BENCH_ROOM_ONLY_BATCHED=1 skips the (slow, n²) comparison run.
const unbatched = process.env.BENCH_ROOM_ONLY_BATCHED ? undefined : await run('every join to every member', 1_000_000_000);
console.log(`Room join storm: ${MEMBERS} members join one room at once (loopback, 2 processes)`);
console.log('mode                                  room events     MiB   all joins answered   everyone knows');
for (const r of unbatched ? [batched, unbatched] : [batched]) {
  console.log(
    `${r.mode.padEnd(36)} ${String(r.events).padStart(12)} ${(r.bytes / 1048576).toFixed(1).padStart(7)} ${`${r.answeredMs} ms`.padStart(20)} ${(r.converged ? `${r.convergedMs} ms` : 'NOT within the limit').padStart(16)}`,
  );
}
const batches = Math.ceil(batched.convergedMs / 1000) + 1;
const budget = (QUIET * (QUIET + 1)) / 2 + MEMBERS + batches * (MEMBERS + 1);
const ok = batched.converged && batched.events <= budget;
const ratio = unbatched ? `; unbatched/batched = ${(unbatched.events / batched.events).toFixed(1)}x` : '';
console.log(`budget (batched): ${budget} events (q(q+1)/2 + N + N per batch, ${batches} batches) -> ${ok ? 'within' : 'OVER'}${ratio}`);
process.exitCode = ok ? 0 : 1;

/**
 * Abuse: the hardening issue's three attacks, one after the other, each against a fresh private
 * Banter, after a baseline with no attack. In every scenario a victim on 127.0.0.1 sends DMs
 * from one user to another (latency from send to delivery) and fresh connections log in with a
 * token (time from connect to the login reply). The attacks:
 * 1. anonymous connections: from 127.0.0.2, 1,000 TCP connections that never log in and answer
 *    pings, reopened when dropped; the server keeps its default limits (64 per address, a login
 *    reserve), which are what is measured.
 * 2. one registered user floods reads: 200 notes-to-self of ~4000 emoji each (a 200-message page
 *    would be 3.2 MB), then 256 `history` requests at once on one connection, again as soon as
 *    they are answered, reconnecting when dropped.
 * 3. login spray: from 127.0.0.2, 300 password logins in flight with wrong passwords against
 *    existing and unknown accounts, each renewed as soon as it is answered; the victim also logs
 *    in with the right password every 200 ms.
 * Banter only: the peers have no history and no such limits. Targets: DM p99 < 50 ms, logins < 1 s.
 */
import net from 'node:net';
import { lineReader, startsWith } from '../drivers/types.js';
import { BENCH_PASSWORD, startBanter, type BanterOptions } from '../peers/banter.js';
import type { PeerServer } from '../peers/types.js';
import { CpuMeter, sleep } from '../lib/proc.js';
import type { Row } from '../lib/results.js';
import { fmt, type RunOptions } from './common.js';

const SECONDS = Number(process.env.BENCH_ABUSE_SECONDS ?? 15);
const NOTES = 200;
// BENCH_ABUSE_BURST=0: no attack, the same DMs and logins (a baseline on a busy machine).
const BURST = Number(process.env.BENCH_ABUSE_BURST ?? 256);
const DM_EVERY_MS = 20;
const LOGIN_EVERY_MS = 200;
const BIG_TEXT = '😀'.repeat(3990);
// Attack 1: connections held open at once, and at most this many opened in all.
const ANON = Number(process.env.BENCH_ABUSE_ANON ?? 1000);
const ANON_MAX_OPENS = ANON * 30;
const ANON_REOPEN_MS = 1000;
// Attack 3: wrong-password logins in flight, and at most this many in all.
const SPRAY = Number(process.env.BENCH_ABUSE_SPRAY ?? 300);
const SPRAY_MAX_GUESSES = 2_000_000;
// BENCH_ABUSE_ONLY=baseline,anon,history,spray: a subset of the scenarios.
const ONLY = process.env.BENCH_ABUSE_ONLY?.split(',').filter(Boolean);
/** The attackers' address; the victim's connections come from 127.0.0.1, another address. */
const ATTACKER_ADDRESS = '127.0.0.2';
/** A victim login not answered within this counts as failed (and the loop goes on). */
const LOGIN_DEADLINE_MS = 10_000;

/** A line-protocol connection that counts its lines and hands over the ones a caller asks for. */
class Conn {
  readonly socket: net.Socket;
  lines = 0;
  closed = false;
  private readonly waiters = new Map<string, (line: string) => void>();

  private constructor(socket: net.Socket, onLine?: (buf: Buffer, from: number, end: number) => void) {
    this.socket = socket;
    socket.on(
      'data',
      lineReader((buf, from, end) => {
        this.lines++;
        onLine?.(buf, from, end);
        if (this.waiters.size === 0 || !startsWith(buf, from, '{"re":"')) return;
        const id = buf.toString('utf8', from + 7, buf.indexOf(34, from + 7));
        const waiter = this.waiters.get(id);
        if (waiter) {
          this.waiters.delete(id);
          waiter(buf.toString('utf8', from, end));
        }
      }),
    );
    socket.on('close', () => {
      this.closed = true;
      // A request whose connection is gone gets no reply: its caller sees ''.
      for (const waiter of this.waiters.values()) waiter('');
      this.waiters.clear();
    });
    socket.on('error', () => undefined);
  }

  static open(port: number, onLine?: (buf: Buffer, from: number, end: number) => void, localAddress?: string): Promise<Conn> {
    return new Promise((resolve, reject) => {
      const s = net.connect({ port, host: '127.0.0.1', localAddress, noDelay: true }, () => resolve(new Conn(s, onLine)));
      s.once('error', reject);
    });
  }

  /** Sends a request (string id) and resolves with its reply line, or '' when the connection closes or timeoutMs passes. */
  request(id: string, body: object, timeoutMs?: number): Promise<string> {
    if (this.closed) return Promise.resolve('');
    return new Promise((resolve) => {
      const timer = timeoutMs === undefined ? undefined : setTimeout(() => {
        this.waiters.delete(id);
        resolve('');
      }, timeoutMs);
      this.waiters.set(id, (line) => {
        clearTimeout(timer);
        resolve(line);
      });
      this.socket.write(JSON.stringify({ id, ...body }) + '\n');
    });
  }
}

function quantile(sorted: number[], q: number): number {
  return sorted.length === 0 ? NaN : sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))]!;
}


const ms = (v: number): string => v.toFixed(1);

/** Login times (ms) of the answered logins, sorted, and how many failed or went unanswered. */
interface Logins {
  times: number[];
  failed: number;
}

/** What an attack reports: a line for the log, and rows of its own (after the victim's). */
interface AttackOutcome {
  summary: string;
  rows?: (base: { serverCpu: number; generatorCpu: number }) => Row[];
}

interface Scenario {
  key: 'baseline' | 'anon' | 'history' | 'spray';
  /** The workload column of this scenario's rows. */
  title: string;
  banter: BanterOptions;
  /** The victim also logs in with its password every LOGIN_EVERY_MS. */
  passwordLogins?: boolean;
  /** Runs before the victim connects (seeding). */
  prepare?: (server: PeerServer) => Promise<void>;
  attack?: (server: PeerServer, end: number) => Promise<AttackOutcome>;
}

/** Fresh connections that log in every LOGIN_EVERY_MS until end, timed from connect to the reply. */
async function loginLoop(port: number, end: number, body: object): Promise<Logins> {
  const out: Logins = { times: [], failed: 0 };
  for (let i = 0; i < (SECONDS * 1000) / LOGIN_EVERY_MS + 1 && performance.now() < end; i++) {
    const t0 = performance.now();
    const c = await Conn.open(port).catch(() => undefined);
    const reply = c ? await c.request('l', { op: 'login', ...body }, LOGIN_DEADLINE_MS) : '';
    if (reply.includes('"ok":true')) out.times.push(performance.now() - t0);
    else out.failed++;
    c?.socket.destroy();
    await sleep(LOGIN_EVERY_MS);
  }
  out.times.sort((a, b) => a - b);
  return out;
}

/**
 * Attack 1: ANON connections from ATTACKER_ADDRESS that never log in and answer pings, each
 * reopened ANON_REOPEN_MS after the server drops it. Kept: those open at the end that the server
 * had not refused.
 */
async function anonymousConnections(server: PeerServer, end: number): Promise<AttackOutcome> {
  let opens = 0;
  let refusals = 0;
  let connectErrors = 0;
  let peak = 0;
  const open = new Set<net.Socket>();
  const refused = new WeakSet<net.Socket>();
  const slot = async (): Promise<void> => {
    while (performance.now() < end && opens < ANON_MAX_OPENS) {
      opens++;
      const dropped = await new Promise<boolean>((resolve) => {
        const s = net.connect({ port: server.port, host: '127.0.0.1', localAddress: ATTACKER_ADDRESS, noDelay: true });
        const timer = setTimeout(() => resolve(false), Math.max(0, end - performance.now()));
        s.on('connect', () => {
          open.add(s);
          peak = Math.max(peak, open.size);
        });
        s.on(
          'data',
          lineReader((buf, from, lineEnd) => {
            if (startsWith(buf, from, '{"ev":"ping"')) s.write('{"op":"pong"}\n');
            else if (startsWith(buf, from, '{"ev":"error"') && buf.toString('utf8', from, lineEnd).includes('"RATE_LIMITED"')) {
              refusals++;
              refused.add(s);
            }
          }),
        );
        s.on('error', () => {
          if (!open.has(s)) connectErrors++;
        });
        s.on('close', () => {
          open.delete(s);
          clearTimeout(timer);
          resolve(true);
        });
      });
      if (!dropped) return;
      await sleep(ANON_REOPEN_MS);
    }
  };
  const slots = Array.from({ length: ANON }, slot);
  await sleep(Math.max(0, end - performance.now()));
  const kept = [...open].filter((s) => !refused.has(s)).length;
  await Promise.all(slots);
  for (const s of open) s.destroy();
  return {
    summary: `attacker: ${fmt(opens)} connections opened, ${fmt(refusals)} refused, ${connectErrors} connect errors, at most ${fmt(peak)} open at once, ${fmt(kept)} kept at the end`,
    rows: (base) => [
      {
        workload: 'abuse: attack 1 meanwhile',
        metric: `attacker connections the server kept (of ${fmt(ANON)})`,
        unit: 'connections',
        better: 'lower',
        results: { banter: { ...base, value: kept, ok: true, note: `${fmt(opens)} opened, ${fmt(refusals)} refused` } },
        sameRunAsPrevious: true,
      },
    ],
  };
}

/** Attack 2: the hardening issue's repro, 200 big notes to self, then 256 `history` requests at once, repeated. */
async function seedNotes(server: PeerServer): Promise<void> {
  const attacker = await Conn.open(server.port);
  await attacker.request('l', { op: 'login', token: server.tokens[0] });
  for (let i = 1; i < NOTES; i++) attacker.socket.write(JSON.stringify({ id: `n${i}`, op: 'send', to: '@u0', text: `${i} ${BIG_TEXT}` }) + '\n');
  // Sends are stored in the order they arrive: the last one's reply comes last.
  await attacker.request(`n${NOTES}`, { op: 'send', to: '@u0', text: `${NOTES} ${BIG_TEXT}` });
  attacker.socket.destroy();
}

async function historyFlood(server: PeerServer, end: number): Promise<AttackOutcome> {
  let refused = 0;
  let pages = 0;
  let dropped = 0;
  let conn = await Conn.open(server.port);
  await conn.request('l', { op: 'login', token: server.tokens[0] });
  while (BURST > 0 && performance.now() < end) {
    if (conn.closed) {
      dropped++;
      conn = await Conn.open(server.port);
      await conn.request('l', { op: 'login', token: server.tokens[3] });
    }
    const replies = await Promise.race([
      Promise.all(Array.from({ length: BURST }, (_, i) => conn.request(`h${i}`, { op: 'history', conv: '@u0', limit: 200 }))),
      new Promise<undefined>((resolve) => conn.socket.once('close', () => resolve(undefined))),
    ]);
    for (const r of replies ?? []) {
      if (r.includes('"RATE_LIMITED"')) refused++;
      else if (r.includes('"ok":true')) pages++;
    }
  }
  conn.socket.destroy();
  return { summary: `attacker: ${fmt(pages)} pages, ${fmt(refused)} refused, dropped ${dropped} times` };
}

/**
 * Attack 3: SPRAY wrong-password logins in flight from ATTACKER_ADDRESS, one per connection (a
 * connection takes one login at a time), each renewed as soon as it is answered, whatever the
 * answer; half name existing accounts other than the victim's (u3..), half unknown names.
 */
async function loginSpray(server: PeerServer, end: number, users: number): Promise<AttackOutcome> {
  let guesses = 0;
  let checked = 0;
  let limited = 0;
  let other = 0;
  let connectErrors = 0;
  const slot = async (k: number): Promise<void> => {
    let conn: Conn | undefined;
    while (performance.now() < end && guesses < SPRAY_MAX_GUESSES) {
      if (!conn || conn.closed) {
        conn = await Conn.open(server.port, undefined, ATTACKER_ADDRESS).catch(() => undefined);
        if (!conn) {
          connectErrors++;
          await sleep(100);
          continue;
        }
      }
      const n = guesses++;
      const user = n % 2 === 0 ? `u${3 + (n % (users - 3))}` : `nobody${k}`;
      const r = await conn.request(`g${n}`, { op: 'login', user, password: `wrong-${n}` }, Math.max(1, end - performance.now()) + 1000);
      if (r.includes('"BAD_CREDENTIALS"')) checked++;
      else if (r.includes('"RATE_LIMITED"')) limited++;
      else other++;
    }
    conn?.socket.destroy();
  };
  await Promise.all(Array.from({ length: SPRAY }, (_, k) => slot(k)));
  return {
    summary: `attacker: ${fmt(guesses)} wrong logins, ${fmt(checked)} answered BAD_CREDENTIALS, ${fmt(limited)} RATE_LIMITED, ${fmt(other)} other or unanswered, ${connectErrors} connect errors`,
  };
}

const SPRAY_USERS = 10;
const SCENARIOS: Scenario[] = [
  { key: 'baseline', title: `abuse: no attack (baseline), ${SECONDS} s`, banter: { users: 3, sessionsPerUser: 2 } },
  {
    key: 'anon',
    title: `abuse attack 1: ${fmt(ANON)} anonymous connections from one address, default limits, ${SECONDS} s`,
    banter: { users: 3, sessionsPerUser: 2, defaultConnectionLimits: true },
    attack: anonymousConnections,
  },
  {
    key: 'history',
    // The row names of the first version of this workload, so results stay comparable.
    title: `abuse: 256 history requests at once, repeated, ${SECONDS} s`,
    banter: { users: 3, sessionsPerUser: 2 },
    prepare: seedNotes,
    attack: historyFlood,
  },
  {
    key: 'spray',
    title: `abuse attack 3: ${SPRAY} wrong-password logins in flight from one address, ${SECONDS} s`,
    banter: { users: SPRAY_USERS, sessionsPerUser: 2 },
    passwordLogins: true,
    attack: (server, end) => loginSpray(server, end, SPRAY_USERS),
  },
];

/** One scenario on a fresh Banter: u1 sends DMs to u2 and logs in again and again while the attack runs. */
async function runScenario(sc: Scenario, o: RunOptions): Promise<Row[]> {
  const users = sc.banter.users;
  // tokens[i] belongs to u{i % users}.
  const server = await startBanter(sc.banter);
  try {
    await sc.prepare?.(server);
    const dmLatencies: number[] = [];
    const receiver = await Conn.open(server.port, (buf, from, end) => {
      if (!startsWith(buf, from, '{"ev":"msg"')) return;
      const m = /"text":"dm (\d+(?:\.\d+)?)"/.exec(buf.toString('utf8', from, end));
      if (m) dmLatencies.push(performance.now() - Number(m[1]));
    });
    await receiver.request('l', { op: 'login', token: server.tokens[2] });
    const sender = await Conn.open(server.port);
    await sender.request('l', { op: 'login', token: server.tokens[1] });

    const cpu = new CpuMeter(server.pid);
    const end = performance.now() + SECONDS * 1000;
    const attack = sc.attack?.(server, end) ?? Promise.resolve<AttackOutcome>({ summary: 'no attack' });
    let sent = 0;
    const dms = (async () => {
      for (let i = 0; i < (SECONDS * 1000) / DM_EVERY_MS + 1 && performance.now() < end; i = ++sent) {
        sender.socket.write(JSON.stringify({ id: `d${i}`, op: 'send', to: '@u2', text: `dm ${performance.now()}` }) + '\n');
        await sleep(DM_EVERY_MS);
      }
    })();
    const tokenLogins = loginLoop(server.port, end, { token: server.tokens[users + 1] });
    const passwordLogins = sc.passwordLogins ? loginLoop(server.port, end, { user: 'u1', password: BENCH_PASSWORD }) : undefined;
    const [outcome, , token, password] = await Promise.all([attack, dms, tokenLogins, passwordLogins]);
    const usage = cpu.read();
    await sleep(500); // the last DMs in flight
    dmLatencies.sort((a, b) => a - b);
    const dmP99 = quantile(dmLatencies, 0.99);
    const dmNote = `p50 ${ms(quantile(dmLatencies, 0.5))}, max ${ms(dmLatencies[dmLatencies.length - 1] ?? NaN)} ms; ${dmLatencies.length} of ${sent} delivered`;
    const max = (l: Logins): number => l.times[l.times.length - 1] ?? NaN;
    const loginNote = (l: Logins): string => `p50 ${ms(quantile(l.times, 0.5))} ms over ${l.times.length}${l.failed ? `, ${l.failed} failed` : ''}`;
    o.log(
      `  ${sc.key}: DM p50 ${ms(quantile(dmLatencies, 0.5))} ms, p99 ${ms(dmP99)} ms, max ${ms(dmLatencies[dmLatencies.length - 1] ?? NaN)} ms over ${fmt(dmLatencies.length)} DMs; ` +
        `token login p50 ${ms(quantile(token.times, 0.5))} ms, max ${ms(max(token))} ms over ${token.times.length} (${token.failed} failed); ` +
        (password ? `password login p50 ${ms(quantile(password.times, 0.5))} ms, max ${ms(max(password))} ms over ${password.times.length} (${password.failed} failed); ` : '') +
        `${outcome.summary}; server CPU ${fmt(usage.server * 100)}%`,
    );
    const base = { serverCpu: usage.server, generatorCpu: usage.generator };
    const rows: Row[] = [
      { workload: sc.title, metric: "another user's DM, p99 (ms)", unit: 'ms', better: 'lower', target: { bound: 50, text: '< 50 ms' }, results: { banter: { ...base, value: dmP99, ok: dmLatencies.length === sent, note: dmNote } } },
      { workload: 'abuse: logins meanwhile', metric: 'token login, max (ms)', unit: 'ms', better: 'lower', target: { bound: 1000, text: '< 1 s' }, results: { banter: { ...base, value: max(token), ok: token.times.length > 0 && token.failed === 0, note: loginNote(token) } }, sameRunAsPrevious: true },
    ];
    if (password) {
      rows.push({ workload: 'abuse: logins meanwhile', metric: 'password login, max (ms)', unit: 'ms', better: 'lower', target: { bound: 1000, text: '< 1 s' }, results: { banter: { ...base, value: max(password), ok: password.times.length > 0 && password.failed === 0, note: loginNote(password) } }, sameRunAsPrevious: true });
    }
    rows.push(...(outcome.rows?.(base) ?? []));
    receiver.socket.destroy();
    sender.socket.destroy();
    return rows;
  } finally {
    await server.stop();
  }
}

export async function abuse(o: RunOptions): Promise<Row[]> {
  const scenarios = SCENARIOS.filter((sc) => (ONLY ? ONLY.includes(sc.key) : sc.key !== 'baseline' || BURST > 0));
  if (!o.systems.includes('banter')) return [];
  const rows: Row[] = [];
  for (const sc of scenarios) rows.push(...(await runScenario(sc, o)));
  // The peers have no history and none of these limits.
  for (const row of rows) for (const system of o.systems) if (system !== 'banter') row.results[system] = { skipped: 'no history' };
  return rows;
}

/**
 * Abuse: one registered user tries to stall everyone by reading. The hardening issue's repro:
 * 200 notes-to-self of ~4000 emoji each (a 200-message page would be 3.2 MB), then 256 `history`
 * requests at once on one connection, again as soon as they are answered, reconnecting when
 * dropped. Meanwhile another user sends DMs to a third (latency from send to delivery) and fresh
 * connections log in with a token (time from connect to the login reply). Banter only: the
 * peers have no history. Targets: DM p99 < 50 ms, logins < 1 s.
 */
import net from 'node:net';
import { lineReader, startsWith } from '../drivers/types.js';
import { startBanter } from '../peers/banter.js';
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
    socket.on('close', () => (this.closed = true));
    socket.on('error', () => undefined);
  }

  static open(port: number, onLine?: (buf: Buffer, from: number, end: number) => void): Promise<Conn> {
    return new Promise((resolve, reject) => {
      const s = net.connect({ port, host: '127.0.0.1', noDelay: true }, () => resolve(new Conn(s, onLine)));
      s.once('error', reject);
    });
  }

  /** Sends a request (string id) and resolves with its reply line. */
  request(id: string, body: object): Promise<string> {
    return new Promise((resolve) => {
      this.waiters.set(id, resolve);
      this.socket.write(JSON.stringify({ id, ...body }) + '\n');
    });
  }
}

function quantile(sorted: number[], q: number): number {
  return sorted.length === 0 ? NaN : sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))]!;
}

export async function abuse(o: RunOptions): Promise<Row[]> {
  const dm: Row = { workload: `abuse: 256 history requests at once, repeated, ${SECONDS} s`, metric: "another user's DM, p99 (ms)", unit: 'ms', better: 'lower', target: { bound: 50, text: '< 50 ms' }, results: {} };
  const login: Row = { workload: 'abuse: logins meanwhile', metric: 'token login, max (ms)', unit: 'ms', better: 'lower', target: { bound: 1000, text: '< 1 s' }, results: {}, sameRunAsPrevious: true };
  for (const system of o.systems) {
    if (system !== 'banter') {
      dm.results[system] = login.results[system] = { skipped: 'no history' };
      continue;
    }
    // u0 attacks; u1 sends DMs to u2 and logs in again and again. tokens[i] belongs to u{i % 3}.
    const server = await startBanter({ users: 3, sessionsPerUser: 2 });
    try {
      const attacker = await Conn.open(server.port);
      await attacker.request('l', { op: 'login', token: server.tokens[0] });
      for (let i = 1; i < NOTES; i++) attacker.socket.write(JSON.stringify({ id: `n${i}`, op: 'send', to: '@u0', text: `${i} ${BIG_TEXT}` }) + '\n');
      // Sends are stored in the order they arrive: the last one's reply comes last.
      await attacker.request(`n${NOTES}`, { op: 'send', to: '@u0', text: `${NOTES} ${BIG_TEXT}` });

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
      let refused = 0;
      let pages = 0;
      let dropped = 0;
      const attack = (async () => {
        let conn = attacker;
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
      })();
      let sent = 0;
      const dms = (async () => {
        for (let i = 0; performance.now() < end; i = ++sent) {
          sender.socket.write(JSON.stringify({ id: `d${i}`, op: 'send', to: '@u2', text: `dm ${performance.now()}` }) + '\n');
          await sleep(DM_EVERY_MS);
        }
      })();
      const loginTimes: number[] = [];
      const logins = (async () => {
        while (performance.now() < end) {
          const t0 = performance.now();
          const c = await Conn.open(server.port);
          await c.request('l', { op: 'login', token: server.tokens[4] });
          loginTimes.push(performance.now() - t0);
          c.socket.destroy();
          await sleep(LOGIN_EVERY_MS);
        }
      })();
      await Promise.all([attack, dms, logins]);
      const usage = cpu.read();
      await sleep(500); // the last DMs in flight
      dmLatencies.sort((a, b) => a - b);
      loginTimes.sort((a, b) => a - b);
      const dmP99 = quantile(dmLatencies, 0.99);
      const loginMax = loginTimes[loginTimes.length - 1] ?? NaN;
      o.log(
        `  banter: DM p50 ${quantile(dmLatencies, 0.5).toFixed(1)} ms, p99 ${dmP99.toFixed(1)} ms, max ${(dmLatencies[dmLatencies.length - 1] ?? NaN).toFixed(1)} ms over ${fmt(dmLatencies.length)} DMs; ` +
          `login p50 ${quantile(loginTimes, 0.5).toFixed(1)} ms, max ${loginMax.toFixed(1)} ms over ${loginTimes.length}; ` +
          `attacker: ${fmt(pages)} pages, ${fmt(refused)} refused, dropped ${dropped} times; server CPU ${fmt(usage.server * 100)}%`,
      );
      const base = { serverCpu: usage.server, generatorCpu: usage.generator };
      dm.results.banter = { ...base, value: dmP99, ok: dmLatencies.length === sent, note: `${dmLatencies.length} of ${sent} DMs delivered` };
      login.results.banter = { ...base, value: loginMax, ok: loginTimes.length > 0 };
      receiver.socket.destroy();
      sender.socket.destroy();
    } finally {
      await server.stop();
    }
  }
  return [dm, login];
}

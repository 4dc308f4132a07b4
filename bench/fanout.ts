/**
 * Fan-out: one sender, N receivers in one room, 100-byte texts, a bounded in-flight window.
 * Counts deliveries per second summed over receivers, and checks every receiver got every message
 * once and in order. Runs Banter (a private server process) and, in the same run, Mosquitto
 * (a private broker on a spare port, QoS 0) when it is installed, and prints the ratio.
 *
 * Receivers count newline-framed lines (Banter) or MQTT messages cheaply; on 2 cores the load
 * generator shares the machine with the server, so these are lower bounds for the server.
 *
 * First slice of the benchmark issue: the Mosquitto figures measured here (~60k/s at N=100) are
 * far below what a first probe saw (~250k/s), so the MQTT publisher side is suspect and the ratio
 * is not yet trustworthy. ngircd and the other workloads are still to come.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import mqtt from 'mqtt';
import { BanterClient } from '../src/client/index.js';
import { tcpTransport } from '../src/client/node/tcp-transport.js';
import { hashPassword } from '../src/server/core/passwords.js';
import { hashToken, newToken } from '../src/server/core/tokens.js';
import { SqliteStore } from '../src/server/store/sqlite/sqlite-store.js';

const MESSAGES = Number(process.env.BENCH_MESSAGES ?? 3000);
const WINDOW = 200;
const TIME_LIMIT_MS = 30_000;
const TEXT = 'x'.repeat(100);
const CLI = new URL('../src/cli/main.js', import.meta.url).pathname;

interface Result {
  deliveries: number;
  seconds: number;
  perSecond: number;
  complete: boolean;
}

async function waitForPort(port: number): Promise<void> {
  for (let i = 0; i < 100; i++) {
    const ok = await new Promise<boolean>((resolve) => {
      const s = net.connect(port, '127.0.0.1', () => (s.destroy(), resolve(true)));
      s.on('error', () => resolve(false));
    });
    if (ok) return;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`nothing listens on port ${port}`);
}

function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const s = net.createServer().listen(0, '127.0.0.1', () => {
      const { port } = s.address() as net.AddressInfo;
      s.close(() => resolve(port));
    });
  });
}

/** Users and their session tokens, written straight into a new data folder (setup is not measured). */
async function seedUsers(data: string, count: number): Promise<string[]> {
  const store = new SqliteStore(join(data, 'banter.db'), { synchronous: 'normal' });
  const passHash = await hashPassword('bench-password-1');
  const tokens: string[] = [];
  for (let i = 0; i < count; i++) {
    const user = await store.createUser({ name: `u${i}`, key: `u${i}`, passHash, role: 'user', createdAt: Date.now() });
    const token = newToken();
    await store.createSession({ tokenHash: hashToken(token), userId: user.id, createdAt: Date.now(), expiresAt: Date.now() + 3600_000, revoked: false });
    tokens.push(token);
  }
  await store.close();
  return tokens;
}

async function startBanter(users: number): Promise<{ port: number; child: ChildProcess; data: string; tokens: string[] }> {
  const data = mkdtempSync(join(tmpdir(), 'banter-bench-'));
  const tokens = await seedUsers(data, users);
  const port = await freePort();
  const child = spawn(process.execPath, [CLI, 'server', '--host', '127.0.0.1', '--port', String(port), '--http-port', '0', '--data', data, '--log-level', 'warn', '--send-rate', '1000000', '--send-burst', '1000000', '--sync', 'normal'], {
    env: { ...process.env, BANTER_ADMIN_PASSWORD: 'bench-admin-1' },
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  await new Promise<void>((resolve, reject) => {
    child.stderr!.on('data', (d: Buffer) => d.toString().includes('listening on') && resolve());
    child.once('exit', (code) => reject(new Error(`banter exited ${code}`)));
  });
  return { port, child, data, tokens };
}

async function banterFanout(n: number): Promise<Result> {
  const server = await startBanter(n + 1);
  const tokens = server.tokens;
  try {
    // Receivers: raw sockets counting lines and checking msg seqs arrive in order.
    const counts = new Array<number>(n).fill(0);
    const inOrder = new Array<boolean>(n).fill(true);
    const lastSeq = new Array<number>(n).fill(0);
    const sockets: net.Socket[] = [];
    for (let r = 0; r < n; r++) {
      const s = net.connect(server.port, '127.0.0.1');
      await new Promise((res) => s.once('connect', res));
      let rest = '';
      s.on('data', (d: Buffer) => {
        const text = rest + d.toString('latin1');
        let from = 0;
        for (let nl = text.indexOf('\n'); nl !== -1; nl = text.indexOf('\n', from)) {
          // Cheap framing: only msg events carry "seq"; read it without a full JSON parse.
          const at = text.indexOf('"seq":', from);
          if (text.startsWith('{"ev":"msg"', from) && at !== -1 && at < nl) {
            const seq = Number(text.slice(at + 6, text.indexOf(',', at)));
            if (seq !== lastSeq[r]! + 1) inOrder[r] = false;
            lastSeq[r] = seq;
            counts[r]!++;
          }
          from = nl + 1;
        }
        rest = text.slice(from);
      });
      s.write(JSON.stringify({ id: 1, op: 'login', token: tokens[r + 1] }) + '\n');
      sockets.push(s);
    }
    const sender = await BanterClient.connect(tcpTransport('127.0.0.1', server.port));
    await sender.request('login', { token: tokens[0]! });
    await new Promise((r) => setTimeout(r, 300));
    const started = performance.now();
    let sent = 0;
    let acked = 0;
    await new Promise<void>((resolve) => {
      const pump = (): void => {
        while (sent - acked < WINDOW && sent < MESSAGES) {
          sent++;
          void sender.request('send', { to: '#lobby', text: TEXT }).then(() => {
            if (++acked === MESSAGES) resolve();
            else pump();
          });
        }
      };
      pump();
    });
    const total = () => counts.reduce((a, b) => a + b, 0);
    while (total() < n * MESSAGES && performance.now() - started < TIME_LIMIT_MS) await new Promise((r) => setTimeout(r, 2));
    const seconds = (performance.now() - started) / 1000;
    sender.close();
    sockets.forEach((s) => s.destroy());
    const deliveries = total();
    return { deliveries, seconds, perSecond: deliveries / seconds, complete: deliveries === n * MESSAGES && inOrder.every(Boolean) };
  } finally {
    server.child.kill('SIGKILL');
    rmSync(server.data, { recursive: true, force: true });
  }
}

async function mosquittoFanout(n: number): Promise<Result | string> {
  if (spawnSync('sh', ['-c', 'command -v mosquitto']).status !== 0) return 'mosquitto is not installed';
  const port = await freePort();
  const dir = mkdtempSync(join(tmpdir(), 'mosq-bench-'));
  const conf = join(dir, 'mosquitto.conf');
  writeFileSync(conf, `listener ${port} 127.0.0.1\nallow_anonymous true\npersistence false\nmax_queued_messages 0\nmax_inflight_messages 0\n`);
  // A private broker with room for a thousand connections (raise its file limit to the hard limit).
  const broker = spawn('sh', ['-c', `ulimit -n $(ulimit -Hn); exec mosquitto -c ${conf}`], { stdio: 'ignore' });
  await waitForPort(port);
  try {
    const url = `mqtt://127.0.0.1:${port}`;
    const counts = new Array<number>(n).fill(0);
    const inOrder = new Array<boolean>(n).fill(true);
    const subs = await Promise.all(Array.from({ length: n }, (_, r) => rawMqttSubscriber(port, `sub${r}`, (i) => {
      if (i !== lastIndex[r]! + 1) inOrder[r] = false;
      lastIndex[r] = i;
      counts[r]!++;
    })));
    const lastIndex = new Array<number>(n).fill(-1);
    const pub = await mqtt.connectAsync(url, { clientId: 'pub', reconnectPeriod: 0 });
    const started = performance.now();
    for (let i = 0; i < MESSAGES; i++) {
      const payload = Buffer.alloc(100, 120);
      payload.writeUInt32BE(i, 0);
      pub.publish('lobby', payload, { qos: 0 });
      if (i % WINDOW === 0) await new Promise((r) => setImmediate(r));
    }
    const total = () => counts.reduce((a, b) => a + b, 0);
    while (total() < n * MESSAGES && performance.now() - started < TIME_LIMIT_MS) await new Promise((r) => setTimeout(r, 2));
    const seconds = (performance.now() - started) / 1000;
    const deliveries = total();
    await pub.endAsync(true);
    subs.forEach((sock) => sock.destroy());
    return { deliveries, seconds, perSecond: deliveries / seconds, complete: deliveries === n * MESSAGES && inOrder.every(Boolean) };
  } finally {
    broker.kill('SIGKILL');
    rmSync(dir, { recursive: true, force: true });
  }
}

/**
 * A minimal MQTT 3.1.1 subscriber on a raw socket: CONNECT, SUBSCRIBE lobby (QoS 0), then it
 * walks the packet stream by its length prefixes and reads only each PUBLISH's first payload
 * bytes, as cheaply as the Banter receivers read lines (mqtt.js would parse every packet fully
 * and make the load generator, not the broker, the bottleneck).
 */
async function rawMqttSubscriber(port: number, clientId: string, onIndex: (i: number) => void): Promise<net.Socket> {
  const sock = net.connect(port, '127.0.0.1');
  sock.on('error', () => undefined); // counted as missing deliveries, reported as INCOMPLETE
  await new Promise((res) => sock.once('connect', res));
  const id = Buffer.from(clientId);
  const connectBody = Buffer.concat([Buffer.from([0, 4, 77, 81, 84, 84, 4, 2, 0, 60, 0, id.length]), id]);
  sock.write(Buffer.concat([Buffer.from([0x10, connectBody.length]), connectBody]));
  const topic = Buffer.from('lobby');
  const subBody = Buffer.concat([Buffer.from([0, 1, 0, topic.length]), topic, Buffer.from([0])]);
  sock.write(Buffer.concat([Buffer.from([0x82, subBody.length]), subBody]));
  let pending: Buffer = Buffer.alloc(0);
  let subscribed: () => void;
  const ready = new Promise<void>((res) => (subscribed = res));
  sock.on('data', (d: Buffer) => {
    let buf: Buffer = pending.length ? Buffer.concat([pending, d]) : d;
    let at = 0;
    for (;;) {
      if (at + 2 > buf.length) break;
      let length = 0;
      let multiplier = 1;
      let p = at + 1;
      let byte;
      do {
        if (p >= buf.length) break;
        byte = buf[p++]!;
        length += (byte & 127) * multiplier;
        multiplier *= 128;
      } while (byte & 128);
      if (byte === undefined || byte & 128 || p + length > buf.length) break;
      const type = buf[at]! >> 4;
      if (type === 3) {
        const topicLength = buf.readUInt16BE(p);
        onIndex(buf.readUInt32BE(p + 2 + topicLength));
      } else if (type === 9) subscribed();
      at = p + length;
    }
    pending = buf.subarray(at);
    buf = pending;
  });
  await ready;
  return sock;
}

function row(name: string, n: number, r: Result | string): string {
  if (typeof r === 'string') return `| ${name} | ${n} | skipped: ${r} | | |`;
  return `| ${name} | ${n} | ${Math.round(r.perSecond).toLocaleString('en')} | ${r.seconds.toFixed(2)} s | ${r.complete ? 'all, in order' : `INCOMPLETE (${r.deliveries})`} |`;
}

console.log(`fan-out: 1 sender, N receivers, ${MESSAGES} messages of 100 bytes, window ${WINDOW}`);
console.log('| server | N | deliveries/s | time | received |');
console.log('| --- | --- | --- | --- | --- |');
for (const n of (process.env.BENCH_N ?? '100,1000').split(',').map(Number)) {
  const banter = await banterFanout(n);
  console.log(row('banter', n, banter));
  const peer = await mosquittoFanout(n);
  console.log(row('mosquitto', n, peer));
  if (typeof peer !== 'string') console.log(`| banter / mosquitto | ${n} | ${(banter.perSecond / peer.perSecond).toFixed(2)}x | | |`);
}
process.exit(0);

/**
 * A load-generator thread: opens a share of the clients, counts and checks what they receive
 * (every message once, in order, per sender), records latency, and sends on a schedule when told.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { Histogram } from '../lib/histogram.js';
import { makePayload, readPayload, type PayloadFields } from '../lib/payload.js';
import { inBatches, nowMicros } from '../lib/proc.js';
import { connectClient, type BenchClient, type Protocol } from './index.js';

export interface ClientSpec {
  index: number;
  token?: string;
}

export interface OpenRequest {
  type: 'open';
  protocol: Protocol;
  port: number;
  clients: ClientSpec[];
  receive: boolean;
  /** How many distinct senders' messages may arrive (their numbers are 0..senders-1). */
  senders: number;
  latency: boolean;
  concurrency: number;
}

export interface SendRequest {
  type: 'send';
  /** Messages per second per client, each client starting at a random phase. */
  perClientRate: number;
  durationMs: number;
}

export interface WorkerReport {
  delivered: number;
  violations: number;
  counts: Float64Array;
  histCount: number;
  maxMicros: number;
  sent: number;
  acked: number;
  failedAcks: number;
  lost: number;
}

const { counter, slot } = workerData as { counter: SharedArrayBuffer; slot: number };
const shared = new Float64Array(counter);
const port = parentPort!;

let clients: BenchClient[] = [];
let specs: ClientSpec[] = [];
let hist = new Histogram();
let delivered = 0;
let violations = 0;
let sent = 0;
let acked = 0;
let failedAcks = 0;
let lost = 0;
let retries = 0;
let closing = false;

port.on('message', (m: OpenRequest | SendRequest | { type: 'report' | 'close' | 'reset' }) => {
  void handle(m).catch((err: unknown) => port.postMessage({ type: 'error', message: String((err as Error)?.stack ?? err) }));
});

async function handle(m: OpenRequest | SendRequest | { type: 'report' | 'close' | 'reset' }): Promise<void> {
  switch (m.type) {
    case 'open':
      return open(m);
    case 'send':
      return sendSchedule(m);
    case 'reset':
      hist = new Histogram();
      delivered = violations = sent = acked = failedAcks = 0;
      shared[slot] = 0;
      port.postMessage({ type: 'reset' });
      return;
    case 'report': {
      const r: WorkerReport = { delivered, violations, counts: hist.counts, histCount: hist.count, maxMicros: hist.maxMicros, sent, acked, failedAcks, lost };
      port.postMessage({ type: 'report', report: r });
      return;
    }
    case 'close':
      closing = true;
      for (const c of clients) c.close();
      clients = [];
      port.postMessage({ type: 'closed' });
      return;
  }
}

async function open(m: OpenRequest): Promise<void> {
  specs = m.clients;
  const fields: PayloadFields = { sender: 0, index: 0, sentMicros: 0 };
  let failed = 0;
  let firstError = '';
  const started = performance.now();
  const opened = await inBatches(m.clients.length, m.concurrency, async (i) => {
    const last = new Int32Array(m.senders).fill(-1);
    try {
      const c = await withRetries(() => connectClient(
        m.protocol,
        { port: m.port, index: m.clients[i]!.index, token: m.clients[i]!.token, receive: m.receive },
        {
          onPayload(buf, at) {
            if (!readPayload(buf, at, fields)) return void violations++;
            delivered++;
            if (fields.index !== last[fields.sender]! + 1) violations++;
            last[fields.sender] = fields.index;
            if (m.latency) hist.add(nowMicros() - fields.sentMicros);
            shared[slot] = delivered;
          },
          onAck(n, fail) {
            acked += n;
            if (fail) failedAcks += n;
          },
        },
      ));
      c.socket.on('close', () => (closing ? undefined : lost++));
      return c;
    } catch (err) {
      failed++;
      firstError ||= String((err as Error).message ?? err);
      return null;
    }
  });
  clients = opened.filter((c): c is BenchClient => c !== null);
  port.postMessage({ type: 'opened', opened: clients.length, failed, firstError, ms: performance.now() - started, retries });
}

/**
 * A connection refused or reset before it was set up is tried again (a few times, briefly):
 * ngIRCd listens with a backlog of 10, so bursts of connects overflow it.
 */
async function withRetries<T>(attempt: () => Promise<T>): Promise<T> {
  for (let i = 0; ; i++) {
    try {
      return await attempt();
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code;
      if (i >= 5 || (code !== 'ECONNRESET' && code !== 'ECONNREFUSED')) throw err;
      retries++;
      await new Promise((r) => setTimeout(r, 20 * 2 ** i));
    }
  }
}

async function sendSchedule(m: SendRequest): Promise<void> {
  const interval = 1000 / m.perClientRate;
  const timers: NodeJS.Timeout[] = [];
  const stopAt = performance.now() + m.durationMs;
  clients.forEach((c, i) => {
    const sender = specs[i]!.index;
    let index = 0;
    const tick = (): void => {
      if (performance.now() >= stopAt || c.socket.destroyed) return;
      c.send(makePayload(sender, index++));
      sent++;
    };
    timers.push(
      setTimeout(() => {
        tick();
        timers.push(setInterval(tick, interval));
      }, Math.random() * interval),
    );
  });
  await new Promise((r) => setTimeout(r, m.durationMs + 50));
  timers.forEach((t) => clearTimeout(t));
  port.postMessage({ type: 'sent', sent });
}

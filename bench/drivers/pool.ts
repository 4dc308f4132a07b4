import { Worker } from 'node:worker_threads';
import { Histogram } from '../lib/histogram.js';
import type { Protocol } from './types.js';
import type { ClientSpec, OpenRequest, SendRequest, WorkerReport } from './worker.js';

export type { ClientSpec } from './worker.js';

export interface PoolOptions {
  receive: boolean;
  senders?: number;
  latency?: boolean;
  /** Load-generator threads the clients are spread over. */
  workers?: number;
  /** Connections being set up at once per thread. */
  concurrency?: number;
}

export interface PoolReport {
  delivered: number;
  violations: number;
  histogram: Histogram;
  sent: number;
  acked: number;
  failedAcks: number;
  lost: number;
}

const WORKER = new URL('./worker.js', import.meta.url);

/** Clients of one protocol spread over worker threads; the main thread only reads counters. */
export class ClientPool {
  private readonly counter: Float64Array;

  private constructor(
    private readonly workers: Worker[],
    shared: SharedArrayBuffer,
    readonly opened: number,
    /** How long opening took in the slowest thread (connect and log in, every client), in ms. */
    readonly openMs: number,
    /** Connects retried after a refusal or reset (see worker.ts). */
    readonly retries: number,
  ) {
    this.counter = new Float64Array(shared);
  }

  static async open(protocol: Protocol, port: number, clients: ClientSpec[], o: PoolOptions): Promise<ClientPool> {
    const n = Math.max(1, Math.min(o.workers ?? 1, clients.length));
    const shared = new SharedArrayBuffer(8 * n);
    const workers = Array.from({ length: n }, (_, slot) => new Worker(WORKER, { workerData: { counter: shared, slot } }));
    const replies = await Promise.all(
      workers.map((w, k) => {
        const share = clients.filter((_, i) => i % n === k);
        const req: OpenRequest = { type: 'open', protocol, port, clients: share, receive: o.receive, senders: o.senders ?? 1, latency: o.latency ?? false, concurrency: o.concurrency ?? 64 };
        return ask<{ opened: number; failed: number; firstError: string; ms: number; retries: number }>(w, req, 'opened');
      }),
    );
    const opened = replies.reduce((a, r) => a + r.opened, 0);
    const pool = new ClientPool(workers, shared, opened, Math.max(...replies.map((r) => r.ms)), replies.reduce((a, r) => a + r.retries, 0));
    const failed = replies.reduce((a, r) => a + r.failed, 0);
    if (failed > 0) {
      await pool.close();
      throw new Error(`${failed} of ${clients.length} ${protocol} clients could not connect: ${replies.find((r) => r.firstError)?.firstError}`);
    }
    return pool;
  }

  /** Deliveries counted so far, over every thread (read without messaging them). */
  delivered(): number {
    let total = 0;
    for (let i = 0; i < this.counter.length; i++) total += this.counter[i]!;
    return total;
  }

  async reset(): Promise<void> {
    await Promise.all(this.workers.map((w) => ask(w, { type: 'reset' }, 'reset')));
  }

  /** Every client sends `perClientRate` messages per second for `durationMs`. */
  async send(perClientRate: number, durationMs: number): Promise<void> {
    const req: SendRequest = { type: 'send', perClientRate, durationMs };
    await Promise.all(this.workers.map((w) => ask(w, req, 'sent')));
  }

  async report(): Promise<PoolReport> {
    const reports = await Promise.all(this.workers.map((w) => ask<{ report: WorkerReport }>(w, { type: 'report' }, 'report')));
    const histogram = new Histogram();
    const out: PoolReport = { delivered: 0, violations: 0, histogram, sent: 0, acked: 0, failedAcks: 0, lost: 0 };
    for (const { report: r } of reports) {
      out.delivered += r.delivered;
      out.violations += r.violations;
      out.sent += r.sent;
      out.acked += r.acked;
      out.failedAcks += r.failedAcks;
      out.lost += r.lost;
      histogram.merge({ counts: r.counts, count: r.histCount, maxMicros: r.maxMicros });
    }
    return out;
  }

  async close(): Promise<void> {
    await Promise.all(this.workers.map((w) => ask(w, { type: 'close' }, 'closed').catch(() => undefined)));
    await Promise.all(this.workers.map((w) => w.terminate()));
  }
}

function ask<T = unknown>(w: Worker, message: object, replyType: string): Promise<T> {
  return new Promise((resolve, reject) => {
    const onMessage = (m: { type: string; message?: string }): void => {
      if (m.type === 'error') {
        w.off('message', onMessage);
        reject(new Error(m.message));
      } else if (m.type === replyType) {
        w.off('message', onMessage);
        resolve(m as T);
      }
    };
    w.on('message', onMessage);
    w.postMessage(message);
  });
}

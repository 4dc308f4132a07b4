import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import type { ChatMetrics } from './core/metrics.js';
import { droppedLogLines } from './log-destination.js';
import { passwordWork } from './core/passwords.js';

/** Prometheus metrics of one server process, served at /metrics. */
export function createMetrics(connections: () => Record<string, number>): { registry: Registry; chat: ChatMetrics } {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry, prefix: 'banter_' }); // event-loop lag, memory, CPU
  new Gauge({
    name: 'banter_connections',
    help: 'Open client connections by transport',
    labelNames: ['transport'],
    registers: [registry],
    collect() {
      for (const [transport, count] of Object.entries(connections())) this.set({ transport }, count);
    },
  });
  let droppedReported = 0;
  new Counter({
    name: 'banter_log_lines_dropped_total',
    help: 'Log lines dropped because stdout (the log destination) failed or could not keep up',
    registers: [registry],
    collect() {
      const now = droppedLogLines();
      if (now > droppedReported) this.inc(now - droppedReported);
      droppedReported = now;
    },
  });
  // Password hashes are what anonymous clients can make the server spend: run, and refused as busy.
  new Counter({
    name: 'banter_password_hashes_total',
    help: 'Password hashes and checks run, or refused because the hash queue was full (result)',
    labelNames: ['result'],
    registers: [registry],
    collect() {
      const work = passwordWork();
      this.reset();
      this.inc({ result: 'run' }, work.run);
      this.inc({ result: 'refused' }, work.refused);
    },
  });
  const requests = new Counter({ name: 'banter_requests_total', help: 'Requests handled, by op and result', labelNames: ['op', 'result'], registers: [registry] });
  const requestCounters = new Map<string, { inc(): void }>();
  const delivered = new Counter({ name: 'banter_events_delivered_total', help: 'Events written to sessions (messages out)', registers: [registry] });
  const fanOut = new Histogram({
    name: 'banter_fanout_seconds',
    help: 'Time to write one event to every local recipient',
    buckets: [0.00005, 0.0001, 0.0005, 0.001, 0.005, 0.01, 0.05, 0.1],
    registers: [registry],
  });
  const store = new Histogram({
    name: 'banter_store_append_seconds',
    help: 'Time from a message append to its durable commit',
    buckets: [0.0005, 0.001, 0.002, 0.005, 0.01, 0.02, 0.05, 0.1, 0.5],
    registers: [registry],
  });
  return {
    registry,
    chat: {
      // One labelled child per (op, result), made once: labels are hashed on every inc() otherwise.
      request: (op, errorCode) => {
        const key = `${op} ${errorCode ?? 'ok'}`;
        let child = requestCounters.get(key);
        if (!child) requestCounters.set(key, (child = requests.labels(op, errorCode ?? 'ok')));
        child.inc();
      },
      stored: (seconds) => store.observe(seconds),
      fannedOut: (recipients, seconds) => {
        delivered.inc(recipients);
        fanOut.observe(seconds);
      },
    },
  };
}

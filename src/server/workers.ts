import cluster, { type Worker } from 'node:cluster';
import type { Logger as PinoLogger } from 'pino';

/** What a worker tells the primary once it listens. */
export const READY = 'banter:ready';
const INDEX_ENV = 'BANTER_WORKER_INDEX';

/** The index of this worker (0 is the first), or undefined in a process that is not a worker. */
export function workerIndex(): number | undefined {
  return cluster.isWorker ? Number(process.env[INDEX_ENV] ?? 0) : undefined;
}

const STOP = 'banter:stop';

/** In a worker: calls back when the primary asks it to stop. */
export function onStopRequest(stop: () => void): void {
  process.on('message', (m: { banter?: string }) => {
    if (m?.banter === STOP) stop();
  });
}

/** In a worker: tells the primary this node is up. */
export function reportReady(): void {
  process.send?.({ banter: READY });
}

/**
 * The primary of `--workers N`: forks N copies of this command that share the TCP and HTTP ports
 * (node:cluster hands connections round-robin). The first worker starts alone (it migrates the
 * database and sets up `admin`), the others after it. A worker that dies is replaced, at most 10
 * times a minute; SIGINT/SIGTERM stops them all gracefully.
 */
export function runWorkers(count: number, logger: PinoLogger): void {
  let stopping = false;
  const restarts: number[] = [];
  const ready = new Set<Worker>();
  const fork = (index: number): Worker => {
    const worker = cluster.fork({ [INDEX_ENV]: String(index) });
    worker.on('message', (m: { banter?: string }) => {
      if (m?.banter !== READY) return;
      ready.add(worker);
      if (index === 0 && ready.size === 1) for (let i = 1; i < count; i++) fork(i);
    });
    worker.on('exit', (code, signal) => {
      const wasReady = ready.delete(worker);
      if (stopping) {
        if (Object.keys(cluster.workers ?? {}).length === 0) process.exit(0);
        return;
      }
      if (!wasReady && index === 0 && ready.size === 0) {
        // The first one could not start (it said why): neither will the others.
        logger.fatal({ code, signal }, 'the first worker failed to start');
        process.exit(2);
      }
      const now = Date.now();
      while (restarts.length > 0 && restarts[0]! < now - 60_000) restarts.shift();
      if (restarts.length >= 10) {
        logger.fatal({ code, signal }, 'workers keep dying: giving up');
        stop(1);
        return;
      }
      restarts.push(now);
      logger.warn({ pid: worker.process.pid, code, signal, index }, 'worker died; starting another');
      // Not the first any more: the database and admin are set up.
      fork(Math.max(index, 1));
    });
    return worker;
  };
  const stop = (exitCode = 0): void => {
    if (stopping) return;
    stopping = true;
    const workers = Object.values(cluster.workers ?? {});
    if (workers.length === 0) process.exit(exitCode);
    for (const w of workers) w?.send({ banter: STOP });
  };
  let signals = 0;
  const onSignal = (): void => {
    if (++signals > 1) {
      for (const w of Object.values(cluster.workers ?? {})) w?.process.kill('SIGKILL');
      process.exit(130);
    }
    stop();
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  logger.info({ workers: count }, 'starting workers');
  fork(0);
}

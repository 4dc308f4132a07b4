/**
 * A worker thread that checkpoints the store's write-ahead log on its own connection. SQLite's
 * automatic checkpoint runs inside a COMMIT, on the thread that commits: it copies the log into
 * the database file and fsyncs it, which on a busy disk stalls the event loop (every user's
 * messages) for as long as the fsync takes. PASSIVE checkpoints here never wait for, nor block,
 * the server's readers and writers.
 */
import { parentPort, workerData } from 'node:worker_threads';
import Database from 'better-sqlite3';

export interface CheckpointerData {
  file: string;
  synchronous: 'FULL' | 'NORMAL';
  intervalMs: number;
}

const { file, synchronous, intervalMs } = workerData as CheckpointerData;
const db = new Database(file, { fileMustExist: true });
db.pragma('busy_timeout = 1000');
// Whether the checkpoint fsyncs the database file follows this connection's setting.
db.pragma(`synchronous = ${synchronous}`);

/**
 * Under a sustained stream of commits a PASSIVE checkpoint never catches up with the last frame,
 * so the log is never started over and grows. Past this many pages (4 KiB each) one TRUNCATE
 * checkpoint makes the server's next commit wait for it, then the log starts again from zero.
 */
const MAX_LOG_PAGES = 16_384;

/** Checkpoints failing in a row before this thread gives up, so the server checkpoints itself again. */
const MAX_FAILURES = 20;
let failures = 0;

const timer = setInterval(() => {
  try {
    const [result] = db.pragma('wal_checkpoint(PASSIVE)') as { log: number; checkpointed: number }[];
    if (result && result.log > MAX_LOG_PAGES) db.pragma('wal_checkpoint(TRUNCATE)');
    failures = 0;
  } catch (err) {
    // Busy or I/O trouble this time: the next interval tries again; but a log that can never be
    // checkpointed here would grow without end.
    if (++failures >= MAX_FAILURES) throw err;
  }
}, intervalMs);

parentPort!.on('message', (m: { type: 'stop' }) => {
  if (m.type !== 'stop') return;
  clearInterval(timer);
  db.close();
  parentPort!.postMessage({ type: 'stopped' });
});

import { write, writeSync } from 'node:fs';

/** Lines waiting for the destination beyond this many bytes are dropped (and counted). */
const MAX_PENDING_BYTES = 4 * 1024 * 1024;
/** After a failed write, the next try waits this long; after a full non-blocking pipe (EAGAIN), much less. */
const RETRY_MS = 1000;
const PIPE_FULL_RETRY_MS = 10;

let droppedTotal = 0;

/** Log lines dropped since the process started because their destination could not take them. */
export function droppedLogLines(): number {
  return droppedTotal;
}

/**
 * Where pino writes: a file descriptor (stdout), written asynchronously, that never stops or
 * crashes the server. pino's own destination (SonicBoom) turns a write error other than EPIPE
 * into an 'error' event nobody handles, so a full disk under a redirected stdout (ENOSPC) killed
 * the process. Here a failed write drops what it held, counts the lines (droppedLogLines, the
 * metric banter_log_lines_dropped_total), and tries again with later lines after RETRY_MS; a
 * destination that cannot keep up (a pipe nobody reads) has at most MAX_PENDING_BYTES waiting,
 * and lines beyond are dropped and counted the same way. Once writes work again, a line says how
 * many were lost.
 */
export class LogDestination {
  private pending: string[] = [];
  private pendingBytes = 0;
  private writing = false;
  private retryTimer: NodeJS.Timeout | undefined;
  /** Lines dropped since the last successful write, and why, for the line that reports them. */
  private droppedSince = 0;
  private lastError = '';
  /** The last write stopped mid-line: the next starts on a new one. */
  private midLine = false;

  private static readonly byFd = new Map<number, LogDestination>();

  /** One per descriptor: every logger of the process (tests start many servers) shares it. */
  static of(fd: number): LogDestination {
    let d = LogDestination.byFd.get(fd);
    if (!d) {
      LogDestination.byFd.set(fd, (d = new LogDestination(fd)));
      // Whatever is still waiting at exit gets one synchronous try.
      const dest = d;
      process.once('exit', () => dest.flushSync());
    }
    return d;
  }

  private constructor(private readonly fd: number) {}

  /** pino calls this with one complete line (ending in \n) per log call. */
  write(line: string): boolean {
    const bytes = Buffer.byteLength(line);
    if (this.pendingBytes + bytes > MAX_PENDING_BYTES) {
      this.drop(1, 'destination too slow');
      return true;
    }
    this.pending.push(line);
    this.pendingBytes += bytes;
    if (!this.writing && !this.retryTimer) this.next();
    return true;
  }

  private next(): void {
    if (this.pending.length === 0) return;
    const lines = this.pending;
    this.pending = [];
    this.pendingBytes = 0;
    let text = lines.join('');
    const reported = this.droppedSince;
    if (reported > 0) text = this.droppedLine() + text;
    if (this.midLine) text = '\n' + text;
    this.droppedSince = 0;
    this.writing = true;
    this.writeAll(Buffer.from(text), lines.length, reported);
  }

  /** `lines`: how many log lines `data` holds; `reported`: the dropped count its first line reports. */
  private writeAll(data: Buffer, lines: number, reported: number): void {
    write(this.fd, data, 0, data.length, null, (err, written) => {
      if (err) {
        this.writing = false;
        const code = (err as NodeJS.ErrnoException).code ?? 'error';
        if (code === 'EAGAIN') {
          // A non-blocking pipe is full: nothing is lost, it is tried again.
          this.pending.unshift(data.toString());
          this.pendingBytes += data.length;
        } else {
          this.droppedSince += reported;
          this.drop(lines, code);
        }
        this.retryTimer = setTimeout(
          () => {
            this.retryTimer = undefined;
            this.next();
          },
          code === 'EAGAIN' ? PIPE_FULL_RETRY_MS : RETRY_MS,
        );
        this.retryTimer.unref();
        return;
      }
      if (written < data.length) {
        if (written > 0) this.midLine = data[written - 1] !== 0x0a;
        return this.writeAll(data.subarray(written), lines, reported);
      }
      this.midLine = false;
      this.writing = false;
      this.next();
    });
  }

  private drop(lines: number, why: string): void {
    droppedTotal += lines;
    this.droppedSince += lines;
    this.lastError = why;
  }

  private droppedLine(): string {
    return `${JSON.stringify({ level: 40, time: new Date().toISOString(), pid: process.pid, dropped: this.droppedSince, reason: this.lastError, msg: 'log lines dropped: the log destination failed' })}\n`;
  }

  private flushSync(): void {
    if (this.pending.length === 0) return;
    try {
      writeSync(this.fd, this.pending.join(''));
    } catch {
      // Exiting anyway; nothing more to do with them.
    }
    this.pending = [];
  }
}

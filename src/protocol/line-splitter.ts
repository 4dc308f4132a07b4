const LF = 0x0a;
const CR = 0x0d;
const EMPTY = new Uint8Array(0);

/** What a LineSplitter does after a line longer than its limit. */
export type OverLongLine =
  /** Reports it at once and reads nothing more: the stream can no longer be trusted. */
  | 'stop'
  /** Drops that line, reports it once its LF has come, and goes on with the next line. */
  | 'skip';

/**
 * Cuts a byte stream into lines: bytes go in with write() as they arrive, in chunks of any size;
 * each complete line comes out through onLine without its LF (nor a CR before it). Empty lines
 * are skipped. Memory stays bounded: a line whose bytes (a CR included) exceed maxRawBytes is never
 * buffered whole, and the unfinished line is one growing copy, whatever the chunks (a client
 * trickling one byte per packet must not cost a buffer per byte, nor pin whole chunks in memory).
 *
 * The line handed to onLine is a view valid only during the call.
 */
export class LineSplitter {
  private pending = EMPTY;
  private pendingBytes = 0;
  private skipping = false;
  private stopped = false;

  constructor(
    private readonly maxRawBytes: number,
    private readonly overLong: OverLongLine,
    private readonly onLine: (line: Uint8Array) => void,
    private readonly onTooLong: () => void,
  ) {}

  /** Bytes of an unfinished line held so far. */
  get buffered(): number {
    return this.pendingBytes;
  }

  /** Stops all further output, e.g. when the connection is closed from inside onLine. */
  stop(): void {
    this.stopped = true;
    this.drop();
  }

  write(chunk: Uint8Array): void {
    let start = 0;
    while (!this.stopped && start < chunk.length) {
      const nl = chunk.indexOf(LF, start);
      const end = nl < 0 ? chunk.length : nl;
      if (!this.skipping && this.pendingBytes + (end - start) > this.maxRawBytes) {
        if (this.overLong === 'stop') {
          this.stop();
          return this.onTooLong();
        }
        this.skipping = true;
        this.drop();
      }
      if (nl < 0) {
        if (!this.skipping) this.keep(chunk.subarray(start));
        return;
      }
      let line = chunk.subarray(start, nl);
      start = nl + 1;
      if (this.skipping) {
        this.skipping = false;
        this.onTooLong();
        continue;
      }
      if (this.pendingBytes > 0) {
        this.keep(line);
        line = this.pending.subarray(0, this.pendingBytes);
        this.drop();
      }
      if (line.length > 0 && line[line.length - 1] === CR) line = line.subarray(0, line.length - 1);
      if (line.length > 0) this.onLine(line);
    }
  }

  private keep(bytes: Uint8Array): void {
    const needed = this.pendingBytes + bytes.length;
    if (needed > this.pending.length) {
      const grown = new Uint8Array(Math.min(this.maxRawBytes, Math.max(needed, 2 * this.pending.length, 256)));
      grown.set(this.pending.subarray(0, this.pendingBytes));
      this.pending = grown;
    }
    this.pending.set(bytes, this.pendingBytes);
    this.pendingBytes = needed;
  }

  private drop(): void {
    this.pending = EMPTY;
    this.pendingBytes = 0;
  }
}

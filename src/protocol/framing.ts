import { MAX_LINE_BYTES } from './limits.js';
import type { ErrorCode } from './errors.js';

const NEWLINE = 0x0a;
const CR = 0x0d;

/**
 * Cuts a byte stream into UTF-8 lines. Bytes go in with write() as they arrive, in chunks of any
 * size; each complete line comes out through onLine, without its "\n" (a "\r" before it is dropped
 * too, for telnet-style clients). Empty lines are skipped.
 *
 * A line longer than the limit or not valid UTF-8 is a framing violation: onError is called once
 * and the decoder ignores everything after it, since the stream can no longer be trusted.
 * Memory stays bounded: an over-long line is refused before it is buffered whole.
 */
export class LineDecoder {
  /** The unfinished line, copied: one growing buffer, whatever the chunks (a client trickling one
   * byte per packet must not cost a buffer per byte, nor pin whole chunks in memory). */
  private pending = new Uint8Array(0);
  private pendingBytes = 0;
  private stopped = false;
  private readonly utf8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });

  constructor(
    private readonly onLine: (line: string) => void,
    private readonly onError: (code: ErrorCode, message: string) => void,
    private readonly maxBytes = MAX_LINE_BYTES,
  ) {}

  /** Bytes of an unfinished line held so far. */
  get buffered(): number {
    return this.pendingBytes;
  }

  get failed(): boolean {
    return this.stopped;
  }

  /** Stops all further output, e.g. when the connection is closed from inside onLine. */
  stop(): void {
    this.stopped = true;
    this.pending = new Uint8Array(0);
    this.pendingBytes = 0;
  }

  write(chunk: Uint8Array): void {
    let start = 0;
    while (!this.stopped && start < chunk.length) {
      const nl = chunk.indexOf(NEWLINE, start);
      if (nl === -1) {
        const rest = chunk.length - start;
        // +1: the limit counts the line without a trailing "\r" that may still be on its way.
        if (this.pendingBytes + rest > this.maxBytes + 1) return this.fail('FRAME_TOO_LARGE', this.tooLarge());
        this.keep(chunk.subarray(start));
        return;
      }
      let line = chunk.subarray(start, nl);
      if (this.pendingBytes > 0) {
        if (this.pendingBytes + line.length > this.maxBytes + 1) return this.fail('FRAME_TOO_LARGE', this.tooLarge());
        this.keep(line);
        line = this.pending.slice(0, this.pendingBytes);
        this.pending = new Uint8Array(0);
        this.pendingBytes = 0;
      }
      start = nl + 1;
      if (line.length > 0 && line[line.length - 1] === CR) line = line.subarray(0, line.length - 1);
      if (line.length > this.maxBytes) return this.fail('FRAME_TOO_LARGE', this.tooLarge());
      if (line.length === 0) continue;
      let text: string;
      try {
        text = this.utf8.decode(line);
      } catch {
        return this.fail('BAD_ENCODING', 'line is not valid UTF-8');
      }
      this.onLine(text);
    }
  }

  private keep(bytes: Uint8Array): void {
    const needed = this.pendingBytes + bytes.length;
    if (needed > this.pending.length) {
      const grown = new Uint8Array(Math.min(this.maxBytes + 1, Math.max(needed, 2 * this.pending.length, 256)));
      grown.set(this.pending.subarray(0, this.pendingBytes));
      this.pending = grown;
    }
    this.pending.set(bytes, this.pendingBytes);
    this.pendingBytes = needed;
  }

  private tooLarge(): string {
    return `line longer than ${this.maxBytes} bytes`;
  }

  private fail(code: ErrorCode, message: string): void {
    this.stop();
    this.onError(code, message);
  }
}

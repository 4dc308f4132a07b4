import { MAX_LINE_BYTES } from './limits.js';
import type { ErrorCode } from './errors.js';
import { LineSplitter } from './line-splitter.js';

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
  private stopped = false;
  private readonly utf8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });
  private readonly lines: LineSplitter;

  constructor(
    private readonly onLine: (line: string) => void,
    private readonly onError: (code: ErrorCode, message: string) => void,
    private readonly maxBytes = MAX_LINE_BYTES,
  ) {
    // +1: the limit counts the line without its "\r", which may still be on its way.
    this.lines = new LineSplitter(maxBytes + 1, 'stop', (line) => this.line(line), () => this.fail('FRAME_TOO_LARGE', this.tooLarge()));
  }

  /** Bytes of an unfinished line held so far. */
  get buffered(): number {
    return this.lines.buffered;
  }

  get failed(): boolean {
    return this.stopped;
  }

  /** Stops all further output, e.g. when the connection is closed from inside onLine. */
  stop(): void {
    this.stopped = true;
    this.lines.stop();
  }

  write(chunk: Uint8Array): void {
    this.lines.write(chunk);
  }

  private line(bytes: Uint8Array): void {
    if (bytes.length > this.maxBytes) return this.fail('FRAME_TOO_LARGE', this.tooLarge());
    let text: string;
    try {
      text = this.utf8.decode(bytes);
    } catch {
      return this.fail('BAD_ENCODING', 'line is not valid UTF-8');
    }
    this.onLine(text);
  }

  private tooLarge(): string {
    return `line longer than ${this.maxBytes} bytes`;
  }

  private fail(code: ErrorCode, message: string): void {
    this.stop();
    this.onError(code, message);
  }
}

const LF = 0x0a;
const CR = 0x0d;

/**
 * IRCv3 message-tags: a client's tag data is at most 4094 bytes, so its tags part with '@' and
 * the space is at most 4096 (servers may send 8191; clients may not).
 */
export const MAX_TAGS_BYTES = 4096;
/** RFC 1459 §2.3: a line is at most 512 bytes, CR LF included. */
export const MAX_LINE_BYTES = 512;

export type LineEvent =
  | { kind: 'line'; text: string; bytes: number }
  /** A line longer than the limits: dropped whole (417 ERR_INPUTTOOLONG), the connection stays. */
  | { kind: 'too-long' }
  /** A line that is not UTF-8 (UTF8ONLY): dropped; `command` is what could be read of it. */
  | { kind: 'bad-utf8'; command: string };

/**
 * Cuts a byte stream into IRC lines: ends at LF, with or without CR (modern IRC accepts both).
 * Memory is bounded: an over-long line is not kept, only skipped to its end. Empty lines are
 * ignored, as the RFC says.
 */
export class IrcLineReader {
  private pending: Buffer[] = [];
  private pendingBytes = 0;
  private skipping = false;
  private stopped = false;
  private readonly utf8 = new TextDecoder('utf-8', { fatal: true });
  private readonly maxBytes = MAX_TAGS_BYTES + MAX_LINE_BYTES;

  constructor(private readonly onEvent: (e: LineEvent) => void) {}

  stop(): void {
    this.stopped = true;
    this.pending = [];
    this.pendingBytes = 0;
  }

  write(chunk: Buffer): void {
    let start = 0;
    while (!this.stopped && start < chunk.length) {
      const nl = chunk.indexOf(LF, start);
      const end = nl < 0 ? chunk.length : nl;
      if (!this.skipping) {
        if (this.pendingBytes + (end - start) > this.maxBytes) {
          this.skipping = true;
          this.pending = [];
          this.pendingBytes = 0;
        } else if (end > start) {
          this.pending.push(chunk.subarray(start, end));
          this.pendingBytes += end - start;
        }
      }
      if (nl < 0) {
        // Keep a copy, not a view: the chunk may be large and the rest of it is not ours to pin.
        if (this.pending.length > 0 && !this.skipping) this.pending[this.pending.length - 1] = Buffer.from(this.pending[this.pending.length - 1]!);
        return;
      }
      start = nl + 1;
      if (this.skipping) {
        this.skipping = false;
        this.onEvent({ kind: 'too-long' });
        continue;
      }
      let line = this.pending.length === 1 ? this.pending[0]! : Buffer.concat(this.pending, this.pendingBytes);
      this.pending = [];
      this.pendingBytes = 0;
      if (line.length > 0 && line[line.length - 1] === CR) line = line.subarray(0, line.length - 1);
      if (line.length === 0) continue;
      this.emit(line);
    }
  }

  private emit(line: Buffer): void {
    let text: string;
    try {
      text = this.utf8.decode(line);
    } catch {
      const lenient = line.toString('latin1');
      const command = (lenient.startsWith('@') ? lenient.slice(lenient.indexOf(' ') + 1) : lenient).replace(/^:\S*\s+/, '').split(' ')[0] ?? '*';
      this.onEvent({ kind: 'bad-utf8', command: /^[A-Za-z0-9]{1,20}$/.test(command) ? command.toUpperCase() : '*' });
      return;
    }
    // The tags have their own 4096 bytes; the rest must fit the classic 512 (CR LF counted).
    const tagsEnd = line[0] === 0x40 ? line.indexOf(0x20) + 1 : 0;
    if (tagsEnd > MAX_TAGS_BYTES || line.length - tagsEnd > MAX_LINE_BYTES - 2) {
      this.onEvent({ kind: 'too-long' });
      return;
    }
    this.onEvent({ kind: 'line', text, bytes: line.length });
  }
}

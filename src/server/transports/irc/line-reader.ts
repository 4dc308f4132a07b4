import { LineSplitter } from '../../../protocol/index.js';

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
  private readonly utf8 = new TextDecoder('utf-8', { fatal: true });
  private readonly lines = new LineSplitter(
    MAX_TAGS_BYTES + MAX_LINE_BYTES,
    'skip',
    (line) => this.emit(Buffer.from(line.buffer, line.byteOffset, line.byteLength)),
    () => this.onEvent({ kind: 'too-long' }),
  );

  constructor(private readonly onEvent: (e: LineEvent) => void) {}

  stop(): void {
    this.lines.stop();
  }

  write(chunk: Buffer): void {
    this.lines.write(chunk);
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

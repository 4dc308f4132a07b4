import net from 'node:net';
import { StringDecoder } from 'node:string_decoder';

/** A bare TCP connection for tests that speak the wire format by hand, bad bytes included. */
export class RawSocket {
  readonly lines: Record<string, unknown>[] = [];
  private buffer = '';
  closed = false;
  private readonly socket: net.Socket;

  private constructor(socket: net.Socket) {
    this.socket = socket;
    const utf8 = new StringDecoder('utf8'); // a character split across reads stays whole
    socket.on('data', (d: Buffer) => {
      this.buffer += utf8.write(d);
      let nl;
      while ((nl = this.buffer.indexOf('\n')) >= 0) {
        const line = this.buffer.slice(0, nl);
        this.buffer = this.buffer.slice(nl + 1);
        this.lines.push(JSON.parse(line) as Record<string, unknown>);
      }
    });
    socket.on('close', () => (this.closed = true));
    socket.on('error', () => undefined);
  }

  static open(port: number): Promise<RawSocket> {
    return new Promise((resolve, reject) => {
      const s = net.connect({ host: '127.0.0.1', port }, () => resolve(new RawSocket(s)));
      s.once('error', reject);
    });
  }

  write(data: string | Uint8Array): void {
    this.socket.write(data);
  }

  /** Sends a request object as one line and waits for its reply. */
  async request(body: Record<string, unknown>): Promise<Record<string, unknown>> {
    this.write(JSON.stringify(body) + '\n');
    return this.waitFor((l) => l.re === body.id);
  }

  async waitFor(match: (line: Record<string, unknown>) => boolean, timeoutMs = 5000): Promise<Record<string, unknown>> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const found = this.lines.find(match);
      if (found) return found;
      if (Date.now() > deadline) throw new Error(`no matching line; got ${JSON.stringify(this.lines).slice(0, 500)}`);
      await new Promise((r) => setTimeout(r, 5));
    }
  }

  async waitClosed(timeoutMs = 5000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (!this.closed) {
      if (Date.now() > deadline) throw new Error('socket still open');
      await new Promise((r) => setTimeout(r, 5));
    }
  }

  pause(): void {
    this.socket.pause();
  }

  destroy(): void {
    this.socket.destroy();
  }
}

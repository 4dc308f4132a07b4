import net from 'node:net';
import tls from 'node:tls';
import { StringDecoder } from 'node:string_decoder';
import { parseMessage, type IrcMessage } from '../../src/server/transports/irc/message.js';
import { PASSWORD, newUser, waitUntil } from './clients.js';
import type { TestServer } from './server.js';

export interface IrcLine extends IrcMessage {
  raw: string;
}

/** A bare IRC connection for tests: raw lines out, parsed lines in, nothing assumed about the server. */
export class IrcTestClient {
  readonly lines: IrcLine[] = [];
  closed = false;
  private buffer = '';
  /** Lines before this index were consumed by an earlier `expect`. */
  private cursor = 0;

  private constructor(private readonly socket: net.Socket) {
    const utf8 = new StringDecoder('utf8');
    socket.on('data', (d: Buffer) => {
      this.buffer += utf8.write(d);
      let nl;
      while ((nl = this.buffer.indexOf('\n')) >= 0) {
        const raw = this.buffer.slice(0, nl).replace(/\r$/, '');
        this.buffer = this.buffer.slice(nl + 1);
        const m = parseMessage(raw);
        if (m) this.lines.push({ ...m, raw });
      }
    });
    socket.on('close', () => (this.closed = true));
    socket.on('error', () => undefined);
  }

  /** Connects, over TLS (any certificate accepted) if asked. */
  static open(port: number, options: { tls?: boolean } = {}): Promise<IrcTestClient> {
    return new Promise((resolve, reject) => {
      const s = options.tls
        ? tls.connect({ host: '127.0.0.1', port, rejectUnauthorized: false }, () => resolve(new IrcTestClient(s)))
        : net.connect({ host: '127.0.0.1', port }, () => resolve(new IrcTestClient(s)));
      s.once('error', reject);
    });
  }

  /** Registers with PASS/NICK/USER; resolves after the join burst's 366 (or rejects on ERROR). */
  static async login(port: number, nick: string, password: string, caps: string[] = []): Promise<IrcTestClient> {
    const c = await IrcTestClient.open(port);
    if (caps.length > 0) {
      c.send('CAP LS 302');
      c.send(`CAP REQ :${caps.join(' ')}`);
      await c.expect((l) => l.command === 'CAP' && l.params[1] === 'ACK');
      c.send('CAP END');
    }
    c.send(`PASS ${password}`);
    c.send(`NICK ${nick}`);
    c.send(`USER ${nick} 0 * :${nick} on IRC`);
    await c.expect((l) => l.command === '366' || l.command === 'ERROR');
    if (c.lines.some((l) => l.command === 'ERROR')) throw new Error(`IRC login refused: ${c.transcript()}`);
    return c;
  }

  send(line: string | Buffer): void {
    this.socket.write(typeof line === 'string' ? `${line}\r\n` : line);
  }

  /** The next line (after those already expected) that matches; consumes it and what came before. */
  async expect(match: (l: IrcLine) => boolean, timeoutMs = 5000, what = 'a matching line'): Promise<IrcLine> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      for (let i = this.cursor; i < this.lines.length; i++) {
        if (match(this.lines[i]!)) {
          this.cursor = i + 1;
          return this.lines[i]!;
        }
      }
      if (Date.now() > deadline) throw new Error(`no ${what} within ${timeoutMs} ms; got:\n${this.transcript()}`);
      await new Promise((r) => setTimeout(r, 5));
    }
  }

  /** Waits for a command (numeric or word), optionally with given leading params. */
  expectCommand(command: string, ...params: string[]): Promise<IrcLine> {
    return this.expect((l) => l.command === command && params.every((p, i) => l.params[i] === p), 5000, `${command} ${params.join(' ')}`);
  }

  transcript(): string {
    return this.lines.map((l) => l.raw).join('\n');
  }

  async waitClosed(timeoutMs = 5000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (!this.closed) {
      if (Date.now() > deadline) throw new Error(`connection still open; got:\n${this.transcript()}`);
      await new Promise((r) => setTimeout(r, 5));
    }
  }

  /** Stops reading (the server's writes pile up), and starts again. */
  pause(): void {
    this.socket.pause();
  }

  resume(): void {
    this.socket.resume();
  }

  close(): void {
    this.socket.destroy();
  }
}

/**
 * A new account, registered over the line protocol (that session gone again, so the IRC login
 * is the user's first), logged in over IRC with these capabilities.
 */
export async function newIrcUser(server: TestServer, caps: string[] = []): Promise<{ irc: IrcTestClient; name: string }> {
  const { client, name } = await newUser(server.tcpPort);
  client.close();
  await waitUntil(() => !server.chat.online.get(name.toLowerCase()), 'the registering session to go');
  return { irc: await IrcTestClient.login(server.ircPort!, name, PASSWORD, caps), name };
}

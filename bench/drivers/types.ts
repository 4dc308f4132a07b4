import net from 'node:net';

/** The wire protocols the benchmark speaks: Banter's JSON lines, MQTT 3.1.1, IRC. */
export type Protocol = 'banter' | 'mqtt' | 'irc';

export interface ConnectOptions {
  port: number;
  /** Client number: names the MQTT client id and the IRC nick. */
  index: number;
  /** Banter: the session token to log in with. */
  token?: string;
  /** Join the room (#lobby / topic "lobby") and receive what is sent there. */
  receive: boolean;
  /** IRC: become an operator with relaxed flood protection (+F), for the fan-out sender. */
  oper?: boolean;
  /** IRC has no acknowledgements: a PING after every `ackEvery` messages stands in for them. */
  ackEvery?: number;
}

export interface ClientHandlers {
  /** A room message arrived; its payload text starts at buf[at]. */
  onPayload(buf: Buffer, at: number): void;
  /** `n` sends were acknowledged (Banter reply, MQTT PUBACK, IRC PONG). */
  onAck(n: number, failed: boolean): void;
  /** Banter: every reply line, for workloads that need the stored seq. */
  onReply?(line: string): void;
}

export interface BenchClient {
  readonly socket: net.Socket;
  /** Sends one room message. */
  send(payload: string): void;
  /** IRC: asks for an acknowledgement of the sends since the last one. */
  flushAcks(): void;
  close(): void;
}

/**
 * One receive buffer for all the sockets of a thread: reads and their callbacks are synchronous,
 * so they can share it, as long as what a callback keeps past its return is copied.
 */
const READ_BUFFER = Buffer.allocUnsafe(256 * 1024);

/**
 * Connects to a loopback port reading into the thread's shared buffer (net's `onread`), so no
 * Buffer is allocated per read: at millions of deliveries per second the receivers' own
 * allocation and GC would otherwise be a large part of the load generator's CPU.
 */
export function connectReading(port: number, onChunk: (chunk: Buffer) => void): net.Socket {
  return net.connect({
    port,
    host: '127.0.0.1',
    noDelay: true,
    onread: {
      buffer: READ_BUFFER,
      callback: (n: number, buf: Uint8Array) => {
        onChunk((buf as Buffer).subarray(0, n));
        return true; // keep reading
      },
    },
  });
}

/** Calls onLine for every complete "\n"-terminated line, carrying partial lines across chunks (copied: see READ_BUFFER). */
export function lineReader(onLine: (buf: Buffer, start: number, end: number) => void): (chunk: Buffer) => void {
  let rest: Buffer | null = null;
  return (chunk) => {
    const buf = rest ? Buffer.concat([rest, chunk]) : chunk;
    let from = 0;
    for (let nl = buf.indexOf(10, from); nl !== -1; nl = buf.indexOf(10, from)) {
      onLine(buf, from, nl);
      from = nl + 1;
    }
    rest = from < buf.length ? Buffer.from(buf.subarray(from)) : null;
  };
}

export function startsWith(buf: Buffer, at: number, ascii: string): boolean {
  if (at + ascii.length > buf.length) return false;
  for (let i = 0; i < ascii.length; i++) if (buf[at + i] !== ascii.charCodeAt(i)) return false;
  return true;
}

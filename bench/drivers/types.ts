import type net from 'node:net';

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

/** Calls onLine for every complete "\n"-terminated line, carrying partial lines across chunks. */
export function lineReader(onLine: (buf: Buffer, start: number, end: number) => void): (chunk: Buffer) => void {
  let rest: Buffer | null = null;
  return (chunk) => {
    const buf = rest ? Buffer.concat([rest, chunk]) : chunk;
    let from = 0;
    for (let nl = buf.indexOf(10, from); nl !== -1; nl = buf.indexOf(10, from)) {
      onLine(buf, from, nl);
      from = nl + 1;
    }
    rest = from < buf.length ? buf.subarray(from) : null;
  };
}

export function startsWith(buf: Buffer, at: number, ascii: string): boolean {
  if (at + ascii.length > buf.length) return false;
  for (let i = 0; i < ascii.length; i++) if (buf[at + i] !== ascii.charCodeAt(i)) return false;
  return true;
}

import type { Logger } from '../../core/config.js';
import type { Peer } from '../../core/peer.js';
import { isOneLine, linesOf } from '../lines.js';
import { OutboundLimit } from '../outbound-limit.js';
import { CLOSE_GRACE_MS } from '../transport-peer.js';

/** The socket side of one IRC connection. */
export interface IrcConduit {
  /** Bytes written and not yet taken by the operating system. */
  queued(): number;
  isOpen(): boolean;
  send(data: Buffer): void;
  /** Sends `last` if given, closes gracefully, and forces the close after CLOSE_GRACE_MS. */
  finish(last?: Buffer): void;
}

/** What turns the core's v1 lines into IRC lines: the connection's IrcSession. */
export interface CoreLineSink {
  /** An event the core wrote to this connection (the encoded v1 line, shared with other recipients). */
  fromCore(data: Buffer): void;
  /** The core closes the connection, with a last v1 line or not: the IRC bytes to end with. */
  lastWords(data: Buffer | undefined): Buffer;
  /** The connection is gone. Called once. */
  closed(): void;
}

/**
 * The Peer the core sees for an IRC client. The core writes v1 lines; the session translates
 * them. IRC lines of both origins (translated events, the gateway's own replies) leave through
 * `send`, under one bounded outbound queue: a client that does not read is dropped.
 */
export class IrcPeer implements Peer {
  readonly transport = 'irc';
  private closing = false;
  private sink: CoreLineSink | undefined;
  private ended = false;
  private readonly limit: OutboundLimit;

  constructor(
    readonly id: string,
    readonly address: string,
    private readonly conduit: IrcConduit,
    maxOutboundBytes: number,
    private readonly logger: Logger,
  ) {
    this.limit = new OutboundLimit(maxOutboundBytes);
  }

  attach(sink: CoreLineSink): void {
    this.sink = sink;
  }

  get isClosing(): boolean {
    return this.closing;
  }

  /** From the core. */
  write(data: Buffer): void {
    // The core may hand several lines at once (presence of a turn); each is an event of its own here.
    if (this.closing) return;
    if (isOneLine(data)) this.sink?.fromCore(data);
    else for (const line of linesOf(data)) this.sink?.fromCore(line);
  }

  /** From the core: kick, ban, timeout, shutdown, a full server. */
  close(last?: Buffer): void {
    if (this.closing) return;
    this.finish(this.sink?.lastWords(last));
  }

  /** IRC bytes to the client. */
  send(data: Buffer): void {
    if (this.closing || !this.conduit.isOpen() || data.length === 0) return;
    if (this.limit.tooFarBehind(this.queued, data.length)) {
      this.logger.warn({ peer: this.id, queued: this.conduit.queued() }, 'slow consumer dropped');
      this.finish(Buffer.from(`ERROR :Closing Link: ${this.address} (SendQ exceeded)\r\n`));
      return;
    }
    this.conduit.send(data);
  }

  private readonly queued = (): number => this.conduit.queued();

  /** Sends the last bytes and closes. */
  finish(last?: Buffer): void {
    if (this.closing) return;
    this.closing = true;
    this.conduit.finish(last);
    // Not now: this may run inside the core's fan-out loop, which must not see presence nested in it.
    queueMicrotask(() => this.end());
  }

  /** The socket closed from the other side (or was destroyed). */
  gone(): void {
    this.closing = true;
    this.end();
  }

  private end(): void {
    if (this.ended) return;
    this.ended = true;
    this.sink?.closed();
  }
}

export { CLOSE_GRACE_MS };

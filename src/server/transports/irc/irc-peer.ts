import type { Logger } from '../../core/config.js';
import type { OutboundEvent } from '../../shared/outbound-event.js';
import type { Peer } from '../../core/peer.js';
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

/** What turns the core's events into IRC lines: the connection's IrcSession. */
export interface CoreEventSink {
  /** An event the core wrote to this connection (the same object every recipient gets). */
  fromCore(event: OutboundEvent): void;
  /** The core closes the connection, with a last event or not: the IRC bytes to end with. */
  lastWords(last: OutboundEvent | undefined): Buffer;
  /** The connection is gone. Called once. */
  closed(): void;
}

/**
 * The Peer the core sees for an IRC client. The core hands it typed events (writeEvent); the
 * session translates them. IRC lines of both origins (translated events, the gateway's own replies) leave through
 * `send`, under one bounded outbound queue: a client that does not read is dropped.
 */
export class IrcPeer implements Peer {
  readonly transport = 'irc';
  private closing = false;
  private sink: CoreEventSink | undefined;
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

  attach(sink: CoreEventSink): void {
    this.sink = sink;
  }

  get isClosing(): boolean {
    return this.closing;
  }

  /**
   * From the core: v1 bytes, which it writes only as replies to v1 request lines. An IRC
   * connection sends none (its requests go through ClientSession.request), so nothing comes here.
   */
  write(): void {}

  /** From the core: an event, to be translated. */
  writeEvent(event: OutboundEvent): void {
    if (!this.closing) this.sink?.fromCore(event);
  }

  outbound(): { queued: number; limit: number } {
    return { queued: this.conduit.queued(), limit: this.limit.limit };
  }

  /** From the core: kick, ban, timeout, shutdown, a full server. */
  close(last?: OutboundEvent): void {
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

import type { ErrorCode } from '../../protocol/index.js';
import type { Logger } from '../core/config.js';
import { OutboundEvent } from '../shared/outbound-event.js';
import type { Peer, PeerHandler } from '../core/peer.js';
import { OutboundLimit } from './outbound-limit.js';

/** Gives up on a peer that does not take its last bytes within this time. */
export const CLOSE_GRACE_MS = 2000;

/** What a transport's connection must offer: the bytes it still holds, sending, and closing. */
export interface Conduit {
  /** Bytes written (this turn's included) and not yet taken by the operating system. */
  queued(): number;
  isOpen(): boolean;
  /** `lazy`: may wait a few ms to share a write with what follows (see write-coalescer.ts). */
  send(data: Buffer, lazy?: boolean): void;
  /** Sends `last` if given, closes gracefully, and forces the close after CLOSE_GRACE_MS. */
  finish(last?: Buffer): void;
}

/**
 * The Peer the core sees, the same for every transport: bounded outbound queue (slow consumers
 * are dropped), idempotent close, and exactly one `closed()` to the core.
 */
export class TransportPeer implements Peer {
  private closing = false;
  // Set once the core has the peer; a close during connect() must not see it half-made.
  private handler: PeerHandler | undefined;
  private readonly limit: OutboundLimit;

  constructor(
    readonly id: string,
    readonly address: string,
    readonly transport: string,
    private readonly conduit: Conduit,
    maxOutboundBytes: number,
    private readonly logger: Logger,
  ) {
    this.limit = new OutboundLimit(maxOutboundBytes);
  }

  attach(handler: PeerHandler): void {
    this.handler = handler;
  }

  /** A line or frame arrived. */
  receive(text: string): void {
    if (!this.closing) this.handler?.receive(text);
  }

  write(data: Buffer, lazy?: boolean): void {
    if (this.closing || !this.conduit.isOpen()) return;
    if (this.limit.tooFarBehind(this.queued, data.length)) {
      this.logger.warn({ peer: this.id, queued: this.conduit.queued() }, 'slow consumer dropped');
      this.closeWithError('SLOW_CONSUMER', 'too far behind; reconnect and catch up with history');
      return;
    }
    this.conduit.send(data, lazy);
  }

  private readonly queued = (): number => this.conduit.queued();

  outbound(): { queued: number; limit: number } {
    return { queued: this.conduit.queued(), limit: this.limit.limit };
  }

  close(last?: OutboundEvent): void {
    if (this.closing) return;
    this.closing = true;
    this.conduit.finish(last?.v1);
    // Not now: this may run inside a fan-out loop, which must not see presence events nested in it.
    queueMicrotask(() => this.handler?.closed());
  }

  closeWithError(code: ErrorCode, message: string): void {
    this.close(OutboundEvent.of('error', { error: { code, message } }));
  }

  /** The connection ended from the other side (or was destroyed). */
  gone(): void {
    this.closing = true;
    this.handler?.closed();
  }
}

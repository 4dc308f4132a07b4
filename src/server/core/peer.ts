import type { OutboundEvent } from '../shared/outbound-event.js';

/**
 * A connected client as the core sees it, whatever carries it (TCP, WebSocket, ...).
 * The transport owns framing, buffering and the bounded send queue.
 */
export interface Peer {
  /** Unique per connection, for logs. */
  readonly id: string;
  /** The remote address, for login throttling and logs. */
  readonly address: string;
  readonly transport: string;
  /**
   * Queues one or more v1 lines: replies, and events as their v1 encoding (the same Buffer for
   * every recipient; transports that frame each message apart split them: see
   * transports/lines.ts). A peer that falls too far behind is closed by the transport.
   * `lazy` lines (presence) may be held a few milliseconds to share a write with others; nothing
   * written after them overtakes them.
   */
  write(data: Buffer, lazy?: boolean): void;
  /**
   * Present on peers that speak another wire format (the IRC gateway): they get events as typed
   * objects, one at a time, and encode them themselves (OutboundEvent.encodedAs, once per event
   * and format for every recipient). Peers without it get each event's v1 bytes through `write`.
   */
  writeEvent?(event: OutboundEvent, lazy?: boolean): void;
  /**
   * The bytes the transport holds for this connection and the cap it drops a slow consumer at,
   * for peers with a bounded queue: reads are admitted against it before their replies are built
   * (read-gate.ts).
   */
  outbound?(): { queued: number; limit: number };
  /** Sends `last` if given, then closes. Idempotent. */
  close(last?: OutboundEvent): void;
}

/** What a transport calls back into, one per connection. */
export interface PeerHandler {
  /** One line (TCP) or text frame (WebSocket), already checked to be UTF-8 and within limits. */
  receive(text: string): void;
  /** The connection is gone, for any reason. Called once. */
  closed(): void;
}

/** Hands an event to a peer in the form it takes: the shared v1 bytes, or the event itself. */
export function writeEvent(peer: Peer, event: OutboundEvent, lazy = false): void {
  if (peer.writeEvent === undefined) peer.write(event.v1, lazy);
  else peer.writeEvent(event, lazy);
}

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
   * Queues one or more encoded lines (transports that frame each message apart split them: see
   * transports/lines.ts). A peer that falls too far behind is closed by the transport.
   * `lazy` lines (presence) may be held a few milliseconds to share a write with others; nothing
   * written after them overtakes them.
   */
  write(data: Buffer, lazy?: boolean): void;
  /** Sends `last` if given, then closes. Idempotent. */
  close(last?: Buffer): void;
}

/** What a transport calls back into, one per connection. */
export interface PeerHandler {
  /** One line (TCP) or text frame (WebSocket), already checked to be UTF-8 and within limits. */
  receive(text: string): void;
  /** The connection is gone, for any reason. Called once. */
  closed(): void;
}

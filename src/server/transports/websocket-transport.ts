import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import { WebSocketServer, type WebSocket } from 'ws';
import { MAX_LINE_BYTES } from '../../protocol/index.js';
import type { Logger } from '../core/config.js';
import type { Peer, PeerHandler } from '../core/peer.js';
import { isOneLine, linesOf } from './lines.js';
import { CLOSE_GRACE_MS, TransportPeer } from './transport-peer.js';
import { corkForTurn } from './write-coalescer.js';

export interface WebSocketTransportOptions {
  maxOutboundBytes: number;
}

let nextId = 0;

/**
 * Protocol v1 over WebSocket: one JSON object per text frame. ws checks that text frames are
 * UTF-8 (close 1007) and refuses frames over the line limit (close 1009).
 */
export class WebSocketTransport {
  private readonly wss: WebSocketServer;

  constructor(
    private readonly connect: (peer: Peer) => PeerHandler,
    private readonly options: WebSocketTransportOptions,
    private readonly logger: Logger,
  ) {
    this.wss = new WebSocketServer({ noServer: true, maxPayload: MAX_LINE_BYTES, perMessageDeflate: false, clientTracking: true });
  }

  get connections(): number {
    return this.wss.clients.size;
  }

  /** Takes over an HTTP upgrade request for the protocol's path; `address` is the client's (behind a trusted proxy, the forwarded one). */
  handleUpgrade(req: IncomingMessage, socket: Duplex, head: Buffer, address = req.socket.remoteAddress ?? 'unknown'): void {
    this.wss.handleUpgrade(req, socket, head, (ws) => this.accept(ws, req, address));
  }

  /** Closes what the core has not closed yet, giving each socket the grace to send its last bytes. */
  async close(): Promise<void> {
    const open = [...this.wss.clients];
    for (const ws of open) ws.close(1001, 'server stopping');
    await Promise.all(
      open.map(
        (ws) =>
          new Promise<void>((resolve) => {
            if (ws.readyState === ws.CLOSED) return resolve();
            const timer = setTimeout(() => {
              ws.terminate();
              resolve();
            }, CLOSE_GRACE_MS);
            ws.once('close', () => {
              clearTimeout(timer);
              resolve();
            });
          }),
      ),
    );
    this.wss.close();
  }

  private accept(ws: WebSocket, req: IncomingMessage, address: string): void {
    const peer = new TransportPeer(
      `ws-${++nextId}`,
      address,
      'ws',
      {
        queued: () => ws.bufferedAmount,
        isOpen: () => ws.readyState === ws.OPEN,
        // The line's trailing newline stays: JSON allows it, and the bytes are shared with TCP peers.
        // One frame per message, as the protocol says; the socket under ws (req.socket: ws writes to
        // the socket it was upgraded on) is corked for the turn, so this turn's frames leave in
        // one writev.
        send: (data) => {
          corkForTurn(req.socket);
          if (isOneLine(data)) ws.send(data, { binary: false });
          else for (const line of linesOf(data)) ws.send(line, { binary: false });
        },
        finish: (last) => {
          if (last) ws.send(last, { binary: false });
          ws.close(1000);
          setTimeout(() => ws.terminate(), CLOSE_GRACE_MS).unref();
        },
      },
      this.options.maxOutboundBytes,
      this.logger,
    );
    ws.on('message', (data, isBinary) => {
      if (isBinary) peer.closeWithError('BAD_REQUEST', 'send text frames, not binary');
      else peer.receive(data.toString());
    });
    ws.on('error', (err) => this.logger.debug({ peer: peer.id, err: err.message }, 'websocket error'));
    ws.on('close', () => peer.gone());
    peer.attach(this.connect(peer));
  }
}

import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import { WebSocketServer, type WebSocket } from 'ws';
import { MAX_LINE_BYTES, encodeEvent } from '../../protocol/index.js';
import type { Logger } from '../core/config.js';
import type { Peer, PeerHandler } from '../core/peer.js';
import { tooFarBehind } from './outbound-limit.js';

export interface WebSocketTransportOptions {
  maxOutboundBytes: number;
}

let nextId = 0;
const CLOSE_GRACE_MS = 2000;

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

  /** Takes over an HTTP upgrade request for the protocol's path. */
  handleUpgrade(req: IncomingMessage, socket: Duplex, head: Buffer): void {
    this.wss.handleUpgrade(req, socket, head, (ws) => this.accept(ws, req));
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

  private accept(ws: WebSocket, req: IncomingMessage): void {
    const id = `ws-${++nextId}`;
    const { maxOutboundBytes } = this.options;
    const logger = this.logger;
    const ref: { handler?: PeerHandler } = {};
    let closing = false;

    const closePeer = (last?: Buffer): void => {
      if (closing) return;
      closing = true;
      if (last) ws.send(last, { binary: false });
      ws.close(1000);
      setTimeout(() => ws.terminate(), CLOSE_GRACE_MS).unref();
      // Not now: this may run inside a fan-out loop, which must not see presence events nested in it.
      queueMicrotask(() => ref.handler?.closed());
    };

    const peer: Peer = {
      id,
      address: req.socket.remoteAddress ?? 'unknown',
      transport: 'ws',
      write(data) {
        if (closing || ws.readyState !== ws.OPEN) return;
        if (tooFarBehind(ws, ws.bufferedAmount, data.length, maxOutboundBytes)) {
          logger.warn({ peer: id, queued: ws.bufferedAmount }, 'slow consumer dropped');
          const error = { code: 'SLOW_CONSUMER' as const, message: 'too far behind; reconnect and catch up with history' };
          closePeer(Buffer.from(encodeEvent('error', { error })));
          return;
        }
        // The line's trailing newline stays: JSON allows it, and the bytes are shared with TCP peers.
        ws.send(data, { binary: false });
      },
      close: closePeer,
    };

    ws.on('message', (data, isBinary) => {
      if (isBinary) {
        closePeer(Buffer.from(encodeEvent('error', { error: { code: 'BAD_REQUEST', message: 'send text frames, not binary' } })));
        return;
      }
      ref.handler?.receive(data.toString());
    });
    ws.on('error', (err) => logger.debug({ peer: id, err: err.message }, 'websocket error'));
    ws.on('close', () => {
      closing = true;
      ref.handler?.closed();
    });
    ref.handler = this.connect(peer);
  }
}

import net from 'node:net';
import tls from 'node:tls';
import { LineDecoder, MAX_LINE_BYTES, encodeEvent } from '../../protocol/index.js';
import type { Logger } from '../core/config.js';
import type { Peer, PeerHandler } from '../core/peer.js';
import { tooFarBehind } from './outbound-limit.js';
import { writeCoalesced } from './write-coalescer.js';

export interface TcpTransportOptions {
  host: string;
  port: number;
  /** Bytes queued for one connection before it counts as a slow consumer and is dropped. */
  maxOutboundBytes: number;
  maxConnections: number;
  maxLineBytes?: number;
  /** PEM key and certificate: the line protocol over TLS instead of plain TCP. */
  tls?: { key: Buffer; cert: Buffer };
}

/** Gives up on a peer that does not take its last bytes within this time. */
const CLOSE_GRACE_MS = 2000;
let nextId = 0;

/** The native transport: one JSON object per line over TCP. */
export class TcpTransport {
  private readonly server: net.Server;
  private readonly sockets = new Set<net.Socket>();

  constructor(
    private readonly connect: (peer: Peer) => PeerHandler,
    private readonly options: TcpTransportOptions,
    private readonly logger: Logger,
  ) {
    this.server = options.tls
      ? tls.createServer({ key: options.tls.key, cert: options.tls.cert, noDelay: true }, (socket) => this.accept(socket))
      : net.createServer({ noDelay: true }, (socket) => this.accept(socket));
    this.server.on('tlsClientError', (err: Error) => logger.debug({ err: err.message }, 'TLS handshake failed'));
    this.server.maxConnections = options.maxConnections;
  }

  listen(): Promise<net.AddressInfo> {
    return new Promise((resolve, reject) => {
      this.server.once('error', reject);
      this.server.listen({ host: this.options.host, port: this.options.port }, () => {
        this.server.off('error', reject);
        resolve(this.server.address() as net.AddressInfo);
      });
    });
  }

  get connections(): number {
    return this.sockets.size;
  }

  /** Stops accepting; open connections are the core's to close. Resolves when all are gone. */
  async close(): Promise<void> {
    const closed = new Promise<void>((resolve) => this.server.close(() => resolve()));
    setTimeout(() => {
      for (const s of this.sockets) s.destroy();
    }, CLOSE_GRACE_MS).unref();
    await closed;
  }

  private accept(socket: net.Socket): void {
    this.sockets.add(socket);
    socket.setKeepAlive(true, 60_000);
    const id = `tcp-${++nextId}`;
    const address = socket.remoteAddress ?? 'unknown';
    const { maxOutboundBytes } = this.options;
    const logger = this.logger;
    let closing = false;
    // Set once the core has the peer; a close during connect() must not see it half-made.
    const ref: { handler?: PeerHandler } = {};

    const closePeer = (last?: Buffer): void => {
      if (closing) return;
      closing = true;
      decoder.stop();
      if (last) socket.end(last);
      else socket.end();
      setTimeout(() => socket.destroy(), CLOSE_GRACE_MS).unref();
      // Not now: this may run inside a fan-out loop, which must not see presence events nested in it.
      queueMicrotask(() => ref.handler?.closed());
    };

    const peer: Peer = {
      id,
      address,
      transport: 'tcp',
      write(data) {
        if (closing || socket.destroyed) return;
        if (tooFarBehind(socket, socket.writableLength, data.length, maxOutboundBytes)) {
          logger.warn({ peer: id, queued: socket.writableLength }, 'slow consumer dropped');
          const error = { code: 'SLOW_CONSUMER' as const, message: 'too far behind; reconnect and catch up with history' };
          closePeer(Buffer.from(encodeEvent('error', { error })));
          return;
        }
        writeCoalesced(socket, data);
      },
      close: closePeer,
    };

    const decoder = new LineDecoder(
      (line) => ref.handler?.receive(line),
      (code, message) => peer.close(Buffer.from(encodeEvent('error', { error: { code, message } }))),
      this.options.maxLineBytes ?? MAX_LINE_BYTES,
    );

    socket.on('data', (chunk: Buffer) => decoder.write(chunk));
    socket.on('error', (err) => logger.debug({ peer: id, err: err.message }, 'socket error'));
    socket.on('close', () => {
      this.sockets.delete(socket);
      closing = true;
      decoder.stop();
      ref.handler?.closed();
    });
    ref.handler = this.connect(peer);
  }
}

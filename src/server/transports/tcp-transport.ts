import net from 'node:net';
import tls from 'node:tls';
import { LineDecoder, MAX_LINE_BYTES } from '../../protocol/index.js';
import type { Logger } from '../core/config.js';
import type { Peer, PeerHandler } from '../core/peer.js';
import { CLOSE_GRACE_MS, TransportPeer } from './transport-peer.js';
import { TurnBuffer } from './write-coalescer.js';

export interface TcpTransportOptions {
  host: string;
  port: number;
  /** Bytes queued for one connection before it counts as a slow consumer and is dropped. */
  maxOutboundBytes: number;
  maxLineBytes?: number;
  /** PEM key and certificate: the line protocol over TLS instead of plain TCP. */
  tls?: { key: Buffer; cert: Buffer };
}

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
    const outgoing = new TurnBuffer((data) => {
      if (!socket.destroyed) socket.write(data);
    });
    const peer = new TransportPeer(
      `tcp-${++nextId}`,
      socket.remoteAddress ?? 'unknown',
      'tcp',
      {
        queued: () => socket.writableLength + outgoing.pending,
        isOpen: () => !socket.destroyed,
        send: (data, lazy) => outgoing.push(data, lazy),
        finish: (last) => {
          decoder.stop();
          outgoing.flush();
          if (last) socket.end(last);
          else socket.end();
          setTimeout(() => socket.destroy(), CLOSE_GRACE_MS).unref();
        },
      },
      this.options.maxOutboundBytes,
      this.logger,
    );
    const decoder = new LineDecoder(
      (line) => peer.receive(line),
      (code, message) => peer.closeWithError(code, message),
      this.options.maxLineBytes ?? MAX_LINE_BYTES,
    );
    socket.on('data', (chunk: Buffer) => decoder.write(chunk));
    socket.on('error', (err) => this.logger.debug({ peer: peer.id, err: err.message }, 'socket error'));
    socket.on('close', () => {
      this.sockets.delete(socket);
      decoder.stop();
      peer.gone();
    });
    peer.attach(this.connect(peer));
  }
}

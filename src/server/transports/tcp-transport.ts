import type net from 'node:net';
import { LineDecoder, MAX_LINE_BYTES, encodeEvent } from '../../protocol/index.js';
import type { Logger } from '../core/config.js';
import type { Peer, PeerHandler } from '../core/peer.js';
import type { AddressLimits } from './address-limits.js';
import { SocketListener, socketConduit } from './socket-listener.js';
import { TransportPeer } from './transport-peer.js';

export interface TcpTransportOptions {
  host: string;
  port: number;
  /** Bytes queued for one connection before it counts as a slow consumer and is dropped. */
  maxOutboundBytes: number;
  maxLineBytes?: number;
  /** PEM key and certificate: the line protocol over TLS instead of plain TCP. */
  tls?: { key: Buffer; cert: Buffer };
  /** Open sockets per client address, shared by every port. */
  addresses?: AddressLimits;
}

const TOO_MANY = Buffer.from(encodeEvent('error', { error: { code: 'RATE_LIMITED', message: 'too many connections from your address' } }));

let nextId = 0;

/** The native transport: one JSON object per line over TCP. */
export class TcpTransport {
  private readonly listener: SocketListener;

  constructor(
    private readonly connect: (peer: Peer) => PeerHandler,
    private readonly options: TcpTransportOptions,
    private readonly logger: Logger,
  ) {
    this.listener = new SocketListener({ ...options, refusal: TOO_MANY }, (socket) => this.accept(socket), logger);
  }

  listen(): Promise<net.AddressInfo> {
    return this.listener.listen();
  }

  get connections(): number {
    return this.listener.connections;
  }

  /** Stops accepting; open connections are the core's to close. Resolves when all are gone. */
  close(): Promise<void> {
    return this.listener.close();
  }

  private accept(socket: net.Socket): void {
    const peer = new TransportPeer(
      `tcp-${++nextId}`,
      socket.remoteAddress ?? 'unknown',
      'tcp',
      socketConduit(socket, () => decoder.stop()),
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
      decoder.stop();
      peer.gone();
    });
    peer.attach(this.connect(peer));
  }
}

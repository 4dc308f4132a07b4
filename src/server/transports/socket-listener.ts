import net from 'node:net';
import tls from 'node:tls';
import type { Logger } from '../core/config.js';
import type { AddressLimits } from './address-limits.js';
import { CLOSE_GRACE_MS } from './transport-peer.js';
import { TurnBuffer } from './write-coalescer.js';

export interface SocketListenerOptions {
  host: string;
  port: number;
  /** PEM key and certificate: TLS instead of plain TCP. */
  tls?: { key: Buffer; cert: Buffer };
  /** Names the listener in logs ("IRC"). */
  label?: string;
  /** Open sockets per client address, shared by every port. */
  addresses?: AddressLimits;
  /** What a socket over its address's cap is told before it is closed, in the listener's protocol. */
  refusal?: Buffer;
}

/**
 * A TCP (or TLS) listener that keeps count of its sockets: what the line protocol and the IRC
 * gateway share. What a connection speaks is the `accept` callback's business.
 */
export class SocketListener {
  private readonly server: net.Server;
  private readonly sockets = new Set<net.Socket>();

  constructor(
    private readonly options: SocketListenerOptions,
    accept: (socket: net.Socket) => void,
    logger: Logger,
  ) {
    const onSocket = (socket: net.Socket): void => {
      this.sockets.add(socket);
      socket.once('close', () => this.sockets.delete(socket));
      const release = options.addresses ? options.addresses.acquire(socket.remoteAddress ?? 'unknown') : () => {};
      if (!release) {
        logger.warn({ address: socket.remoteAddress, listener: options.label }, 'connection refused: too many from this address');
        socket.on('error', () => {});
        socket.end(options.refusal ?? '');
        setTimeout(() => socket.destroy(), CLOSE_GRACE_MS).unref();
        return;
      }
      socket.once('close', release);
      socket.setKeepAlive(true, 60_000);
      accept(socket);
    };
    this.server = options.tls
      ? tls.createServer({ key: options.tls.key, cert: options.tls.cert, noDelay: true }, onSocket)
      : net.createServer({ noDelay: true }, onSocket);
    const what = options.label ? `${options.label} TLS handshake failed` : 'TLS handshake failed';
    this.server.on('tlsClientError', (err: Error) => logger.debug({ err: err.message }, what));
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
}

/**
 * The sending side of a socket for a peer: this turn's bytes held in one buffer (one write per
 * turn), a graceful close that flushes them first, and a forced close after CLOSE_GRACE_MS.
 * `stopReading` runs first on close, so nothing more is read from a closing connection.
 */
export function socketConduit(socket: net.Socket, stopReading: () => void) {
  const outgoing = new TurnBuffer((data) => {
    if (!socket.destroyed) socket.write(data);
  });
  return {
    queued: () => socket.writableLength + outgoing.pending,
    isOpen: () => !socket.destroyed,
    send: (data: Buffer, lazy?: boolean) => outgoing.push(data, lazy),
    finish: (last?: Buffer) => {
      stopReading();
      outgoing.flush();
      if (last) socket.end(last);
      else socket.end();
      setTimeout(() => socket.destroy(), CLOSE_GRACE_MS).unref();
    },
  };
}

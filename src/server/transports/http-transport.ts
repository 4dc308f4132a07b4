import helmet from '@fastify/helmet';
import Fastify, { type FastifyInstance, type FastifyPluginAsync } from 'fastify';
import type { IncomingMessage } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import type { Duplex } from 'node:stream';
import type { Registry } from 'prom-client';
import type { Logger } from '../core/config.js';
import { AddressLimits } from './address-limits.js';
import { httpErrorHandler, httpNotFoundHandler } from './http-errors.js';
import { metricsAccess, type MetricsAccess } from './metrics-access.js';
import { originAllowed } from './origins.js';
import type { WebSocketTransport } from './websocket-transport.js';

export interface HttpTransportOptions {
  host: string;
  port: number;
  websocket: WebSocketTransport;
  metrics: Registry;
  /**
   * Who may read /metrics here: `false` serves it elsewhere (--metrics-port); otherwise loopback,
   * or anyone with the bearer token (metrics-access.ts).
   */
  metricsAccess?: MetricsAccess | false;
  /** More routes (e.g. file transfer), each in its own encapsulated scope. */
  routes?: FastifyPluginAsync[];
  /** PEM key and certificate: serve HTTPS (and so wss://) instead of HTTP. */
  tls?: { key: Buffer; cert: Buffer };
  /** Open sockets per client address, shared by every port; also who the trusted proxies are. */
  addresses?: AddressLimits;
  /** Seconds a client may take to send a request's headers. */
  headersTimeoutMs?: number;
  /** Origins besides the server's own whose pages may open the WebSocket (origins.ts). */
  allowedOrigins?: readonly string[];
  logger?: Logger;
  /** One of `routes` sets the 404 handler (the web client's fallback to index.html). */
  routesHandleNotFound?: boolean;
}

/**
 * Timeouts of the HTTP port, chosen, not inherited (Fastify's keep-alive is 72 s; Node checks
 * header deadlines only every 30 s):
 * - headers: --http-headers-timeout, checked every second (or sooner, for short deadlines), so a
 *   client that trickles its headers (slowloris) is cut off soon after it;
 * - keep-alive: an idle connection between requests is closed after 5 s;
 * - socket idle: 60 s without a byte either way ends the connection (a stalled upload);
 * - the whole request: no limit, since an upload of --max-upload-mib on a slow link may take long;
 *   it must keep sending, and the per-address cap bounds how many one client holds.
 */
const KEEP_ALIVE_MS = 5_000;
const SOCKET_IDLE_MS = 60_000;

/** The HTTP port: the WebSocket endpoint /ws, /healthz and /metrics. */
export class HttpTransport {
  readonly app: FastifyInstance;
  private readonly addresses: AddressLimits;

  constructor(private readonly options: HttpTransportOptions) {
    this.addresses = options.addresses ?? new AddressLimits(Number.MAX_SAFE_INTEGER);
    const headersTimeout = options.headersTimeoutMs ?? 10_000;
    const nodeServer = { headersTimeout, connectionsCheckingInterval: Math.max(50, Math.min(1000, Math.floor(headersTimeout / 4))) };
    // forceCloseConnections: a stop must not wait for a stalled upload or a slow download.
    const onError = httpErrorHandler(options.logger);
    const base = {
      logger: false,
      // Errors Fastify meets before any route (a malformed URL) take the same shape.
      frameworkErrors: onError,
      bodyLimit: 1024 * 1024,
      forceCloseConnections: true,
      keepAliveTimeout: KEEP_ALIVE_MS,
      connectionTimeout: SOCKET_IDLE_MS,
      requestTimeout: 0,
    } as const;
    this.app = (
      options.tls ? Fastify({ ...base, https: { ...options.tls, ...nodeServer } }) : Fastify({ ...base, http: nodeServer })
    ) as unknown as FastifyInstance;
    this.countSockets();
    // Security headers on every response, errors and 404s included. The API serves no pages:
    // nothing may be loaded, framed or referred from it. No CORS plugin: cross-origin reads stay closed.
    void this.app.register(helmet, {
      global: true,
      contentSecurityPolicy: { useDefaults: false, directives: { defaultSrc: ["'none'"], frameAncestors: ["'none'"] } },
      frameguard: { action: 'deny' },
      referrerPolicy: { policy: 'no-referrer' },
      hsts: options.tls ? { maxAge: 15_552_000 } : false,
    });
    // Every error in the documented {"error":{code,message}} shape, with no internal detail.
    this.app.setErrorHandler(onError);
    if (!options.routesHandleNotFound) this.app.setNotFoundHandler(httpNotFoundHandler);
    this.app.get('/healthz', async () => ({ ok: true }));
    if (options.metricsAccess === false) {
      // Not the web client's page either (its fallback would answer any GET).
      this.app.get('/metrics', async (_req, reply) => reply.code(404).send({ error: { code: 'NOT_FOUND', message: 'metrics are served on a port of their own' } }));
    } else {
      const access = options.metricsAccess ?? metricsAccess(undefined);
      this.app.get('/metrics', async (req, reply) => {
        const refusal = access(req.raw);
        if (refusal) return reply.code(refusal.status).header('www-authenticate', 'Bearer').send({ error: refusal.error });
        reply.header('content-type', options.metrics.contentType);
        return options.metrics.metrics();
      });
    }
    for (const routes of options.routes ?? []) void this.app.register(routes);
    this.app.server.on('upgrade', (req: IncomingMessage, socket: Duplex, head: Buffer) => this.upgrade(req, socket, head));
  }

  async listen(): Promise<AddressInfo> {
    await this.app.listen({ host: this.options.host, port: this.options.port });
    return this.app.server.address() as AddressInfo;
  }

  async close(): Promise<void> {
    await this.options.websocket.close();
    await this.app.close();
  }

  /**
   * Counts every socket of the HTTP port against its address's cap, from its first byte (a
   * client still sending its headers holds a socket as much as a WebSocket does). A trusted
   * proxy's sockets carry many clients: its WebSocket upgrades are counted per forwarded client
   * instead (upgrade).
   */
  private countSockets(): void {
    this.app.server.on('connection', (socket: Socket) => {
      const address = socket.remoteAddress ?? 'unknown';
      if (this.addresses.isTrustedProxy(address)) return;
      const release = this.addresses.acquire(address);
      if (!release) {
        socket.on('error', () => {});
        // Plain HTTP can be told why; a TLS socket has not even shaken hands yet.
        if (this.options.tls) return socket.destroy();
        socket.end('HTTP/1.1 429 Too Many Requests\r\nConnection: close\r\nContent-Length: 0\r\n\r\n');
        setTimeout(() => socket.destroy(), 2000).unref();
        return;
      }
      socket.once('close', release);
    });
  }

  private upgrade(req: IncomingMessage, socket: Duplex, head: Buffer): void {
    const path = (req.url ?? '').split('?')[0];
    if (path !== '/ws') return refuseUpgrade(socket, '404 Not Found');
    // Cross-site WebSocket hijacking: a page elsewhere must not open a connection from a
    // visitor's browser. Clients that are not browsers send no Origin and are let in.
    if (!originAllowed(req, this.options.allowedOrigins ?? [])) return refuseUpgrade(socket, '403 Forbidden');
    const address = this.addresses.clientAddress(req);
    if (this.addresses.isTrustedProxy(req.socket.remoteAddress)) {
      const release = this.addresses.acquire(address);
      if (!release) return refuseUpgrade(socket, '429 Too Many Requests');
      socket.once('close', release);
    }
    this.options.websocket.handleUpgrade(req, socket, head, address);
  }
}

function refuseUpgrade(socket: Duplex, status: string): void {
  socket.on('error', () => {});
  socket.end(`HTTP/1.1 ${status}\r\nConnection: close\r\nContent-Length: 0\r\n\r\n`);
}

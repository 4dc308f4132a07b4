import helmet from '@fastify/helmet';
import Fastify, { type FastifyInstance, type FastifyPluginAsync } from 'fastify';
import type { AddressInfo } from 'node:net';
import type { Registry } from 'prom-client';
import type { WebSocketTransport } from './websocket-transport.js';

export interface HttpTransportOptions {
  host: string;
  port: number;
  websocket: WebSocketTransport;
  metrics: Registry;
  /** More routes (e.g. file transfer), each in its own encapsulated scope. */
  routes?: FastifyPluginAsync[];
  /** PEM key and certificate: serve HTTPS (and so wss://) instead of HTTP. */
  tls?: { key: Buffer; cert: Buffer };
}

/** The HTTP port: the WebSocket endpoint /ws, /healthz and /metrics. */
export class HttpTransport {
  readonly app: FastifyInstance;

  constructor(private readonly options: HttpTransportOptions) {
    // forceCloseConnections: a stop must not wait for a stalled upload or a slow download.
    const base = { logger: false, bodyLimit: 1024 * 1024, forceCloseConnections: true } as const;
    this.app = (options.tls ? Fastify({ ...base, https: options.tls }) : Fastify(base)) as unknown as FastifyInstance;
    // Security headers on every response, errors and 404s included. The API serves no pages:
    // nothing may be loaded, framed or referred from it. No CORS plugin: cross-origin reads stay closed.
    void this.app.register(helmet, {
      global: true,
      contentSecurityPolicy: { useDefaults: false, directives: { defaultSrc: ["'none'"], frameAncestors: ["'none'"] } },
      frameguard: { action: 'deny' },
      referrerPolicy: { policy: 'no-referrer' },
      hsts: options.tls ? { maxAge: 15_552_000 } : false,
    });
    this.app.get('/healthz', async () => ({ ok: true }));
    this.app.get('/metrics', async (_req, reply) => {
      reply.header('content-type', options.metrics.contentType);
      return options.metrics.metrics();
    });
    for (const routes of options.routes ?? []) void this.app.register(routes);
    this.app.server.on('upgrade', (req, socket, head: Buffer) => {
      const path = (req.url ?? '').split('?')[0];
      if (path === '/ws') options.websocket.handleUpgrade(req, socket, head);
      else socket.end('HTTP/1.1 404 Not Found\r\nConnection: close\r\n\r\n');
    });
  }

  async listen(): Promise<AddressInfo> {
    await this.app.listen({ host: this.options.host, port: this.options.port });
    return this.app.server.address() as AddressInfo;
  }

  async close(): Promise<void> {
    await this.options.websocket.close();
    await this.app.close();
  }
}

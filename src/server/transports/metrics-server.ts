import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Registry } from 'prom-client';
import type { MetricsAccess } from './metrics-access.js';

/** /metrics on an address of its own (--metrics-host, --metrics-port): nothing else is served there. */
export class MetricsServer {
  private readonly server: Server;

  constructor(
    private readonly options: { host: string; port: number; registry: Registry; access: MetricsAccess },
  ) {
    this.server = createServer({ headersTimeout: 10_000, requestTimeout: 30_000 }, (req, res) => {
      const json = (status: number, body: object) => {
        res.writeHead(status, { 'content-type': 'application/json; charset=utf-8' }).end(JSON.stringify(body));
      };
      if ((req.url ?? '').split('?')[0] !== '/metrics' || (req.method !== 'GET' && req.method !== 'HEAD')) {
        return json(404, { error: { code: 'NOT_FOUND', message: 'only GET /metrics here' } });
      }
      const refusal = options.access(req);
      if (refusal) return json(refusal.status, { error: refusal.error });
      options.registry.metrics().then(
        (text) => res.writeHead(200, { 'content-type': options.registry.contentType }).end(text),
        () => json(500, { error: { code: 'INTERNAL', message: 'metrics could not be collected' } }),
      );
    });
    this.server.keepAliveTimeout = 5_000;
  }

  listen(): Promise<AddressInfo> {
    return new Promise((resolve, reject) => {
      this.server.once('error', reject);
      this.server.listen({ host: this.options.host, port: this.options.port }, () => {
        this.server.off('error', reject);
        resolve(this.server.address() as AddressInfo);
      });
    });
  }

  close(): Promise<void> {
    this.server.closeAllConnections();
    return new Promise((resolve) => this.server.close(() => resolve()));
  }
}

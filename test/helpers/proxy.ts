import net from 'node:net';

/**
 * A TCP proxy between clients and a server, for cutting connections at chosen moments.
 * `cutWhen` sees each chunk the server sends; returning true drops that chunk and both sockets.
 */
export class Proxy {
  private readonly server: net.Server;
  private readonly pairs = new Set<[net.Socket, net.Socket]>();
  cutWhen: (fromServer: string) => boolean = () => false;
  port = 0;

  constructor(private readonly target: () => number) {
    this.server = net.createServer((client) => {
      const upstream = net.connect({ host: '127.0.0.1', port: this.target() });
      const pair: [net.Socket, net.Socket] = [client, upstream];
      this.pairs.add(pair);
      const drop = (): void => {
        client.destroy();
        upstream.destroy();
        this.pairs.delete(pair);
      };
      client.on('data', (d) => upstream.write(d));
      upstream.on('data', (d: Buffer) => (this.cutWhen(d.toString()) ? drop() : client.write(d)));
      client.on('close', drop).on('error', drop);
      upstream.on('close', drop).on('error', drop);
    });
  }

  async listen(): Promise<number> {
    await new Promise<void>((r) => this.server.listen(0, '127.0.0.1', r));
    this.port = (this.server.address() as net.AddressInfo).port;
    return this.port;
  }

  /** Drops every connection now. */
  cutAll(): void {
    for (const [a, b] of this.pairs) {
      a.destroy();
      b.destroy();
    }
    this.pairs.clear();
  }

  close(): Promise<void> {
    this.cutAll();
    return new Promise((r) => this.server.close(() => r()));
  }
}

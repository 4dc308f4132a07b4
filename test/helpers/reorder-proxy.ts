import net from 'node:net';

/**
 * A TCP proxy that passes the client's bytes through and the server's line by line, holding back
 * the first line matching `hold` until a line matching `release` has gone past it: how a message
 * held on one node (waiting for an earlier seq) lets its update through first (protocol §5.5).
 */
export class ReorderProxy {
  private readonly server: net.Server;
  private readonly sockets = new Set<net.Socket>();
  port = 0;
  /** Set once a line was held and released behind another. */
  reordered = false;

  constructor(
    private readonly target: number,
    private readonly hold: (line: string) => boolean,
    private readonly release: (line: string) => boolean,
  ) {
    this.server = net.createServer((client) => {
      const upstream = net.connect({ host: '127.0.0.1', port: this.target });
      for (const s of [client, upstream]) {
        this.sockets.add(s);
        s.on('close', () => (client.destroy(), upstream.destroy())).on('error', () => undefined);
      }
      client.on('data', (d) => upstream.write(d));
      let rest = '';
      let held: string | undefined;
      upstream.on('data', (d: Buffer) => {
        const lines = (rest + d.toString('utf8')).split('\n');
        rest = lines.pop()!;
        for (const line of lines) {
          if (held === undefined && !this.reordered && this.hold(line)) held = line;
          else if (held !== undefined && this.release(line)) {
            client.write(`${line}\n${held}\n`);
            held = undefined;
            this.reordered = true;
          } else client.write(`${line}\n`);
        }
      });
    });
  }

  async listen(): Promise<number> {
    await new Promise<void>((r) => this.server.listen(0, '127.0.0.1', r));
    this.port = (this.server.address() as net.AddressInfo).port;
    return this.port;
  }

  close(): Promise<void> {
    for (const s of this.sockets) s.destroy();
    return new Promise((r) => this.server.close(() => r()));
  }
}

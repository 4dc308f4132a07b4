import { isIPv4 } from 'node:net';
import type { IncomingMessage } from 'node:http';

/**
 * Open sockets per client address, every port together (line protocol, IRC, HTTP and the
 * WebSocket on it): one address cannot take every slot. Loopback is counted like any other
 * address; a reverse proxy's own sockets are not (it speaks for many), the clients it names in
 * X-Forwarded-For are, once their request says who they are (see forwardedFor).
 */
export class AddressLimits {
  private readonly open = new Map<string, number>();
  private readonly proxies: ReadonlySet<string>;

  constructor(
    private readonly perAddress: number,
    trustedProxies: readonly string[] = [],
  ) {
    this.proxies = new Set(trustedProxies.map(normalize));
  }

  isTrustedProxy(address: string | undefined): boolean {
    return address !== undefined && this.proxies.has(normalize(address));
  }

  /** Counts one more socket of `address`; returns its release, or undefined when the address is at its cap. */
  acquire(address: string): (() => void) | undefined {
    const key = normalize(address);
    const count = this.open.get(key) ?? 0;
    if (count >= this.perAddress) return undefined;
    this.open.set(key, count + 1);
    let released = false;
    return () => {
      if (released) return;
      released = true;
      const left = (this.open.get(key) ?? 1) - 1;
      if (left <= 0) this.open.delete(key);
      else this.open.set(key, left);
    };
  }

  /**
   * The client's address for a request: the socket's peer, or, when that is a trusted proxy, the
   * right-most X-Forwarded-For entry that is not itself a trusted proxy (entries to the left of it
   * were written by the client and prove nothing).
   */
  clientAddress(req: IncomingMessage): string {
    const peer = req.socket.remoteAddress ?? 'unknown';
    if (!this.isTrustedProxy(peer)) return normalize(peer);
    const header = req.headers['x-forwarded-for'];
    const hops = (Array.isArray(header) ? header.join(',') : (header ?? '')).split(',').map((h) => h.trim()).filter((h) => h !== '');
    for (let i = hops.length - 1; i >= 0; i--) {
      if (!this.isTrustedProxy(hops[i])) return normalize(hops[i]!);
    }
    return normalize(peer);
  }
}

/** `::ffff:1.2.3.4` (an IPv4 client on a dual-stack socket) is 1.2.3.4. */
function normalize(address: string): string {
  const v4 = address.startsWith('::ffff:') ? address.slice(7) : undefined;
  return v4 !== undefined && isIPv4(v4) ? v4 : address;
}

import { timingSafeEqual, createHash } from 'node:crypto';
import type { IncomingMessage } from 'node:http';

export interface MetricsRefusal {
  status: 401 | 403;
  error: { code: 'NOT_AUTHENTICATED' | 'FORBIDDEN'; message: string };
}

/** Decides one /metrics request: undefined lets it through. */
export type MetricsAccess = (req: IncomingMessage) => MetricsRefusal | undefined;

/**
 * Who may read /metrics (it tells the world how busy the server is, its memory and versions):
 * - a request from this machine (loopback, not relayed by a proxy: no X-Forwarded-For) always;
 * - with a token (--metrics-token), anyone who sends `Authorization: Bearer <token>`;
 * - with `openToAll` (a --metrics-port the operator chose the address of) and no token, anyone.
 */
export function metricsAccess(token: string | undefined, openToAll = false): MetricsAccess {
  const expected = token === undefined ? undefined : digest(`Bearer ${token}`);
  return (req) => {
    const auth = req.headers.authorization;
    if (expected && auth !== undefined) {
      if (timingSafeEqual(digest(auth), expected)) return undefined;
      return { status: 401, error: { code: 'NOT_AUTHENTICATED', message: 'wrong metrics token' } };
    }
    if (isLoopback(req.socket.remoteAddress) && req.headers['x-forwarded-for'] === undefined) return undefined;
    if (openToAll && !expected) return undefined;
    return expected
      ? { status: 401, error: { code: 'NOT_AUTHENTICATED', message: 'metrics need Authorization: Bearer <the metrics token>' } }
      : { status: 403, error: { code: 'FORBIDDEN', message: 'metrics answer only on this machine; see --metrics-token and --metrics-port' } };
  };
}

// Hashes of equal length, so the comparison takes the same time whatever was sent.
function digest(text: string): Buffer {
  return createHash('sha256').update(text).digest();
}

function isLoopback(address: string | undefined): boolean {
  if (address === undefined) return false;
  return address === '::1' || address.startsWith('127.') || address.startsWith('::ffff:127.');
}

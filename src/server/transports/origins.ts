import type { IncomingMessage } from 'node:http';

/**
 * Whether a WebSocket upgrade may go on, by its Origin: browsers send the page's origin, and a
 * page on another site must not open a connection with a visitor's browser (cross-site WebSocket
 * hijacking). Allowed: no Origin at all (clients that are not browsers), the origin of the host
 * the request was sent to (the web client served by this port), and the origins listed in
 * --allowed-origins. Refused: any other, and the opaque "null" of sandboxed or file: pages.
 */
export function originAllowed(req: IncomingMessage, allowed: readonly string[]): boolean {
  const origin = req.headers.origin;
  if (origin === undefined) return true;
  if (allowed.includes(origin)) return true;
  let host: string;
  try {
    const url = new URL(origin);
    if (url.protocol !== 'http:' && url.protocol !== 'https:') return false;
    host = url.host;
  } catch {
    return false;
  }
  return req.headers.host !== undefined && host === req.headers.host.toLowerCase();
}

import fastifyStatic from '@fastify/static';
import type { FastifyPluginAsync } from 'fastify';
import { existsSync } from 'node:fs';
import type { ServerResponse } from 'node:http';
import { join, relative, sep } from 'node:path';
import { httpNotFoundHandler } from './http-errors.js';

/**
 * The page policy of the web client: everything from this origin only; WebSocket back to it
 * (`connect-src` names ws:// and wss:// of the host the page came from, not every host: see webClientCsp);
 * pictures, sound and video also from blob: (camera, recordings, previews); WebAssembly for the
 * offline hand tracker. No inline scripts, nothing framed. Inline styles are allowed: the emoji
 * picker (emoji-picker-element) draws its shadow DOM with a <style> element and style attributes;
 * styles run no code, and with img-src/connect-src kept to this origin a style cannot send
 * anything elsewhere.
 */
const WEB_CLIENT_CSP_PARTS = [
  "default-src 'self'",
  "script-src 'self' 'wasm-unsafe-eval'",
  "style-src 'self' 'unsafe-inline'",
  "img-src 'self' blob: data:",
  "media-src 'self' blob:",
  "connect-src 'self'",
  "worker-src 'self' blob:",
  "object-src 'none'",
  "base-uri 'none'",
  "form-action 'self'",
  "frame-ancestors 'none'",
];

/** The policy without a WebSocket origin (for a request whose Host cannot be named safely). */
export const WEB_CLIENT_CSP = WEB_CLIENT_CSP_PARTS.join('; ');

/**
 * The policy for a page requested with this Host: the web client opens ws(s)://<its host>/ws
 * (web/src/app/connection.ts), and older browsers do not count ws: as 'self'. Both schemes:
 * behind a TLS-terminating proxy the page is https even though this port is not. A Host that is
 * not a plain host[:port] is not written into the header.
 */
export function webClientCsp(host: string | undefined): string {
  if (host === undefined || !/^(\[[0-9a-fA-F:.]+\]|[A-Za-z0-9.-]+)(:\d{1,5})?$/.test(host)) return WEB_CLIENT_CSP;
  const h = host.toLowerCase();
  return WEB_CLIENT_CSP_PARTS.map((p) => (p === "connect-src 'self'" ? `connect-src 'self' ws://${h} wss://${h}` : p)).join('; ');
}

const NOT_BUILT = `<!doctype html><meta charset="utf-8"><title>Banter</title>
<p>This Banter server has no web client to serve: it is not built. Build it (see README), or
use <code>banter chat</code> in a terminal; WebSocket clients can connect to <code>/ws</code>.</p>`;

/**
 * Serves the built web client (a folder with index.html) at /, with client-side routes falling
 * back to index.html (this plugin sets the port's 404 handler: HttpTransport's routesHandleNotFound). /api and /ws are never shadowed; a file outside the folder is never served.
 */
export function webClientRoutes(root: string): FastifyPluginAsync {
  return async (app) => {
    if (!existsSync(join(root, 'index.html'))) {
      app.get('/', async (_req, reply) => reply.code(503).header('content-type', 'text/html; charset=utf-8').header('content-security-policy', "default-src 'none'").send(NOT_BUILT));
      app.setNotFoundHandler(httpNotFoundHandler);
      return;
    }
    await app.register(fastifyStatic, {
      root,
      prefix: '/',
      index: 'index.html',
      dotfiles: 'deny',
      // The build writes .br and .gz copies (web/plugins/precompress.ts): sent to browsers that take them.
      preCompressed: true,
      cacheControl: false, // set below, per kind of file
      setHeaders: (res, path) => {
        // reply.raw, a ServerResponse, whatever the plugin's narrower type says.
        res.setHeader('content-security-policy', webClientCsp((res as unknown as ServerResponse).req.headers.host));
        // The same address answers in brotli, gzip or plain: caches must keep them apart.
        res.setHeader('vary', 'Accept-Encoding');
        // Built assets carry a content hash in their names (and the hand tracker's folder its
        // version); everything else (the page, the service worker, the manifest, icons) must be
        // revalidated, or a new release would not reach browsers.
        res.setHeader('cache-control', versioned(root, path) ? 'public, max-age=31536000, immutable' : 'no-cache');
      },
    });
    app.setNotFoundHandler((req, reply) => {
      const path = req.url.split('?')[0] ?? '';
      // A conversation's address (/c/@bob.smith) may end like a file name: it is still the page.
      if (req.method !== 'GET' || path.startsWith('/api/') || path === '/ws' || (/\.[a-z0-9]+$/i.test(path) && !path.startsWith('/c/'))) {
        return httpNotFoundHandler(req, reply);
      }
      return reply.sendFile('index.html');
    });
  };
}

/** Files whose names change with their content: Vite's assets/ and the versioned mediapipe/hands-<version>/. */
function versioned(root: string, path: string): boolean {
  const [top, next] = relative(root, path).split(sep);
  return top === 'assets' || (top === 'mediapipe' && next !== undefined && /-\d/.test(next));
}

import assert from 'node:assert/strict';
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import { join } from 'node:path';
import { brotliCompressSync, brotliDecompressSync, gunzipSync, gzipSync } from 'node:zlib';
import { after, before, describe, it } from 'node:test';
import { startTestServer, tempDir, type TestServer } from '../helpers/server.js';

/** A raw GET, so the path reaches the server exactly as written (no URL normalisation). */
function rawGet(port: number, path: string): Promise<{ status: number; headers: string; body: string }> {
  return new Promise((resolve, reject) => {
    const s = net.connect(port, '127.0.0.1', () => s.write(`GET ${path} HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n`));
    let data = '';
    s.on('data', (d) => (data += d.toString()));
    s.on('end', () => {
      const [head = '', body = ''] = data.split('\r\n\r\n');
      resolve({ status: Number(head.split(' ')[1]), headers: head.toLowerCase(), body });
    });
    s.on('error', reject);
  });
}

/** A GET with this Accept-Encoding, the body as bytes (fetch would decode it). */
function rawGetWith(port: number, path: string, acceptEncoding: string): Promise<{ headers: Record<string, string>; body: Buffer }> {
  return new Promise((resolve, reject) => {
    const s = net.connect(port, '127.0.0.1', () => s.write(`GET ${path} HTTP/1.1\r\nHost: localhost\r\nAccept-Encoding: ${acceptEncoding}\r\nConnection: close\r\n\r\n`));
    const chunks: Buffer[] = [];
    s.on('data', (d: Buffer) => chunks.push(d));
    s.on('end', () => {
      const all = Buffer.concat(chunks);
      const at = all.indexOf('\r\n\r\n');
      const headers: Record<string, string> = {};
      for (const line of all.subarray(0, at).toString().split('\r\n').slice(1)) {
        const i = line.indexOf(':');
        headers[line.slice(0, i).trim().toLowerCase()] = line.slice(i + 1).trim();
      }
      let body: Buffer = all.subarray(at + 4);
      if (headers['transfer-encoding'] === 'chunked') body = unchunk(body);
      resolve({ headers, body });
    });
    s.on('error', reject);
  });
}

function unchunk(b: Buffer): Buffer {
  const out: Buffer[] = [];
  let at = 0;
  for (;;) {
    const eol = b.indexOf('\r\n', at);
    const size = parseInt(b.subarray(at, eol).toString(), 16);
    if (!size) return Buffer.concat(out);
    out.push(b.subarray(eol + 2, eol + 2 + size));
    at = eol + 2 + size + 2;
  }
}

describe('web client serving', () => {
  let server: TestServer;
  let bare: TestServer;
  const root = tempDir('banter-web-');
  before(async () => {
    mkdirSync(join(root, 'assets'));
    writeFileSync(join(root, 'index.html'), '<!doctype html><title>Banter web</title><script src="/assets/app-1a2b.js"></script>');
    writeFileSync(join(root, 'assets', 'app-1a2b.js'), 'console.log("banter")');
    writeFileSync(join(root, '.secret'), 'hidden');
    writeFileSync(join(root, 'sw.js'), 'self.addEventListener("fetch", () => undefined)');
    writeFileSync(join(root, 'manifest.webmanifest'), '{"name":"Banter"}');
    // As web/plugins/precompress.ts writes them at build.
    const big = `export const words = ${JSON.stringify('banter '.repeat(4000))};`;
    writeFileSync(join(root, 'assets', 'big-9f8e.js'), big);
    writeFileSync(join(root, 'assets', 'big-9f8e.js.br'), brotliCompressSync(big));
    writeFileSync(join(root, 'assets', 'big-9f8e.js.gz'), gzipSync(big));
    server = await startTestServer({ webRoot: root });
    bare = await startTestServer({ webRoot: join(root, 'not-built') });
  });
  after(async () => {
    await server.dispose();
    await bare.dispose();
    rmSync(root, { recursive: true, force: true });
  });

  it('serves the built client at / with the page policy, and assets with long caching', async () => {
    const page = await fetch(`http://127.0.0.1:${server.httpPort}/`);
    assert.equal(page.status, 200);
    assert.match(await page.text(), /Banter web/);
    const csp = page.headers.get('content-security-policy') ?? '';
    assert.match(csp, /default-src 'self'/);
    assert.match(csp, /frame-ancestors 'none'/);
    const scripts = /script-src ([^;]*)/.exec(csp)?.[1] ?? '';
    assert.match(scripts, /'self'/);
    assert.doesNotMatch(scripts, /'unsafe-inline'|'unsafe-eval'|\*/, 'no inline or foreign scripts');
    // WebSocket back to this host only, not to every ws:/wss: host.
    const connect = /connect-src ([^;]*)/.exec(csp)?.[1] ?? '';
    assert.deepEqual(connect.split(' ').sort(), ["'self'", `ws://127.0.0.1:${server.httpPort}`, `wss://127.0.0.1:${server.httpPort}`].sort());
    assert.equal(page.headers.get('x-content-type-options'), 'nosniff');
    assert.equal(page.headers.get('cache-control'), 'no-cache');
    const asset = await fetch(`http://127.0.0.1:${server.httpPort}/assets/app-1a2b.js`);
    assert.equal(asset.status, 200);
    assert.match(asset.headers.get('content-type') ?? '', /javascript/);
    assert.match(asset.headers.get('cache-control') ?? '', /immutable/);
    // Not hashed: revalidated every time, so a new release reaches browsers.
    for (const path of ['/sw.js', '/manifest.webmanifest']) {
      const res = await fetch(`http://127.0.0.1:${server.httpPort}${path}`);
      assert.equal(res.status, 200, path);
      assert.equal(res.headers.get('cache-control'), 'no-cache', path);
      await res.arrayBuffer();
    }
  });

  it('sends the precompressed copies to browsers that take them, with Vary: Accept-Encoding', async () => {
    const url = `http://127.0.0.1:${server.httpPort}/assets/big-9f8e.js`;
    const get = async (encoding: string) => {
      const res = await rawGetWith(server.httpPort, '/assets/big-9f8e.js', encoding);
      return res;
    };
    const brotli = await get('gzip, deflate, br');
    assert.equal(brotli.headers['content-encoding'], 'br');
    assert.match(brotli.headers['vary'] ?? '', /accept-encoding/i);
    assert.match(brotli.headers['content-type'] ?? '', /javascript/);
    assert.match(brotliDecompressSync(brotli.body).toString(), /^export const words/);
    assert.ok(brotli.body.length < 1000, `small on the wire (${brotli.body.length} B)`);
    const gz = await get('gzip');
    assert.equal(gz.headers['content-encoding'], 'gzip');
    assert.match(gunzipSync(gz.body).toString(), /^export const words/);
    const plain = await get('identity');
    assert.equal(plain.headers['content-encoding'], undefined);
    assert.match(plain.body.toString(), /^export const words/);
    assert.match(plain.headers['vary'] ?? '', /accept-encoding/i);
    assert.equal((await fetch(url)).status, 200);
  });

  it('falls back to index.html for client routes, never for the API, files or dotfiles', async () => {
    const route = await fetch(`http://127.0.0.1:${server.httpPort}/conversations/@bob`);
    assert.equal(route.status, 200);
    assert.match(await route.text(), /Banter web/);
    // A conversation's address, even one whose name ends like a file (names may hold dots).
    for (const path of ['/c/lobby', '/c/@bob.smith', '/c/%23garden.v2']) {
      const res = await fetch(`http://127.0.0.1:${server.httpPort}${path}`);
      assert.equal(res.status, 200, path);
      assert.match(await res.text(), /Banter web/, path);
    }
    assert.equal((await fetch(`http://127.0.0.1:${server.httpPort}/api/nothing-here`)).status, 404);
    assert.equal((await fetch(`http://127.0.0.1:${server.httpPort}/assets/missing.js`)).status, 404);
    const dot = await rawGet(server.httpPort, '/.secret');
    assert.notEqual(dot.body, 'hidden');
    assert.equal((await fetch(`http://127.0.0.1:${server.httpPort}/healthz`)).status, 200);
  });

  it('never serves a file outside its folder', async () => {
    for (const path of ['/../../../../etc/passwd', '/%2e%2e/%2e%2e/%2e%2e/etc/passwd', '/assets/..%2f..%2f..%2fetc%2fpasswd']) {
      const res = await rawGet(server.httpPort, path);
      assert.doesNotMatch(res.body, /root:.*:0:0:/, path);
    }
  });

  it('says so when the client is not built', async () => {
    const res = await fetch(`http://127.0.0.1:${bare.httpPort}/`);
    assert.equal(res.status, 503);
    assert.match(await res.text(), /not built/);
  });
});

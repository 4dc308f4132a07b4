import assert from 'node:assert/strict';
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import { join } from 'node:path';
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

  it('falls back to index.html for client routes, never for the API, files or dotfiles', async () => {
    const route = await fetch(`http://127.0.0.1:${server.httpPort}/conversations/@bob`);
    assert.equal(route.status, 200);
    assert.match(await route.text(), /Banter web/);
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

import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { networkInterfaces } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { WebSocket } from 'ws';
import { postFile } from '../helpers/files.js';
import { newUser } from '../helpers/clients.js';
import { startTestServer, tempDir, type TestServer } from '../helpers/server.js';

/** A WebSocket upgrade's outcome: open, or the HTTP status it was refused with. */
function upgrade(port: number, headers: Record<string, string> = {}): Promise<WebSocket | number> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(`ws://127.0.0.1:${port}/ws`, { headers });
    ws.once('open', () => resolve(ws));
    ws.once('unexpected-response', (_req, res) => resolve(res.statusCode ?? 0));
    ws.once('error', reject);
  });
}

async function errorBody(res: Response): Promise<{ code: string; message: string }> {
  const body = (await res.json()) as { error?: { code: string; message: string } };
  assert.ok(body.error, `an {"error":…} body, got ${JSON.stringify(body)}`);
  assert.deepEqual(Object.keys(body), ['error']);
  return body.error;
}

/** This machine's first address that is not loopback, to reach the server as a remote client would. */
function outsideAddress(): string | undefined {
  for (const list of Object.values(networkInterfaces())) for (const a of list ?? []) if (!a.internal && a.family === 'IPv4') return a.address;
  return undefined;
}

describe('HTTP: WebSocket Origin', () => {
  let server: TestServer;
  before(async () => (server = await startTestServer({ allowedOrigins: ['https://chat.example.org'] })));
  after(() => server.dispose());

  it('refuses a page of another site (403), and lets in the same origin, an allowed one and clients that send none', async () => {
    assert.equal(await upgrade(server.httpPort, { origin: 'https://evil.example' }), 403);
    assert.equal(await upgrade(server.httpPort, { origin: 'null' }), 403);
    // Same host name, another port: another origin.
    assert.equal(await upgrade(server.httpPort, { origin: `http://127.0.0.1:${server.httpPort + 1}` }), 403);
    const cases: Record<string, string>[] = [{ origin: `http://127.0.0.1:${server.httpPort}` }, { origin: "https://chat.example.org" }, {}];
    for (const headers of cases) {
      const ws = await upgrade(server.httpPort, headers);
      assert.ok(ws instanceof WebSocket, `let in with ${JSON.stringify(headers)}`);
      ws.close();
    }
  });
});

describe('HTTP: errors in the documented shape', () => {
  let server: TestServer;
  let filesMount: string | undefined;
  const dataDir = tempDir();
  before(async () => {
    // The uploads folder on a 64 KiB tmpfs: a larger upload meets a full disk.
    const files = join(dataDir, 'files');
    mkdirSync(files);
    try {
      execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=64k', 'tmpfs', files], { stdio: 'ignore' });
      filesMount = files;
    } catch {
      console.log('# no tmpfs mount (needs root): the full-disk upload is not tried');
    }
    server = await startTestServer({}, dataDir);
  });
  after(async () => {
    await server.stop();
    if (filesMount) execFileSync('umount', ['-l', filesMount]);
    await server.dispose();
  });

  it('answers an unknown path or method with NOT_FOUND', async () => {
    const base = `http://127.0.0.1:${server.httpPort}`;
    for (const res of [await fetch(`${base}/api/nothing`), await fetch(`${base}/healthz`, { method: 'DELETE' }), await fetch(`${base}/api/files/x/y/z`)]) {
      assert.equal(res.status, 404);
      assert.equal((await errorBody(res)).code, 'NOT_FOUND');
    }
  });

  it('answers a malformed URL with BAD_REQUEST, without Fastify\'s words', async () => {
    const bad = await fetch(`http://127.0.0.1:${server.httpPort}/api/files/%E0%A4%A`);
    assert.ok(bad.status >= 400 && bad.status < 500, `status ${bad.status}`);
    const body = await errorBody(bad);
    assert.equal(body.code, 'BAD_REQUEST');
    assert.doesNotMatch(JSON.stringify(body), /FST_|stack|\/work|node_modules/);
  });

  it('answers an upload the disk has no room for with 507 STORAGE_FULL, with no errno or path in it', async (t) => {
    if (!filesMount) return t.skip('tmpfs mount refused');
    const { client, token } = await newUser(server.tcpPort);
    const res = await postFile(`http://127.0.0.1:${server.httpPort}`, token, new Uint8Array(512 * 1024).fill(7), { 'x-file-name': 'big.bin' });
    assert.equal(res.status, 507);
    const error = await errorBody(res);
    assert.equal(error.code, 'STORAGE_FULL');
    assert.doesNotMatch(JSON.stringify(error), /ENOSPC|errno|\/tmp|banter-test|files/i);
    // The server is fine: the next request is answered.
    assert.equal((await fetch(`http://127.0.0.1:${server.httpPort}/healthz`)).status, 200);
    client.close();
  });
});

describe('HTTP: /metrics', () => {
  it('answers loopback without a token; refuses other addresses and requests relayed by a proxy', async () => {
    const server = await startTestServer({ host: '0.0.0.0' });
    try {
      assert.equal((await fetch(`http://127.0.0.1:${server.httpPort}/metrics`)).status, 200);
      const relayed = await fetch(`http://127.0.0.1:${server.httpPort}/metrics`, { headers: { 'x-forwarded-for': '203.0.113.9' } });
      assert.equal(relayed.status, 403);
      assert.equal((await errorBody(relayed)).code, 'FORBIDDEN');
      const outside = outsideAddress();
      if (outside) assert.equal((await fetch(`http://${outside}:${server.httpPort}/metrics`)).status, 403);
      else console.log('# no non-loopback address on this machine: only the relayed request was tried');
    } finally {
      await server.dispose();
    }
  });

  it('with --metrics-token, answers anyone with the bearer token and refuses a wrong one', async () => {
    const token = 'metrics-secret-0123456789';
    const server = await startTestServer({ metricsToken: token });
    try {
      const url = `http://127.0.0.1:${server.httpPort}/metrics`;
      const viaProxy = { 'x-forwarded-for': '203.0.113.9' };
      const ok = await fetch(url, { headers: { ...viaProxy, authorization: `Bearer ${token}` } });
      assert.equal(ok.status, 200);
      assert.match(await ok.text(), /banter_connections/);
      assert.equal((await fetch(url, { headers: { ...viaProxy, authorization: 'Bearer wrong' } })).status, 401);
      assert.equal((await fetch(url, { headers: viaProxy })).status, 401);
    } finally {
      await server.dispose();
    }
  });

  it('with --metrics-port, serves them there and no longer on the HTTP port', async () => {
    const server = await startTestServer({ metricsPort: 0, metricsHost: '127.0.0.1' });
    try {
      assert.ok(server.metricsPort);
      const there = await fetch(`http://127.0.0.1:${server.metricsPort}/metrics`);
      assert.equal(there.status, 200);
      assert.match(await there.text(), /banter_connections/);
      const here = await fetch(`http://127.0.0.1:${server.httpPort}/metrics`);
      assert.equal(here.status, 404);
      assert.equal((await errorBody(here)).code, 'NOT_FOUND');
    } finally {
      await server.dispose();
    }
  });
});

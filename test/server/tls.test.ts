import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { rmSync } from 'node:fs';
import { request } from 'node:https';
import { join } from 'node:path';
import tls from 'node:tls';
import { after, before, describe, it } from 'node:test';
import { loadConfig } from '../../src/server/config.js';
import { startTestServer, tempDir, type TestServer } from '../helpers/server.js';

/** A self-signed certificate for localhost, made with openssl; null (and the reason) if it cannot be. */
function selfSigned(dir: string): { cert: string; key: string } | string {
  const cert = join(dir, 'cert.pem');
  const key = join(dir, 'key.pem');
  try {
    execFileSync('openssl', ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-subj', '/CN=localhost', '-days', '1', '-keyout', key, '-out', cert], { stdio: 'pipe' });
  } catch (err) {
    return `openssl is not usable here: ${(err as Error).message}`;
  }
  return { cert, key };
}

/** A line-protocol client over TLS that sends requests and waits for their replies. */
async function tlsClient(port: number): Promise<{ call(op: string, body?: object): Promise<Record<string, unknown>>; close(): void }> {
  const socket = tls.connect({ host: '127.0.0.1', port, rejectUnauthorized: false });
  await new Promise<void>((resolve, reject) => socket.once('secureConnect', resolve).once('error', reject));
  const waiting = new Map<number, (reply: Record<string, unknown>) => void>();
  let buffered = '';
  socket.on('data', (chunk: Buffer) => {
    buffered += chunk.toString('utf8');
    let nl;
    while ((nl = buffered.indexOf('\n')) >= 0) {
      const line = JSON.parse(buffered.slice(0, nl)) as Record<string, unknown>;
      buffered = buffered.slice(nl + 1);
      if (typeof line.re === 'number') waiting.get(line.re)?.(line);
    }
  });
  let id = 0;
  return {
    call(op, body = {}) {
      const n = ++id;
      socket.write(`${JSON.stringify({ id: n, op, ...body })}\n`);
      return new Promise((resolve) => waiting.set(n, resolve));
    },
    close: () => socket.destroy(),
  };
}

describe('TLS on both ports', () => {
  const dir = tempDir('banter-tls-');
  const pair = selfSigned(dir);
  const skip = typeof pair === 'string' ? pair : false;
  let server: TestServer;

  before(async () => {
    if (typeof pair === 'string') {
      process.stdout.write(`# skipping TLS tests: ${pair}\n`);
      return;
    }
    server = await startTestServer({ tlsCert: pair.cert, tlsKey: pair.key });
  });
  after(async () => {
    await server?.dispose();
    rmSync(dir, { recursive: true, force: true });
  });

  it('speaks the line protocol over TLS: hello, register, login', { skip }, async () => {
    const client = await tlsClient(server.tcpPort);
    try {
      const hello = await client.call('hello', { client: 'tls-test' });
      assert.equal(hello.ok, true);
      assert.equal(hello.server, 'banter');
      assert.equal((await client.call('register', { user: 'tlsuser', password: 'correct-horse-1' })).ok, true);
      const login = await client.call('login', { user: 'tlsuser', password: 'correct-horse-1' });
      assert.equal(login.ok, true);
      assert.equal(typeof login.token, 'string');
    } finally {
      client.close();
    }
  });

  it('serves HTTPS: /healthz answers, plain HTTP does not', { skip }, async () => {
    const body = await new Promise<{ status: number; text: string; hsts: string | undefined }>((resolve, reject) => {
      const req = request({ host: '127.0.0.1', port: server.httpPort, path: '/healthz', rejectUnauthorized: false }, (res) => {
        let text = '';
        res.on('data', (d: Buffer) => (text += d.toString()));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, text, hsts: res.headers['strict-transport-security'] as string | undefined }));
      });
      req.on('error', reject);
      req.end();
    });
    assert.equal(body.status, 200);
    assert.deepEqual(JSON.parse(body.text), { ok: true });
    assert.ok(body.hsts, 'HSTS over HTTPS');
    await assert.rejects(fetch(`http://127.0.0.1:${server.httpPort}/healthz`));
  });

  it('wants both a certificate and a key, and a usable pair', { skip }, async () => {
    if (typeof pair === 'string') return;
    assert.throws(() => loadConfig({ tlsCert: pair.cert }, {}), /both a certificate and its key/);
    assert.throws(() => loadConfig({}, { BANTER_TLS_KEY: pair.key }), /both a certificate and its key/);
    await assert.rejects(startTestServer({ tlsCert: join(dir, 'missing.pem'), tlsKey: pair.key }, join(dir, 'data1')), /cannot read TLS certificate .*missing\.pem/);
    await assert.rejects(startTestServer({ tlsCert: pair.key, tlsKey: pair.cert }, join(dir, 'data2')), /not a usable PEM pair/);
  });
});

import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { request as httpRequest, type ClientRequest } from 'node:http';
import { after, before, describe, it } from 'node:test';
import type { BanterClient } from '../../src/client/index.js';
import { newUser } from '../helpers/clients.js';
import { postFile } from '../helpers/files.js';
import { startTestServer, type TestServer } from '../helpers/server.js';
import { waitForValue } from '../helpers/wait.js';

const MiB = 1024 * 1024;

interface User {
  client: BanterClient;
  token: string;
}

interface ErrorBody {
  error: { code: string; message: string };
}

/** Status and error code of an upload (the body read, so the connection is done with). */
async function outcome(res: Response): Promise<{ status: number; code?: string; size?: number; message?: string }> {
  const body = (await res.json()) as Partial<ErrorBody> & { size?: number };
  return { status: res.status, code: body.error?.code, message: body.error?.message, size: body.size };
}

/** A chunked upload (no Content-Length) the test feeds by hand and may cut off. */
function heldUpload(port: number, token: string): { req: ClientRequest; response: Promise<number> } {
  const req = httpRequest({ host: '127.0.0.1', port, method: 'POST', path: '/api/files', headers: { authorization: `Bearer ${token}`, 'transfer-encoding': 'chunked' } });
  const response = new Promise<number>((resolve, reject) => {
    req.on('response', (res) => {
      res.resume();
      res.on('end', () => resolve(res.statusCode ?? 0));
    });
    req.on('error', reject);
  });
  req.flushHeaders();
  return { req, response };
}

describe('upload quota under concurrent uploads', () => {
  let server: TestServer;
  let base: string;
  const users: User[] = [];

  before(async () => {
    // The hardening issue's repro; the in-flight cap is set out of the way to test the reservation alone.
    server = await startTestServer({ uploadQuotaMib: 5, maxUploadMib: 4, uploadsPerMinute: 10_000, uploadsInFlight: 100 });
    base = `http://127.0.0.1:${server.httpPort}`;
  });
  after(async () => {
    for (const u of users) u.client.close();
    await server.dispose();
  });

  async function user(): Promise<User> {
    const u = await newUser(server.tcpPort);
    users.push(u);
    return u;
  }

  it('stores at most the quota from 12 concurrent 3 MiB uploads with Content-Length, the rest 413 QUOTA_EXCEEDED', async () => {
    const alice = await user();
    const results = await Promise.all(Array.from({ length: 12 }, () => postFile(base, alice.token, randomBytes(3 * MiB)).then(outcome)));
    const accepted = results.filter((r) => r.status === 201);
    assert.equal(accepted.length, 1, JSON.stringify(results.map((r) => r.status)));
    for (const r of results.filter((x) => x.status !== 201)) assert.deepEqual([r.status, r.code], [413, 'QUOTA_EXCEEDED']);
    // What is left is exactly the quota minus the one stored: 2 MiB fit, then not a byte more.
    assert.equal((await outcome(await postFile(base, alice.token, randomBytes(2 * MiB)))).status, 201);
    assert.deepEqual((await outcome(await postFile(base, alice.token, Buffer.from('x')))).code, 'QUOTA_EXCEEDED');
  });

  it('counts streamed bytes of concurrent chunked uploads against one another', async () => {
    const bob = await user();
    const chunked = (total: number): ReadableStream<Uint8Array> => {
      let sent = 0;
      return new ReadableStream<Uint8Array>({
        pull(controller) {
          if (sent >= total) return controller.close();
          const n = Math.min(64 * 1024, total - sent);
          sent += n;
          controller.enqueue(randomBytes(n));
        },
      });
    };
    const results = await Promise.all(Array.from({ length: 12 }, () => postFile(base, bob.token, chunked(3 * MiB)).then(outcome)));
    const stored = results.filter((r) => r.status === 201).reduce((sum, r) => sum + r.size!, 0);
    assert.ok(stored <= 5 * MiB, `stored ${stored} bytes, quota ${5 * MiB}: ${JSON.stringify(results.map((r) => r.status))}`);
    for (const r of results.filter((x) => x.status !== 201)) assert.deepEqual([r.status, r.code], [413, 'QUOTA_EXCEEDED']);
    // (Streams claim chunk by chunk, so together they may all run out before any ends.) What the
    // refused ones had claimed is free again: the rest of the quota can be uploaded.
    assert.equal((await outcome(await postFile(base, bob.token, randomBytes(Math.min(4 * MiB, 5 * MiB - stored))))).status, 201);
  });

  it('frees the reservation of an upload refused as TOO_LARGE', async () => {
    const carol = await user();
    const chunkedTooLarge = new ReadableStream<Uint8Array>({
      start(controller) {
        for (let i = 0; i < 4 * 16 + 1; i++) controller.enqueue(randomBytes(64 * 1024));
        controller.close();
      },
    });
    const refused = await outcome(await postFile(base, carol.token, chunkedTooLarge));
    assert.deepEqual([refused.status, refused.code], [413, 'TOO_LARGE']);
    // Had its 4 MiB stayed claimed, 4 more would not fit in 5.
    assert.equal((await outcome(await postFile(base, carol.token, randomBytes(4 * MiB)))).status, 201);
  });
});

describe('uploads in flight', () => {
  let server: TestServer;
  let base: string;
  const users: User[] = [];

  before(async () => {
    server = await startTestServer({ uploadQuotaMib: 5, maxUploadMib: 4, uploadsPerMinute: 10_000 });
    base = `http://127.0.0.1:${server.httpPort}`;
  });
  after(async () => {
    for (const u of users) u.client.close();
    await server.dispose();
  });

  async function user(): Promise<User> {
    const u = await newUser(server.tcpPort);
    users.push(u);
    return u;
  }

  it('refuses a fifth upload at once by default with 429 RATE_LIMITED, per user, until one finishes', async () => {
    const [alice, bob] = [await user(), await user()];
    const held = Array.from({ length: 4 }, () => heldUpload(server.httpPort, alice.token));
    for (const h of held) h.req.write(Buffer.from('part '));
    // Empty uploads take no quota: accepted until the four held ones are running, then refused.
    const refused = await waitForValue(() => postFile(base, alice.token, Buffer.alloc(0)).then(outcome), (r) => r.status !== 201, { what: 'the in-flight cap', timeoutMs: 10_000 });
    assert.deepEqual([refused.status, refused.code], [429, 'RATE_LIMITED']);
    assert.match(refused.message!, /at most 4 uploads at once/);
    assert.equal((await outcome(await postFile(base, bob.token, Buffer.from('bob is not capped by alice')))).status, 201);

    held[0]!.req.end('done');
    assert.equal(await held[0]!.response, 201);
    assert.equal((await outcome(await postFile(base, alice.token, Buffer.from('a slot is free')))).status, 201);
    for (const h of held.slice(1)) h.req.end();
    assert.deepEqual(await Promise.all(held.slice(1).map((h) => h.response)), [201, 201, 201]);
  });

  it('frees the bytes an interrupted upload had claimed', async () => {
    const carol = await user();
    assert.equal((await outcome(await postFile(base, carol.token, randomBytes(1 * MiB)))).status, 201);
    const held = heldUpload(server.httpPort, carol.token);
    held.response.catch(() => undefined); // it is cut off
    held.req.write(randomBytes(4 * MiB));
    // 1 MiB stored + 4 MiB claimed by the held upload: no room left, not even for an empty file.
    const full = await waitForValue(() => postFile(base, carol.token, Buffer.alloc(0)).then(outcome), (r) => r.status !== 201, { what: 'the held upload to claim its 4 MiB', timeoutMs: 10_000 });
    assert.deepEqual([full.status, full.code], [413, 'QUOTA_EXCEEDED']);
    held.req.destroy();
    await waitForValue(() => postFile(base, carol.token, Buffer.alloc(0)).then(outcome), (r) => r.status === 201, { what: 'the interrupted upload to release its claim', timeoutMs: 10_000 });
    assert.equal((await outcome(await postFile(base, carol.token, randomBytes(4 * MiB)))).status, 201);
  });
});

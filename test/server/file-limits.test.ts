import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import sharp from 'sharp';
import type { BanterClient } from '../../src/client/index.js';
import { PASSWORD, connect, newUser, waitUntil } from '../helpers/clients.js';
import { filesUnder, postFile } from '../helpers/files.js';
import { startTestServer, type TestServer } from '../helpers/server.js';

interface User {
  client: BanterClient;
  name: string;
  token: string;
}

interface ErrorBody {
  error: { code: string; message: string };
}


function upload(base: string, user: User, body: NonNullable<RequestInit['body']>): Promise<Response> {
  return postFile(base, user.token, body);
}

/** A body without Content-Length (chunked), `total` bytes in 1 KiB pieces. */
function chunked(total: number): ReadableStream<Uint8Array> {
  let sent = 0;
  return new ReadableStream<Uint8Array>({
    pull(controller) {
      if (sent >= total) return controller.close();
      const n = Math.min(1024, total - sent);
      sent += n;
      controller.enqueue(randomBytes(n));
    },
  });
}

describe('upload quota', () => {
  // 0.01 MiB = 10485 bytes per user.
  const QUOTA = Math.floor(0.01 * 1024 * 1024);
  let server: TestServer;
  let base: string;
  let alice: User, bob: User;

  before(async () => {
    server = await startTestServer({ uploadQuotaMib: 0.01, uploadsPerMinute: 1000 });
    base = `http://127.0.0.1:${server.httpPort}`;
    [alice, bob] = await Promise.all([newUser(server.tcpPort), newUser(server.tcpPort)]);
  });
  after(async () => {
    for (const u of [alice, bob]) u?.client.close();
    await server.dispose();
  });

  it('refuses what would take a user over the quota with 413 QUOTA_EXCEEDED, declared or streamed, keeping nothing', async () => {
    const filesDir = join(server.dataDir, 'files');
    assert.equal((await upload(base, alice, randomBytes(6000))).status, 201);
    const declared = await upload(base, alice, randomBytes(QUOTA - 6000 + 1));
    assert.equal(declared.status, 413);
    const body = (await declared.json()) as ErrorBody;
    assert.equal(body.error.code, 'QUOTA_EXCEEDED');
    assert.match(body.error.message, /quota/);
    assert.match(body.error.message, new RegExp(`${QUOTA} bytes`));

    const streamed = await upload(base, alice, chunked(QUOTA - 6000 + 1));
    assert.equal(streamed.status, 413);
    assert.equal(((await streamed.json()) as ErrorBody).error.code, 'QUOTA_EXCEEDED');
    await waitUntil(() => filesUnder(filesDir).length === 1 && readdirSync(join(filesDir, 'tmp')).length === 0, 'nothing of the refused uploads kept');

    // Exactly up to the quota is accepted (streamed too); then not one byte more.
    assert.equal((await upload(base, alice, chunked(QUOTA - 6000))).status, 201);
    const full = await upload(base, alice, Buffer.from('x'));
    assert.equal(full.status, 413);
    assert.equal(((await full.json()) as ErrorBody).error.code, 'QUOTA_EXCEEDED');
    // Empty uploads too: the quota is used up.
    assert.equal((await upload(base, alice, Buffer.alloc(0))).status, 413);
    // The quota is per user.
    assert.equal((await upload(base, bob, randomBytes(QUOTA))).status, 201);
  });

  it('keeps the quota across a restart (it is counted from the store)', async () => {
    const dataDir = server.dataDir;
    await server.stop();
    server = await startTestServer({ uploadQuotaMib: 0.01, uploadsPerMinute: 1000 }, dataDir);
    base = `http://127.0.0.1:${server.httpPort}`;
    alice.client.close();
    // Same user, new session.
    const client = await connect(server.tcpPort);
    const { token } = await client.request('login', { user: alice.name, password: PASSWORD });
    alice = { client, name: alice.name, token };
    const res = await upload(base, alice, Buffer.from('x'));
    assert.equal(res.status, 413);
    assert.equal(((await res.json()) as ErrorBody).error.code, 'QUOTA_EXCEEDED');
  });
});

describe('upload rate limit', () => {
  let server: TestServer;
  let base: string;
  let alice: User, bob: User;

  before(async () => {
    server = await startTestServer({ uploadsPerMinute: 3 });
    base = `http://127.0.0.1:${server.httpPort}`;
    [alice, bob] = await Promise.all([newUser(server.tcpPort), newUser(server.tcpPort)]);
  });
  after(async () => {
    for (const u of [alice, bob]) u?.client.close();
    await server.dispose();
  });

  it('answers the upload over the per-minute limit with 429 and Retry-After, per user', async () => {
    for (let i = 0; i < 3; i++) assert.equal((await upload(base, alice, Buffer.from(`file ${i}`))).status, 201);
    const refused = await upload(base, alice, randomBytes(32 * 1024));
    assert.equal(refused.status, 429);
    const retry = Number(refused.headers.get('retry-after'));
    assert.ok(Number.isInteger(retry) && retry >= 1 && retry <= 60, `Retry-After ${refused.headers.get('retry-after')}`);
    const body = (await refused.json()) as ErrorBody;
    assert.equal(body.error.code, 'RATE_LIMITED');
    assert.match(body.error.message, /3 uploads a minute/);
    assert.equal((await upload(base, bob, Buffer.from('bob is not limited by alice'))).status, 201);
  });
});

describe('image thumbnails', () => {
  let server: TestServer;
  let base: string;
  let alice: User, bob: User;

  before(async () => {
    server = await startTestServer();
    base = `http://127.0.0.1:${server.httpPort}`;
    [alice, bob] = await Promise.all([newUser(server.tcpPort), newUser(server.tcpPort)]);
  });
  after(async () => {
    for (const u of [alice, bob]) u?.client.close();
    await server.dispose();
  });

  const thumb = (user: User | undefined, id: string): Promise<Response> =>
    fetch(`${base}/api/files/${encodeURIComponent(id)}/thumb`, { headers: user ? { authorization: `Bearer ${user.token}` } : {} });

  it('makes a WebP thumbnail of at most 320x320 for an image and serves it with the file\'s access rules', async () => {
    const png = await sharp({ create: { width: 800, height: 400, channels: 3, background: { r: 200, g: 30, b: 60 } } }).png().toBuffer();
    const res = await upload(base, alice, png);
    assert.equal(res.status, 201);
    const up = (await res.json()) as { id: string; mime: string; thumb: boolean; sha256: string };
    assert.equal(up.mime, 'image/png');
    assert.equal(up.thumb, true);

    const got = await thumb(alice, up.id);
    assert.equal(got.status, 200);
    assert.equal(got.headers.get('content-type'), 'image/webp');
    assert.equal(got.headers.get('x-content-type-options'), 'nosniff');
    const meta = await sharp(Buffer.from(await got.arrayBuffer())).metadata();
    assert.deepEqual({ format: meta.format, width: meta.width, height: meta.height }, { format: 'webp', width: 320, height: 160 });
    // Stored beside the file, under the content's hash.
    assert.ok(existsSync(join(server.dataDir, 'files', up.sha256.slice(0, 2), `${up.sha256.slice(2)}.thumb.webp`)));

    // Same rules as the file: not for bob until sent to him; 401 without a token.
    const stranger = await thumb(bob, up.id);
    assert.equal(stranger.status, 404);
    assert.equal(((await stranger.json()) as ErrorBody).error.code, 'NO_SUCH_FILE');
    assert.equal((await thumb(undefined, up.id)).status, 401);
    await alice.client.request('send', { to: `@${bob.name}`, file: { id: up.id } });
    assert.equal((await thumb(bob, up.id)).status, 200);
  });

  it('makes none for other files or undecodable images: thumb false, 404 NO_THUMBNAIL', async () => {
    const small = await sharp({ create: { width: 10, height: 20, channels: 4, background: '#00ff0080' } }).gif().toBuffer();
    const gif = (await (await upload(base, alice, small)).json()) as { id: string; thumb: boolean; mime: string };
    assert.deepEqual([gif.mime, gif.thumb], ['image/gif', true]);
    const meta = await sharp(Buffer.from(await (await thumb(alice, gif.id)).arrayBuffer())).metadata();
    assert.deepEqual([meta.width, meta.height], [10, 20], 'never enlarged');

    for (const body of [Buffer.from('just text'), Buffer.concat([Buffer.from('89504e470d0a1a0a0000000d49484452', 'hex'), randomBytes(64)])]) {
      const up = (await (await upload(base, alice, body)).json()) as { id: string; thumb: boolean };
      assert.equal(up.thumb, false);
      const res = await thumb(alice, up.id);
      assert.equal(res.status, 404);
      assert.equal(((await res.json()) as ErrorBody).error.code, 'NO_THUMBNAIL');
    }
    assert.equal((await thumb(alice, 'no-such-id')).status, 404);
  });
});

describe('HTTP security headers', () => {
  let server: TestServer;
  let base: string;
  let alice: User;

  before(async () => {
    server = await startTestServer();
    base = `http://127.0.0.1:${server.httpPort}`;
    alice = await newUser(server.tcpPort);
  });
  after(async () => {
    alice?.client.close();
    await server.dispose();
  });

  function assertSecure(res: Response, what: string): void {
    assert.equal(res.headers.get('x-content-type-options'), 'nosniff', what);
    assert.equal(res.headers.get('referrer-policy'), 'no-referrer', what);
    assert.equal(res.headers.get('x-frame-options'), 'DENY', what);
    assert.match(res.headers.get('content-security-policy') ?? '', /default-src 'none'/, what);
    assert.equal(res.headers.get('access-control-allow-origin'), null, what);
  }

  it('puts them on every response: health, metrics, errors, unknown paths, uploads and downloads', async () => {
    const responses: [string, Response][] = [
      ['healthz', await fetch(`${base}/healthz`)],
      ['metrics', await fetch(`${base}/metrics`)],
      ['404', await fetch(`${base}/api/nope`)], // (/nope would be a client route of the web client, when built)
      ['401', await fetch(`${base}/api/files/x`)],
    ];
    const up = await upload(base, alice, Buffer.from('hello'));
    responses.push(['upload', up]);
    const { id } = (await up.json()) as { id: string };
    responses.push(['download', await fetch(`${base}/api/files/${id}`, { headers: { authorization: `Bearer ${alice.token}` } })]);
    for (const [what, res] of responses) {
      assertSecure(res, what);
      if (!res.bodyUsed) await res.arrayBuffer();
    }
  });

  it('keeps CORS closed: a cross-origin preflight gets no Access-Control-Allow-Origin', async () => {
    const res = await fetch(`${base}/api/files`, {
      method: 'OPTIONS',
      headers: { origin: 'https://evil.example', 'access-control-request-method': 'POST', 'access-control-request-headers': 'authorization' },
    });
    assert.equal(res.headers.get('access-control-allow-origin'), null);
    assert.equal(res.headers.get('access-control-allow-methods'), null);
    assert.equal(res.headers.get('access-control-allow-headers'), null);
    await res.arrayBuffer();
    const get = await fetch(`${base}/healthz`, { headers: { origin: 'https://evil.example' } });
    assert.equal(get.headers.get('access-control-allow-origin'), null);
    await get.arrayBuffer();
  });
});

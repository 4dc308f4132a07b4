import assert from 'node:assert/strict';
import { createHash, randomBytes } from 'node:crypto';
import { createReadStream, createWriteStream, existsSync, readdirSync, rmSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { after, before, describe, it } from 'node:test';
import type { BanterClient } from '../../src/client/index.js';
import type { FileRef } from '../../src/protocol/index.js';
import { newUser, nextEvent, waitUntil } from '../helpers/clients.js';
import { filesUnder, postFile } from '../helpers/files.js';
import { startTestServer, tempDir, type TestServer } from '../helpers/server.js';
import { scenarioPause } from '../helpers/wait.js';

const PNG = Buffer.from('iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg==', 'base64');

interface User {
  client: BanterClient;
  name: string;
  token: string;
}

interface Uploaded {
  id: string;
  name: string;
  size: number;
  mime: string;
  sha256: string;
  thumb: boolean;
}


async function code(p: Promise<unknown>): Promise<string> {
  try {
    await p;
  } catch (err) {
    return (err as { code: string }).code;
  }
  return 'ok';
}

describe('file transfer over HTTP', () => {
  let server: TestServer;
  let base: string;
  let alice: User, bob: User, carol: User;

  before(async () => {
    server = await startTestServer();
    base = `http://127.0.0.1:${server.httpPort}`;
    [alice, bob, carol] = await Promise.all([newUser(server.tcpPort), newUser(server.tcpPort), newUser(server.tcpPort)]);
  });
  after(async () => {
    for (const u of [alice, bob, carol]) u?.client.close();
    await server.dispose();
  });

  function upload(token: string | undefined, body: NonNullable<RequestInit['body']>, headers: Record<string, string> = {}): Promise<Response> {
    return postFile(base, token, body, headers);
  }

  async function uploadOk(user: User, body: NonNullable<RequestInit['body']>, headers: Record<string, string> = {}): Promise<Uploaded> {
    const res = await upload(user.token, body, headers);
    assert.equal(res.status, 201, await res.clone().text());
    return (await res.json()) as Uploaded;
  }

  function download(user: User | undefined, id: string, headers: Record<string, string> = {}): Promise<Response> {
    const auth: Record<string, string> = user ? { authorization: `Bearer ${user.token}` } : {};
    return fetch(`${base}/api/files/${encodeURIComponent(id)}`, { headers: { ...auth, ...headers } });
  }

  async function sendFile(user: User, to: string, id: string) {
    return user.client.request('send', { to, file: { id } });
  }

  it('carries a 50 MiB file byte for byte from one user to another through #lobby', async () => {
    const dir = tempDir('banter-upload-');
    try {
      // Random content written in 1 MiB pieces, hashed on the way: never 50 MiB in memory.
      const source = join(dir, 'big.bin');
      const expected = createHash('sha256');
      const out = createWriteStream(source);
      for (let i = 0; i < 50; i++) {
        const chunk = randomBytes(1024 * 1024);
        expected.update(chunk);
        if (!out.write(chunk)) await new Promise<void>((r) => out.once('drain', () => r()));
      }
      await new Promise<void>((r) => out.end(() => r()));
      const sha256 = expected.digest('hex');

      const body = Readable.toWeb(createReadStream(source)) as ReadableStream;
      const up = await uploadOk(alice, body, { 'x-file-name': encodeURIComponent('données 50 MiB.bin') });
      assert.deepEqual({ ...up, id: undefined }, { id: undefined, name: 'données 50 MiB.bin', size: 50 * 1024 * 1024, mime: 'application/octet-stream', sha256, thumb: false });
      assert.match(up.id, /^[A-Za-z0-9_-]{16,}$/);
      // Stored under its hash, nothing left in tmp/.
      const filesDir = join(server.dataDir, 'files');
      assert.equal(statSync(join(filesDir, sha256.slice(0, 2), sha256.slice(2))).size, 50 * 1024 * 1024);
      assert.deepEqual(readdirSync(join(filesDir, 'tmp')), []);

      assert.equal((await download(bob, up.id)).status, 404, 'not sent yet: only the uploader sees it');
      const event = nextEvent(bob.client, 'msg', (m) => m.file?.id === up.id);
      await sendFile(alice, '#lobby', up.id);
      const msg = await event;
      assert.deepEqual(msg.file, { id: up.id, name: 'données 50 MiB.bin', size: 50 * 1024 * 1024, mime: 'application/octet-stream' } satisfies FileRef);
      assert.equal(msg.from, alice.name);

      const res = await download(bob, up.id);
      assert.equal(res.status, 200);
      assert.equal(res.headers.get('content-length'), String(50 * 1024 * 1024));
      const got = createHash('sha256');
      let size = 0;
      for await (const chunk of res.body as unknown as AsyncIterable<Uint8Array>) {
        got.update(chunk);
        size += chunk.length;
      }
      assert.equal(size, 50 * 1024 * 1024);
      assert.equal(got.digest('hex'), sha256, 'byte-identical');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('lets a stranger not download a privately sent file (404) while both parties can', async () => {
    const up = await uploadOk(alice, Buffer.from('for bob only'), { 'x-file-name': 'secret.txt' });
    const reply = await sendFile(alice, `@${bob.name}`, up.id);
    assert.equal(reply.conv, `@${bob.name}`);
    for (const user of [alice, bob]) {
      const res = await download(user, up.id);
      assert.equal(res.status, 200, user.name);
      assert.equal(await res.text(), 'for bob only');
    }
    const stranger = await download(carol, up.id);
    assert.equal(stranger.status, 404);
    assert.equal(((await stranger.json()) as { error: { code: string } }).error.code, 'NO_SUCH_FILE');
    assert.equal((await download(carol, 'no-such-id')).status, 404, 'the same answer as an unknown id');
    // A bad or missing token is 401 (browsers use signed links: test/server/file-links.test.ts).
    assert.equal((await download({ ...bob, token: 'nope' }, up.id)).status, 401);
    assert.equal((await download(undefined, up.id)).status, 401);
    // The history carries the file too.
    const history = await bob.client.request('history', { conv: `@${alice.name}` });
    assert.deepEqual(history.messages.at(-1)?.file, { id: up.id, name: 'secret.txt', size: 12, mime: 'application/octet-stream' });
  });

  it('serves byte ranges: 206 for bytes=0-9 and bytes=-5, 416 when unsatisfiable', async () => {
    const content = Buffer.from('0123456789abcdefghijklmnopqrstuvwxyz');
    const up = await uploadOk(alice, content);
    let res = await download(alice, up.id, { range: 'bytes=0-9' });
    assert.equal(res.status, 206);
    assert.equal(res.headers.get('content-range'), `bytes 0-9/${content.length}`);
    assert.equal(res.headers.get('content-length'), '10');
    assert.equal(await res.text(), '0123456789');
    res = await download(alice, up.id, { range: 'bytes=-5' });
    assert.equal(res.status, 206);
    assert.equal(res.headers.get('content-range'), `bytes 31-35/${content.length}`);
    assert.equal(await res.text(), 'vwxyz');
    res = await download(alice, up.id, { range: 'bytes=30-' });
    assert.equal(await res.text(), 'uvwxyz');
    res = await download(alice, up.id, { range: 'bytes=1000-2000' });
    assert.equal(res.status, 416);
    assert.equal(res.headers.get('content-range'), `bytes */${content.length}`);
    await res.arrayBuffer();
    res = await download(alice, up.id);
    assert.equal(res.status, 200);
    assert.equal(res.headers.get('accept-ranges'), 'bytes');
    assert.equal(await res.text(), content.toString());
  });

  it('stores a path-traversal name harmlessly and gives it back sanitised', async () => {
    const up = await uploadOk(alice, Buffer.from('root:x:0:0'), { 'x-file-name': encodeURIComponent('../../etc/passwd') });
    assert.equal(up.name, '.._.._etc_passwd');
    await sendFile(alice, '#lobby', up.id);
    const res = await download(carol, up.id);
    assert.equal(res.status, 200);
    const disposition = res.headers.get('content-disposition') ?? '';
    assert.ok(disposition.startsWith('attachment;'), disposition);
    const star = /filename\*=UTF-8''([^;]+)/.exec(disposition)?.[1];
    assert.equal(decodeURIComponent(star ?? ''), '.._.._etc_passwd');
    assert.ok(!disposition.includes('/'), disposition);
    await res.arrayBuffer();
    // Only content-addressed paths exist under files/: <2 hex>/<62 hex>.
    for (const f of filesUnder(join(server.dataDir, 'files'))) assert.match(f, /^[0-9a-f]{2}\/[0-9a-f]{62}(\.thumb\.webp)?$/);
    assert.ok(!existsSync(join(server.dataDir, 'etc')));
  });

  it('sanitises control characters and long names, and percent-decodes UTF-8', async () => {
    const long = `${'ж'.repeat(300)}.tar.gz`;
    const up = await uploadOk(alice, Buffer.from('x'), { 'x-file-name': encodeURIComponent(`a\u0000b\u202Egnp.exe\n${long}`) });
    assert.ok(![...up.name].some((c) => c.charCodeAt(0) < 0x20 || c === '\u202E'), up.name);
    assert.equal([...up.name].length, 200);
    assert.ok(up.name.startsWith('abgnp.exe'), up.name);
    assert.ok(up.name.endsWith('.gz'), up.name);
  });

  it('trusts the content, not the Content-Type: a PNG sent as text/plain is image/png', async () => {
    const up = await uploadOk(alice, PNG, { 'content-type': 'text/plain', 'x-file-name': 'pixel.txt' });
    assert.equal(up.mime, 'image/png');
    const res = await download(alice, up.id);
    assert.equal(res.headers.get('content-type'), 'image/png');
    assert.equal(res.headers.get('x-content-type-options'), 'nosniff');
    assert.deepEqual(Buffer.from(await res.arrayBuffer()), PNG);
    const html = await uploadOk(alice, Buffer.from('<html><script>alert(1)</script></html>'), { 'content-type': 'text/html' });
    assert.equal(html.mime, 'application/octet-stream');
  });

  it('sends only the uploader\'s own files: anyone else\'s id is NO_SUCH_FILE', async () => {
    const up = await uploadOk(alice, Buffer.from('mine'));
    assert.equal(await code(sendFile(bob, '#lobby', up.id)), 'NO_SUCH_FILE');
    assert.equal(await code(sendFile(bob, `@${alice.name}`, up.id)), 'NO_SUCH_FILE');
    assert.equal(await code(sendFile(bob, '#lobby', 'made-up')), 'NO_SUCH_FILE');
    assert.equal((await download(bob, up.id)).status, 404, 'a refused send shares nothing');
    const event = nextEvent(carol.client, 'msg', (m) => m.file?.id === up.id);
    await sendFile(alice, `@${carol.name}`, up.id);
    assert.deepEqual((await event).file, { id: up.id, name: 'file', size: 4, mime: 'application/octet-stream' });
  });
});

describe('file upload limits and refusals', () => {
  let server: TestServer;
  let base: string;
  let alice: User;
  let filesDir: string;

  before(async () => {
    server = await startTestServer({ maxUploadMib: 1 });
    base = `http://127.0.0.1:${server.httpPort}`;
    alice = await newUser(server.tcpPort);
    filesDir = join(server.dataDir, 'files');
  });
  after(async () => {
    alice?.client.close();
    await server.dispose();
  });

  it('refuses requests without a valid token with 401, keeping nothing', async () => {
    for (const authorization of [undefined, 'Bearer not-a-token', `Basic ${alice.token}`, 'Bearer ']) {
      const headers: Record<string, string> = authorization === undefined ? {} : { authorization };
      const res = await fetch(`${base}/api/files`, { method: 'POST', body: randomBytes(64 * 1024), headers });
      assert.equal(res.status, 401, String(authorization));
      assert.equal(((await res.json()) as { error: { code: string } }).error.code, 'NOT_AUTHENTICATED');
    }
    assert.deepEqual(filesUnder(filesDir), []);
  });

  it('refuses an upload over the limit with 413, declared or streamed, keeping nothing', async () => {
    const declared = await fetch(`${base}/api/files`, { method: 'POST', body: randomBytes(3 * 1024 * 1024), headers: { authorization: `Bearer ${alice.token}` } });
    assert.equal(declared.status, 413);
    assert.equal(((await declared.json()) as { error: { code: string } }).error.code, 'TOO_LARGE');

    // Chunked, without a length: refused once the limit is crossed.
    let sent = 0;
    const stream = new ReadableStream<Uint8Array>({
      pull(controller) {
        if (sent >= 8 * 1024 * 1024) return controller.close();
        sent += 64 * 1024;
        controller.enqueue(randomBytes(64 * 1024));
      },
    });
    const streamed = await fetch(`${base}/api/files`, {
      method: 'POST',
      body: stream,
      duplex: 'half',
      headers: { authorization: `Bearer ${alice.token}` },
    } as RequestInit);
    assert.equal(streamed.status, 413);
    await streamed.arrayBuffer();
    await waitUntil(() => filesUnder(filesDir).length === 0, 'no file left behind');

    // Exactly the limit is accepted.
    const res = await fetch(`${base}/api/files`, { method: 'POST', body: randomBytes(1024 * 1024), headers: { authorization: `Bearer ${alice.token}` } });
    assert.equal(res.status, 201);
    assert.equal(((await res.json()) as Uploaded).size, 1024 * 1024);
    assert.equal(filesUnder(filesDir).length, 1);
    assert.deepEqual(readdirSync(join(filesDir, 'tmp')), []);
  });

  it('keeps nothing of an upload the client aborts', async () => {
    const before = filesUnder(filesDir);
    const controller = new AbortController();
    let sent = 0;
    const stream = new ReadableStream<Uint8Array>({
      async pull(c) {
        if (sent >= 512 * 1024) {
          // Leave the upload hanging half-way, then give up.
          await scenarioPause(100);
          controller.abort();
          return;
        }
        sent += 64 * 1024;
        c.enqueue(randomBytes(64 * 1024));
      },
    });
    const res = fetch(`${base}/api/files`, {
      method: 'POST',
      body: stream,
      duplex: 'half',
      signal: controller.signal,
      headers: { authorization: `Bearer ${alice.token}` },
    } as RequestInit);
    await assert.rejects(res);
    await waitUntil(() => filesUnder(filesDir).length === before.length && readdirSync(join(filesDir, 'tmp')).length === 0, 'the partial file removed');
    assert.deepEqual(filesUnder(filesDir), before);
  });
});

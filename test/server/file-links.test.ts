import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import sharp from 'sharp';
import type { BanterClient } from '../../src/client/index.js';
import { newUser, refusal } from '../helpers/clients.js';
import { postFile } from '../helpers/files.js';
import { startTestServer, tempDir, type TestServer } from '../helpers/server.js';

interface User {
  client: BanterClient;
  name: string;
  token: string;
}

const PNG = await sharp({ create: { width: 640, height: 480, channels: 3, background: { r: 200, g: 30, b: 90 } } }).png().toBuffer();

async function errorOf(res: Response): Promise<{ status: number; code: string; message: string }> {
  const body = (await res.json()) as { error: { code: string; message: string } };
  return { status: res.status, ...body.error };
}

describe('signed file links', () => {
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

  async function upload(user: User, body: Buffer, name: string): Promise<{ id: string; thumb: boolean }> {
    const res = await postFile(base, user.token, body, { 'x-file-name': name });
    assert.equal(res.status, 201, await res.clone().text());
    return (await res.json()) as { id: string; thumb: boolean };
  }

  it('hands out links that download the file and its thumbnail with no session at all', async () => {
    const up = await upload(alice, PNG, 'red.png');
    assert.ok(up.thumb);
    await alice.client.request('send', { to: `@${bob.name}`, file: { id: up.id } });
    const link = await bob.client.request('file_url', { file: up.id });
    assert.equal(link.file, up.id);
    assert.match(link.url, new RegExp(`^/api/files/${up.id}\\?exp=\\d+&sig=[A-Za-z0-9_-]{22}$`));
    assert.match(link.thumb_url, new RegExp(`^/api/files/${up.id}/thumb\\?exp=\\d+&sig=[A-Za-z0-9_-]{22}$`));
    // Valid for about four hours (rounded up to the hour), and the expiry is the one in the URL.
    const hours = (link.expires - Date.now()) / 3600_000;
    assert.ok(hours > 3.99 && hours <= 5, `${hours} h`);
    assert.equal(new URL(link.url, base).searchParams.get('exp'), String(link.expires / 1000));

    // A plain GET: no Authorization, no cookie.
    const res = await fetch(base + link.url);
    assert.equal(res.status, 200);
    assert.deepEqual(Buffer.from(await res.arrayBuffer()), PNG);
    assert.equal(res.headers.get('content-type'), 'image/png');
    assert.equal(res.headers.get('referrer-policy'), 'no-referrer');
    const maxAge = Number(/^private, max-age=(\d+)$/.exec(res.headers.get('cache-control') ?? '')?.[1]);
    assert.ok(maxAge > 3.9 * 3600 && maxAge <= link.expires / 1000 - Date.now() / 1000 + 1, res.headers.get('cache-control') ?? '');

    const thumb = await fetch(base + link.thumb_url);
    assert.equal(thumb.status, 200);
    assert.equal(thumb.headers.get('content-type'), 'image/webp');
    assert.equal(thumb.headers.get('referrer-policy'), 'no-referrer');
    assert.match(thumb.headers.get('cache-control') ?? '', /^private, max-age=\d+$/);
    const meta = await sharp(Buffer.from(await thumb.arrayBuffer())).metadata();
    assert.deepEqual([meta.format, meta.width, meta.height], ['webp', 320, 240]);

    // Ranges work through a link too (players seek with them).
    const part = await fetch(base + link.url, { headers: { range: 'bytes=0-7' } });
    assert.equal(part.status, 206);
    assert.deepEqual(Buffer.from(await part.arrayBuffer()), PNG.subarray(0, 8));

    // The uploader gets links too; the same file within the hour is the same URL (caches reuse it).
    const again = await alice.client.request('file_url', { file: up.id });
    assert.equal(again.url, link.url);
  });

  it('refuses links for files the user may not read, as for an unknown id; needs a login', async () => {
    const up = await upload(alice, Buffer.from('alice keeps this'), 'mine.txt');
    assert.equal((await refusal(carol.client.request('file_url', { file: up.id }))).code, 'NO_SUCH_FILE', 'never sent anywhere');
    await alice.client.request('send', { to: `@${bob.name}`, file: { id: up.id } });
    assert.equal((await refusal(carol.client.request('file_url', { file: up.id }))).code, 'NO_SUCH_FILE', 'sent to someone else');
    assert.equal((await refusal(carol.client.request('file_url', { file: 'no-such-file' }))).code, 'NO_SUCH_FILE');
    assert.ok((await bob.client.request('file_url', { file: up.id })).url);

    // Rooms: members get links, others do not.
    const room = `#links${Date.now() % 100000}`;
    await alice.client.request('create', { room });
    const inRoom = await upload(alice, Buffer.from('for the room'), 'room.txt');
    await alice.client.request('send', { to: room, file: { id: inRoom.id } });
    assert.equal((await refusal(bob.client.request('file_url', { file: inRoom.id }))).code, 'NO_SUCH_FILE');
    await bob.client.request('join', { room });
    assert.equal(await (await fetch(base + (await bob.client.request('file_url', { file: inRoom.id })).url)).text(), 'for the room');

    const anonymous = (await newUser(server.tcpPort)).client;
    try {
      await anonymous.request('logout', {});
      assert.equal((await refusal(anonymous.request('file_url', { file: up.id }))).code, 'NOT_AUTHENTICATED');
    } finally {
      anonymous.close();
    }
  });

  it('answers 403 for an expired link, and for any change to its id, variant, expiry or signature', async () => {
    const a = await upload(alice, PNG, 'a.png');
    const b = await upload(alice, Buffer.from('file b'), 'b.txt');
    const link = await alice.client.request('file_url', { file: a.id });
    const url = new URL(link.url, base);
    const exp = url.searchParams.get('exp')!;
    const sig = url.searchParams.get('sig')!;
    const get = (path: string) => fetch(base + path);
    const flip = (s: string, i: number) => s.slice(0, i) + (s[i] === 'A' ? 'B' : 'A') + s.slice(i + 1);

    // A genuine link whose time is up (signed by this server, an hour ago).
    const past = Math.floor(Date.now() / 1000) - 3600;
    const expired = await errorOf(await get(server.chat.fileLinks.pathFor(a.id, 'file', past)));
    assert.equal(expired.status, 403);
    assert.equal(expired.code, 'LINK_EXPIRED');
    assert.match(expired.message, /expired at \d{4}-\d\d-\d\dT.*file_url/);
    assert.equal((await errorOf(await get(server.chat.fileLinks.pathFor(a.id, 'thumb', past)))).code, 'LINK_EXPIRED');

    const tampered: [string, string][] = [
      ['another file', `/api/files/${b.id}?exp=${exp}&sig=${sig}`],
      ["the file's link on its thumbnail", `/api/files/${a.id}/thumb?exp=${exp}&sig=${sig}`],
      ["the thumbnail's link on the file", `/api/files/${a.id}${new URL(link.thumb_url, base).search}`],
      ['a later expiry', `/api/files/${a.id}?exp=${Number(exp) + 3600}&sig=${sig}`],
      ['the expiry of an expired link moved on', `/api/files/${a.id}?exp=${exp}&sig=${new URL(server.chat.fileLinks.pathFor(a.id, 'file', past), base).searchParams.get('sig')}`],
      ['the first character of the signature', `/api/files/${a.id}?exp=${exp}&sig=${flip(sig, 0)}`],
      ['the last character of the signature', `/api/files/${a.id}?exp=${exp}&sig=${flip(sig, 21)}`],
      ['a shorter signature', `/api/files/${a.id}?exp=${exp}&sig=${sig.slice(0, 21)}`],
      ['a longer signature', `/api/files/${a.id}?exp=${exp}&sig=${sig}A`],
      ['no signature', `/api/files/${a.id}?exp=${exp}`],
      ['no expiry', `/api/files/${a.id}?sig=${sig}`],
      ['an expiry that is no number', `/api/files/${a.id}?exp=soon&sig=${sig}`],
      ['a repeated parameter', `/api/files/${a.id}?exp=${exp}&exp=${exp}&sig=${sig}`],
      ['an unknown id', `/api/files/nope?exp=${exp}&sig=${sig}`],
    ];
    for (const [what, path] of tampered) {
      const res = await get(path);
      const err = await errorOf(res);
      assert.deepEqual([err.status, err.code], [403, 'BAD_SIGNATURE'], what);
      assert.equal(res.headers.get('content-type'), 'application/json; charset=utf-8', what);
    }
    // The untouched link still works.
    assert.equal((await get(link.url)).status, 200);
  });

  it('no longer opens a file for a session token in the URL (?token=), not even with a valid header beside it', async () => {
    const up = await upload(alice, PNG, 'token.png');
    await alice.client.request('send', { to: `@${bob.name}`, file: { id: up.id } });
    for (const path of [`/api/files/${up.id}`, `/api/files/${up.id}/thumb`]) {
      const res = await fetch(`${base}${path}?token=${encodeURIComponent(bob.token)}`);
      const err = await errorOf(res);
      assert.deepEqual([err.status, err.code], [401, 'NOT_AUTHENTICATED'], path);
      assert.match(err.message, /\(\?token=\) is no longer accepted.*Authorization: Bearer.*file_url/);
      const both = await fetch(`${base}${path}?token=${encodeURIComponent(bob.token)}`, { headers: { authorization: `Bearer ${bob.token}` } });
      assert.equal(both.status, 401, `${path} with a header too`);
      // The header alone still works for API clients.
      const header = await fetch(base + path, { headers: { authorization: `Bearer ${bob.token}` } });
      assert.equal(header.status, 200, path);
      assert.equal(header.headers.get('cache-control'), 'private, no-cache');
    }
  });

  it('keeps the links valid across a restart: the key is stored with the data', async () => {
    const dataDir = tempDir();
    let node = await startTestServer({}, dataDir);
    let link: string;
    const user = await newUser(node.tcpPort);
    try {
      const res = await postFile(`http://127.0.0.1:${node.httpPort}`, user.token, Buffer.from('survives restarts'), {});
      const { id } = (await res.json()) as { id: string };
      link = (await user.client.request('file_url', { file: id })).url;
    } finally {
      user.client.close();
      await node.stop();
    }
    node = await startTestServer({}, dataDir);
    try {
      const res = await fetch(`http://127.0.0.1:${node.httpPort}${link}`);
      assert.equal(res.status, 200);
      assert.equal(await res.text(), 'survives restarts');
    } finally {
      await node.dispose();
    }
  });
});

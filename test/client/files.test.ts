import assert from 'node:assert/strict';
import { createHash, randomBytes } from 'node:crypto';
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { BanterError, downloadFile } from '../../src/client/index.js';
import { downloadTo, uploadPath } from '../../src/client/node/files.js';
import { newUser } from '../helpers/clients.js';
import { startTestServer, tempDir, type TestServer } from '../helpers/server.js';

const sha = (b: Buffer) => createHash('sha256').update(b).digest('hex');

describe('SDK file transfer', () => {
  let server: TestServer;
  const dir = tempDir('banter-sdk-files-');
  before(async () => (server = await startTestServer()));
  after(async () => {
    await server.dispose();
    rmSync(dir, { recursive: true, force: true });
  });

  it('uploads from disk with progress, and the other party downloads it byte for byte', async () => {
    const httpBase = `http://127.0.0.1:${server.httpPort}`;
    const alice = await newUser(server.tcpPort);
    const bob = await newUser(server.tcpPort);
    const eve = await newUser(server.tcpPort);
    const bytes = randomBytes(5 * 1024 * 1024 + 123);
    const source = join(dir, 'holiday notes.bin');
    writeFileSync(source, bytes);
    const progress: number[] = [];
    const uploaded = await uploadPath(source, { httpBase, token: alice.token, onProgress: (done) => progress.push(done) });
    assert.equal(uploaded.size, bytes.length);
    assert.equal(uploaded.sha256, sha(bytes));
    assert.equal(uploaded.name, 'holiday notes.bin');
    assert.ok(progress.length > 1, 'progress was reported along the way');
    assert.deepEqual(progress, [...progress].sort((a, b) => a - b), 'progress only grows');
    assert.equal(progress.at(-1), bytes.length);

    await alice.client.request('send', { to: `@${bob.name}`, file: { id: uploaded.id } });
    const downloads = join(dir, 'downloads');
    const seen: number[] = [];
    const first = await downloadTo(uploaded.id, downloads, { httpBase, token: bob.token, onProgress: (done) => seen.push(done) });
    assert.equal(first, join(downloads, 'holiday notes.bin'));
    assert.equal(sha(readFileSync(first)), sha(bytes));
    assert.equal(seen.at(-1), bytes.length);
    const second = await downloadTo(uploaded.id, downloads, { httpBase, token: bob.token });
    assert.equal(second, join(downloads, 'holiday notes (1).bin'), 'never overwrites');

    await assert.rejects(downloadFile(uploaded.id, { httpBase, token: eve.token }), (e: unknown) => e instanceof BanterError && e.code === 'NO_SUCH_FILE');
    for (const u of [alice, bob, eve]) u.client.close();
  });
});

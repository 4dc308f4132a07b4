import assert from 'node:assert/strict';
import { rmSync } from 'node:fs';
import { after, before, describe, it } from 'node:test';
import type { BanterClient } from '../../src/client/index.js';
import { newUser } from '../helpers/clients.js';
import { clusterSpace, clusterUnavailable, type ClusterSpace } from '../helpers/cluster.js';
import { postFile } from '../helpers/files.js';
import { startTestServer, tempDir, type TestServer } from '../helpers/server.js';

const unavailable = await clusterUnavailable();
if (unavailable) console.log(`# skipping the multi-node file link tests: ${unavailable}`);

/**
 * Two nodes on one PostgreSQL schema and Redis prefix, started at the same time (so both race
 * to create the signing key), and one data folder for the uploaded bytes, as a shared volume.
 */
describe('signed file links on two nodes', { skip: unavailable }, () => {
  let space: ClusterSpace;
  let nodes: TestServer[];
  let files: string;
  const clients: BanterClient[] = [];

  before(async () => {
    space = clusterSpace('filelinks');
    files = tempDir();
    nodes = await Promise.all([0, 1].map(() => startTestServer({ store: space.store, bus: space.bus }, files)));
  });
  after(async () => {
    for (const c of clients) c.close();
    // dispose() would remove the shared folder under the other node.
    for (const n of nodes ?? []) await n.stop();
    rmSync(files, { recursive: true, force: true });
    await space?.dispose();
  });

  it('a link signed by one node opens on the other, and both sign the same link for a file', async () => {
    const [a, b] = nodes as [TestServer, TestServer];
    const alice = await newUser(a.tcpPort);
    const bob = await newUser(b.tcpPort);
    clients.push(alice.client, bob.client);
    const up = await postFile(`http://127.0.0.1:${a.httpPort}`, alice.token, Buffer.from('one key for every node'), { 'x-file-name': 'shared.txt' });
    const { id } = (await up.json()) as { id: string };
    await alice.client.request('send', { to: `@${bob.name}`, file: { id } });

    const fromA = await alice.client.request('file_url', { file: id });
    const res = await fetch(`http://127.0.0.1:${b.httpPort}${fromA.url}`);
    assert.equal(res.status, 200);
    assert.equal(await res.text(), 'one key for every node');
    const fromB = await bob.client.request('file_url', { file: id });
    // Expiries are whole hours: unless the hour turned between the two asks, the links are equal.
    if (fromB.expires === fromA.expires) assert.equal(fromB.url, fromA.url);
    assert.equal((await fetch(`http://127.0.0.1:${a.httpPort}${fromB.url}`)).status, 200);
  });
});

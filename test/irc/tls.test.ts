import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { PASSWORD } from '../helpers/clients.js';
import { IrcTestClient } from '../helpers/irc-client.js';
import { startTestServer, tempDir, type TestServer } from '../helpers/server.js';

const dir = tempDir('banter-irc-tls-');
const cert = join(dir, 'cert.pem');
const key = join(dir, 'key.pem');
let skip: string | false = false;
try {
  execFileSync('openssl', ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-subj', '/CN=localhost', '-days', '1', '-keyout', key, '-out', cert], { stdio: 'pipe' });
} catch (err) {
  skip = `openssl is not usable here: ${(err as Error).message}`;
}

describe('IRC gateway over TLS', { skip }, () => {
  let server: TestServer;
  before(async () => {
    server = await startTestServer({ ircPort: 0, tlsCert: cert, tlsKey: key });
  });
  after(async () => {
    await server.dispose();
    rmSync(dir, { recursive: true, force: true });
  });

  it('speaks IRC over TLS when the server has a certificate, and nothing in plain text', async () => {
    const irc = await IrcTestClient.open(server.ircPort!, { tls: true });
    const account = `tls${process.pid}`;
    irc.send(`REGISTER ${account} * ${PASSWORD}`);
    await irc.expectCommand('REGISTER', 'SUCCESS', account);
    irc.send(`NICK ${account}`);
    irc.send(`USER ${account} 0 * :x`);
    await irc.expectCommand('001', account);
    await irc.expectCommand('366');
    irc.close();
    const plain = await IrcTestClient.open(server.ircPort!);
    plain.send('NICK x');
    plain.send('USER x 0 * :x');
    await plain.waitClosed();
    assert.ok(!plain.lines.some((l) => l.command === '001'), 'no plain-text IRC on a TLS port');
  });
});

import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import { PASSWORD, newUser, uniqueName, waitUntil } from '../helpers/clients.js';
import { postFile } from '../helpers/files.js';
import { IrcTestClient } from '../helpers/irc-client.js';
import { startTestServer, type TestServer } from '../helpers/server.js';

describe('IRC gateway: file links', () => {
  let server: TestServer;
  before(async () => {
    // The default public URL: the test can follow the links as they are.
    server = await startTestServer({ ircPort: 0, fileLinkDays: 2 });
  });
  after(() => server.dispose());

  it('a file sent to an IRC user comes with a link that downloads it with a plain GET, no session', async () => {
    const nick = uniqueName('irc');
    const registering = await newUser(server.tcpPort, nick);
    registering.client.close();
    await waitUntil(() => !server.chat.online.get(nick.toLowerCase()), 'the registering session to go');
    const irc = await IrcTestClient.login(server.ircPort!, nick, PASSWORD);
    const sender = await newUser(server.tcpPort);
    try {
      const bytes = randomBytes(20_000);
      const up = await postFile(`http://127.0.0.1:${server.httpPort}`, sender.token, bytes, { 'x-file-name': 'notes.bin' });
      const { id } = (await up.json()) as { id: string };
      await sender.client.request('send', { to: `@${nick}`, file: { id } });

      const line = await irc.expect((l) => l.command === 'PRIVMSG' && l.params[1]!.includes('/api/files/'));
      assert.equal(line.params[0], nick, 'a private message');
      const url = /(http:\/\/\S+)$/.exec(line.params[1]!)?.[1];
      assert.ok(url, line.raw);
      assert.equal(new URL(url).origin, `http://127.0.0.1:${server.httpPort}`);
      // Long-lived (--file-link-days 2, rounded up to the hour): IRC users keep logs.
      const days = (Number(new URL(url).searchParams.get('exp')) * 1000 - Date.now()) / 86_400_000;
      assert.ok(days > 1.99 && days <= 2 + 1 / 24, `${days} days`);

      const res = await fetch(url);
      assert.equal(res.status, 200);
      assert.deepEqual(Buffer.from(await res.arrayBuffer()), bytes);
      // The link opens this file only, not its thumbnail nor another id.
      assert.equal((await fetch(url.replace(`/api/files/${id}`, `/api/files/${id}/thumb`))).status, 403);
    } finally {
      irc.close();
      sender.client.close();
    }
  });
});

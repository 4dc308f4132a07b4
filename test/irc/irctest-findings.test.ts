import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { loadConfig } from '../../src/server/config.js';
import { PASSWORD, newUser, waitUntil } from '../helpers/clients.js';
import { IrcTestClient } from '../helpers/irc-client.js';
import { startTestServer, type TestServer } from '../helpers/server.js';

// What the real irctest suite (test/irc/irctest/, docs/irc.md "Conformance") found wrong in the
// gateway, one case each, so that it stays fixed without Python.
describe('IRC gateway: irctest findings', () => {
  let server: TestServer;
  let port: number;
  before(async () => {
    server = await startTestServer({ ircPort: 0, ircServerName: 'irc.example.test' });
    port = server.ircPort!;
  });
  after(() => server.dispose());

  async function ircUser(): Promise<{ irc: IrcTestClient; name: string }> {
    const { client, name } = await newUser(server.tcpPort);
    client.close();
    await waitUntil(() => !server.chat.online.get(name.toLowerCase()), 'the registering session to go');
    return { irc: await IrcTestClient.login(port, name, PASSWORD), name };
  }

  it('--irc-server-name names the server in its lines (irctest expects My.Little.Server); a bad name is refused', async () => {
    const { irc, name } = await ircUser();
    assert.equal(irc.lines[0]!.source, 'irc.example.test');
    assert.deepEqual([irc.lines[0]!.command, irc.lines[0]!.params[0]], ['001', name]);
    irc.send('PING abcdef');
    const pong = await irc.expectCommand('PONG');
    assert.deepEqual([pong.source, ...pong.params], ['irc.example.test', 'irc.example.test', 'abcdef']);
    assert.equal(loadConfig({}, {}).ircServerName, 'irc.banter');
    for (const bad of ['nodot', 'two words.example', 'a:b.example', '']) {
      assert.throws(() => loadConfig({ ircServerName: bad }, {}), /invalid ircServerName/, JSON.stringify(bad));
    }
    irc.close();
  });
});

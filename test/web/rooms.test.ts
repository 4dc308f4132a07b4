import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Browser } from 'playwright-core';
import { browserSkip, launchBrowser, WEB_ROOT } from '../helpers/browser.js';
import { PASSWORD, connect, newUser, uniqueName } from '../helpers/clients.js';
import { startTestServer, type TestServer } from '../helpers/server.js';
import { messageRow, newWebUser } from '../helpers/web-ui.js';

const suite = 'web client and rooms joined elsewhere';

/** The web client shows #lobby and private conversations; a room the user joined in another client must not leak into them. */
describe(suite, { skip: browserSkip(suite) }, () => {
  let server: TestServer;
  let browser: Browser;

  before(async () => {
    server = await startTestServer({ webRoot: WEB_ROOT });
    browser = await launchBrowser();
  });
  after(async () => {
    await browser?.close();
    await server?.dispose();
  });

  it("leaves a room's messages out of the lobby and out of the unread count in the title", async () => {
    const name = uniqueName('web');
    const web = await newWebUser(browser, server.httpPort, name);
    // The same user, in the terminal client or a script, joins a room.
    const elsewhere = await connect(server.tcpPort);
    await elsewhere.request('login', { user: name, password: PASSWORD });
    const other = await newUser(server.tcpPort);
    const room = `#${uniqueName('room')}`;
    await other.client.request('create', { room });
    await elsewhere.request('join', { room });
    await other.client.request('send', { to: room, text: 'only for the room' });
    await other.client.request('send', { to: `@${name}`, text: 'a private word' });
    const badge = web.page.locator(`.online-list [data-conv="@${other.name}"] .badge`);
    await badge.waitFor();
    assert.equal(await badge.innerText(), '1');
    assert.equal(await web.page.title(), '(1) Banter', 'the private message only');
    assert.equal(await messageRow(web.page, 'only for the room').count(), 0, 'not shown in the lobby');
    assert.deepEqual(web.errors, []);
    elsewhere.close();
    other.client.close();
    await web.context.close();
  });
});


import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Browser } from 'playwright-core';
import { browserSkip, launchBrowser, screenshot, WEB_ROOT } from '../helpers/browser.js';
import { newUser, record, uniqueName, waitUntil } from '../helpers/clients.js';
import { startTestServer, type TestServer } from '../helpers/server.js';
import { messageRow, newWebUser, sendText, type WebUser } from '../helpers/web-ui.js';

const suite = 'web client: reconnecting';

describe(suite, { skip: browserSkip(suite) }, () => {
  let server: TestServer;
  let browser: Browser;
  let alice: WebUser;

  before(async () => {
    server = await startTestServer({ webRoot: WEB_ROOT });
    browser = await launchBrowser();
    alice = await newWebUser(browser, server.httpPort, uniqueName('alice'));
  });
  after(async () => {
    await browser?.close();
    await server?.dispose();
  });

  it('shows a banner while reconnecting; nothing is lost or duplicated either way', async () => {
    const carol = await newUser(server.tcpPort, uniqueName('carol'));
    const carolMsgs = record(carol.client, 'msg');
    await carol.client.request('send', { to: '#lobby', text: 'before the drop' });
    await messageRow(alice.page, 'before the drop').waitFor();

    // The network goes away (no reconnect can succeed), and the server drops alice's connection.
    await alice.context.setOffline(true);
    const user = server.chat.online.list().find((u) => u.record.name === alice.name)!;
    for (const s of user.sessions) s.peer.close();
    const banner = alice.page.getByTestId('connection-banner');
    await banner.waitFor();
    assert.match(await banner.innerText(), /Reconnecting/);

    for (let i = 1; i <= 3; i++) await carol.client.request('send', { to: '#lobby', text: `while away ${i}` });
    await sendText(alice.page, 'written while offline');
    await alice.page.locator('.row.msg.pending', { hasText: 'written while offline' }).waitFor();
    await banner.filter({ hasText: '1 message waiting to be sent' }).waitFor();
    await screenshot(alice.page, 'reconnecting');

    await alice.context.setOffline(false);
    await banner.waitFor({ state: 'detached', timeout: 15_000 });
    for (let i = 1; i <= 3; i++) await messageRow(alice.page, `while away ${i}`).waitFor();
    await messageRow(alice.page, 'written while offline').waitFor();
    await waitUntil(() => carolMsgs.some((m) => m.text === 'written while offline'), 'the message written offline');
    await carol.client.request('send', { to: '#lobby', text: 'after the return' });
    await messageRow(alice.page, 'after the return').waitFor();

    // Exactly once, on screen and in the store, in order.
    for (const text of ['before the drop', 'while away 1', 'while away 2', 'while away 3', 'written while offline', 'after the return']) {
      assert.equal(await messageRow(alice.page, new RegExp(`^${text}$`)).count(), 1, text);
    }
    assert.equal(await alice.page.locator('.row.msg.pending').count(), 0);
    const { messages } = await carol.client.request('history', { conv: '#lobby', limit: 50 });
    assert.deepEqual(
      messages.map((m) => m.text),
      ['before the drop', 'while away 1', 'while away 2', 'while away 3', 'written while offline', 'after the return'],
    );
    const shown = await alice.page.locator('.row.msg .msg-text').allTextContents();
    assert.deepEqual(shown, messages.map((m) => m.text));
    carol.client.close();
  });
});

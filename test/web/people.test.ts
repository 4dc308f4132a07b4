import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import type { BanterClient } from '../../src/client/index.js';
import { browserSkip, launchBrowser, screenshot, WEB_ROOT } from '../helpers/browser.js';
import { connect, newUser, PASSWORD, uniqueName } from '../helpers/clients.js';
import { startTestServer, type TestServer } from '../helpers/server.js';
import { loginInUi, messageRow, openApp, sendText } from '../helpers/web-ui.js';
import { waitUntil } from '../helpers/wait.js';

const suite = 'web client: people look-up ("New message" asks the server; member names open chats)';

const title = (page: Page) => page.getByTestId('conv-title').getAttribute('data-conv');

describe(suite, { skip: browserSkip(suite) }, () => {
  let server: TestServer;
  let browser: Browser;
  let page: Page;
  let bob: BanterClient;
  let cam: BanterClient;
  // Two names start with "ca": cam (online) sorts before carol (offline, never talked to alice).
  const names = { alice: uniqueName('alice'), bob: uniqueName('bob'), cam: uniqueName('cam'), carol: uniqueName('carol') };

  before(async () => {
    server = await startTestServer({ webRoot: WEB_ROOT });
    browser = await launchBrowser();
    (await newUser(server.tcpPort, names.alice)).client.close();
    (await newUser(server.tcpPort, names.carol)).client.close();
    bob = (await newUser(server.tcpPort, names.bob)).client;
    cam = (await newUser(server.tcpPort, names.cam)).client;
    ({ page } = await openApp(browser, server.httpPort));
    await loginInUi(page, names.alice);
  });
  after(async () => {
    bob?.close();
    cam?.close();
    await browser?.close();
    await server?.dispose();
  });

  it('typing "ca" lists cam (online) and carol (offline) from the server; the keyboard picks carol; she reads it when she logs in', async () => {
    await page.getByTestId('new-message').click();
    const dialog = page.locator('dialog.modal');
    const to = dialog.getByLabel('To', { exact: true });
    await to.pressSequentially('ca');
    const options = dialog.getByRole('option');
    await dialog.getByRole('option', { name: new RegExp(names.carol) }).waitFor();
    const shown = await Promise.all((await options.all()).map((o) => o.getAttribute('data-user')));
    assert.deepEqual(shown, [names.cam, names.carol], 'the server\'s people with that prefix, in key order');
    const carol = dialog.locator(`[role="option"][data-user="${names.carol}"]`);
    assert.equal(await carol.locator('.presence-dot.off').count(), 1, 'carol is offline: a grey dot');
    assert.match(await carol.innerText(), /offline/);
    assert.equal(await dialog.locator(`[role="option"][data-user="${names.cam}"] .presence-dot.on`).count(), 1, 'cam is online');

    await to.press('ArrowDown');
    await to.press('ArrowDown');
    assert.equal(await carol.getAttribute('aria-selected'), 'true');
    assert.equal(await to.getAttribute('aria-activedescendant'), await carol.getAttribute('id'));
    for (const scheme of ['light', 'dark'] as const) {
      await page.emulateMedia({ colorScheme: scheme });
      await screenshot(page, `people-suggestions-${scheme}`);
    }
    await page.emulateMedia({ colorScheme: 'light' });
    await to.press('Enter');
    await dialog.waitFor({ state: 'detached' });
    await waitUntil(async () => (await title(page)) === `@${names.carol}`, 'the chat with carol');
    await sendText(page, 'hello carol, for when you are back');
    await messageRow(page, 'hello carol, for when you are back').waitFor();

    const later = await connect(server.tcpPort);
    await later.request('login', { user: names.carol, password: PASSWORD });
    const { convs } = await later.request('convs', {});
    assert.equal(convs.find((c) => c.conv === `@${names.alice}`)?.unread, 1, 'carol has the message unread');
    const { messages } = await later.request('history', { conv: `@${names.alice}`, limit: 1 });
    assert.equal(messages[0]?.text, 'hello carol, for when you are back');
    later.close();
  });

  it('a typed full name opens the chat when the server has that user; an unknown one says so; Esc closes', async () => {
    await page.getByTestId('new-message').click();
    const dialog = page.locator('dialog.modal');
    const to = dialog.getByLabel('To', { exact: true });
    await to.fill(`${names.bob}x`);
    await to.press('Enter');
    await dialog.getByRole('alert').filter({ hasText: 'There is no user by that name.' }).waitFor();
    // Typed in another case, at once (no waiting for the suggestions): the server's spelling opens.
    await to.fill(names.bob.toUpperCase());
    await to.press('Enter');
    await dialog.waitFor({ state: 'detached' });
    await waitUntil(async () => (await title(page)) === `@${names.bob}`, 'the chat with bob');

    await page.getByTestId('new-message').click();
    await dialog.getByLabel('To', { exact: true }).fill('c');
    await dialog.getByRole('option').first().waitFor();
    await page.keyboard.press('Escape');
    await dialog.waitFor({ state: 'detached' });
    assert.equal(await title(page), `@${names.bob}`, 'Esc changed nothing');
  });

  it("a click on a member's name in the room details opens a private chat with them; one's own name is not a link", async () => {
    const room = `#people${process.pid}`;
    const owner = await connect(server.tcpPort);
    await owner.request('login', { user: names.alice, password: PASSWORD });
    await owner.request('create', { room });
    owner.close();
    await cam.request('join', { room });
    await page.goto(`http://127.0.0.1:${server.httpPort}/c/${encodeURIComponent(room)}`);
    await waitUntil(async () => (await title(page)) === room, 'the room');
    await page.getByTestId('room-panel-button').click();
    const members = page.getByTestId('member-list');
    await members.locator(`[data-user="${names.cam}"]`).waitFor();
    assert.equal(await members.locator(`[data-user="${names.alice}"] button.member-chat`).count(), 0, 'no link to oneself');
    await members.locator(`[data-user="${names.cam}"]`).getByRole('button', { name: names.cam, exact: true }).click();
    await page.getByTestId('room-panel').waitFor({ state: 'detached' });
    await waitUntil(async () => (await title(page)) === `@${names.cam}`, 'the chat with cam');
  });
});

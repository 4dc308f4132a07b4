import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Browser } from 'playwright-core';
import { browserSkip, launchBrowser, screenshot, WEB_ROOT } from '../helpers/browser.js';
import { newUser, record, uniqueName, waitUntil } from '../helpers/clients.js';
import { startTestServer, type TestServer } from '../helpers/server.js';
import { loginInUi, messageRow, newWebUser, openApp, sendText, type WebUser } from '../helpers/web-ui.js';

const suite = 'web client: lobby, private chat, online list, reload';

describe(suite, { skip: browserSkip(suite) }, () => {
  let server: TestServer;
  let browser: Browser;
  let alice: WebUser;
  let bob: WebUser;
  const names = { alice: uniqueName('alice'), bob: uniqueName('bob') };

  before(async () => {
    server = await startTestServer({ webRoot: WEB_ROOT });
    browser = await launchBrowser();
  });
  after(async () => {
    await browser?.close();
    await server?.dispose();
  });

  it('shows every refusal next to its field on the login page', async () => {
    const { context, page } = await openApp(browser, server.httpPort);
    await screenshot(page, 'login');
    await page.getByRole('switch').click();
    await page.getByLabel('User name').fill('has space');
    await page.getByLabel('Password', { exact: true }).fill('short');
    await page.getByLabel('Confirm password').fill('other');
    await page.getByRole('button', { name: 'Create account' }).click();
    assert.match(await page.locator('#login-confirm-error').innerText(), /do not match/);
    await page.getByLabel('Confirm password').fill('short');
    await page.getByRole('button', { name: 'Create account' }).click();
    // The server's reasons: the name first (it is checked before the password).
    assert.match(await page.locator('#login-user-error').innerText(), /valid user name/);
    await page.getByLabel('User name').fill(uniqueName('weak'));
    await page.getByRole('button', { name: 'Create account' }).click();
    assert.match(await page.locator('#login-password-error').innerText(), /too weak/i);
    await page.getByLabel('User name').fill('admin');
    await page.getByLabel('Password', { exact: true }).fill('long-enough-password');
    await page.getByLabel('Confirm password').fill('long-enough-password');
    await page.getByRole('button', { name: 'Create account' }).click();
    assert.match(await page.locator('#login-user-error').innerText(), /taken/);
    await page.getByRole('switch').click();
    await page.getByLabel('User name').fill('admin');
    await page.getByLabel('Password', { exact: true }).fill('wrong-password');
    await page.getByRole('button', { name: 'Sign in' }).click();
    assert.match(await page.locator('#login-password-error').innerText(), /Wrong user name or password/);
    assert.equal(await page.getByLabel('Password', { exact: true }).getAttribute('aria-invalid'), 'true');
    await screenshot(page, 'login-refused');
    await context.close();
  });

  it('two browsers chat in the lobby, and a TCP client sees it and joins in', async () => {
    const carol = await newUser(server.tcpPort, uniqueName('carol'));
    const carolMsgs = record(carol.client, 'msg');
    alice = await newWebUser(browser, server.httpPort, names.alice);
    bob = await newWebUser(browser, server.httpPort, names.bob);
    assert.equal(await alice.page.getByTestId('conv-title').getAttribute('data-conv'), '#lobby');

    await sendText(alice.page, 'Hello from alice <b>not bold</b> https://example.org/x.');
    await messageRow(bob.page, 'Hello from alice').waitFor();
    await waitUntil(() => carolMsgs.some((m) => m.text?.startsWith('Hello from alice')), 'the TCP client gets the lobby message');
    const fromAlice = carolMsgs.find((m) => m.text?.startsWith('Hello from alice'))!;
    assert.equal(fromAlice.from, names.alice);
    assert.equal(fromAlice.conv, '#lobby');

    // Text stays text; the link is a safe link.
    const bubble = messageRow(bob.page, 'Hello from alice');
    assert.equal(await bubble.locator('b').count(), 0);
    assert.match(await bubble.locator('.msg-text').innerText(), /<b>not bold<\/b>/);
    const link = bubble.locator('a');
    assert.equal(await link.getAttribute('href'), 'https://example.org/x');
    assert.match((await link.getAttribute('rel')) ?? '', /noopener/);
    // Own messages sit apart from the others'.
    assert.equal(await messageRow(alice.page, 'Hello from alice').getAttribute('class').then((c) => c?.includes('own')), true);
    assert.equal(await bubble.getAttribute('class').then((c) => c?.includes('other')), true);

    await carol.client.request('send', { to: '#lobby', text: 'carol here, on TCP' });
    await messageRow(alice.page, 'carol here, on TCP').waitFor();
    await messageRow(bob.page, 'carol here, on TCP').waitFor();

    // Shift+Enter is a new line, Enter sends.
    const box = bob.page.locator('.composer textarea');
    await box.fill('line one');
    await box.press('Shift+Enter');
    await box.type('line two');
    await bob.page.getByRole('button', { name: 'Send', exact: true }).click();
    await waitUntil(() => carolMsgs.some((m) => m.text === 'line one\nline two'), 'a two-line message');

    // Typing indicator.
    await alice.page.locator('.composer textarea').type('typing…');
    await bob.page.locator('.typing-line', { hasText: `${names.alice} is typing` }).waitFor();
    await alice.page.locator('.composer textarea').fill('');
    await screenshot(bob.page, 'lobby');
    carol.client.close();
  });

  it('conversation list: the lobby first, the online count; a user opens the private chat; unread badges', async () => {
    const list = alice.page.locator('.online-list');
    await list.locator('[data-conv]').first().waitFor();
    assert.equal(await list.locator('[data-conv]').first().getAttribute('data-conv'), '#lobby');
    await waitUntil(async () => Number(await alice.page.getByTestId('online-count').innerText()) >= 2, 'two users online');

    await bob.page.locator(`.online-list [data-conv="@${names.alice}"]`).click();
    assert.equal(await bob.page.getByTestId('conv-title').getAttribute('data-conv'), `@${names.alice}`);
    await sendText(bob.page, 'psst, a private word');
    await sendText(bob.page, 'and another');
    await messageRow(bob.page, 'and another').waitFor();
    const badge = alice.page.locator(`.online-list [data-conv="@${names.bob}"] .badge`);
    await badge.waitFor();
    assert.equal(await badge.innerText(), '2');
    // The lobby does not show private messages.
    assert.equal(await messageRow(alice.page, 'psst, a private word').count(), 0);
    await alice.page.locator(`.online-list [data-conv="@${names.bob}"]`).click();
    await messageRow(alice.page, 'psst, a private word').waitFor();
    await badge.waitFor({ state: 'detached' });
    await sendText(alice.page, 'got it 你好');
    await messageRow(bob.page, 'got it 你好').waitFor();
    await screenshot(alice.page, 'private-chat');

    // The list hides and shows.
    await alice.page.getByRole('button', { name: /^Hide conversations/ }).click();
    assert.equal(await alice.page.locator('.online-list').count(), 0);
    await alice.page.getByRole('button', { name: /^Show conversations/ }).click();
    await alice.page.locator('.online-list').waitFor();
  });

  it('a reload keeps the session (token in storage) and the history', async () => {
    await alice.page.reload();
    await alice.page.getByTestId('conv-title').waitFor();
    assert.equal(await alice.page.getByLabel('User name').count(), 0, 'no login page after a reload');
    // The place is kept too: the private chat that was open.
    assert.equal(await alice.page.getByTestId('conv-title').getAttribute('data-conv'), `@${names.bob}`);
    await messageRow(alice.page, 'got it 你好').waitFor();
    // Signing out forgets the token.
    await alice.page.getByRole('button', { name: 'Sign out' }).click();
    await alice.page.getByLabel('User name').waitFor();
    await alice.page.reload();
    await alice.page.getByLabel('User name').waitFor();
    await loginInUi(alice.page, names.alice);
    assert.deepEqual(alice.errors, []);
    assert.deepEqual(bob.errors, []);
  });

  it('phone width: the list is a drawer, the chat fills the screen', async () => {
    const phone = await openApp(browser, server.httpPort, '/', { viewport: { width: 390, height: 760 } });
    await loginInUi(phone.page, names.bob);
    assert.equal(await phone.page.locator('.online-list').count(), 0, 'hidden at first on a phone');
    await messageRow(phone.page, 'carol here, on TCP').waitFor();
    await screenshot(phone.page, 'phone-lobby');
    await phone.page.getByRole('button', { name: /^Show conversations/ }).click();
    await phone.page.locator(`.online-list [data-conv="@${names.alice}"]`).click();
    assert.equal(await phone.page.locator('.online-list').count(), 0, 'closes after picking');
    await messageRow(phone.page, 'got it 你好').waitFor();
    await screenshot(phone.page, 'phone-private');
    await phone.context.close();
  });
});

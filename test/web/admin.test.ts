import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import { browserSkip, launchBrowser, screenshot, WEB_ROOT } from '../helpers/browser.js';
import { PASSWORD, uniqueName } from '../helpers/clients.js';
import { ADMIN_PASSWORD, startTestServer, type TestServer } from '../helpers/server.js';
import { messageRow, newWebUser, openApp, sendText, type WebUser } from '../helpers/web-ui.js';
import { waitUntil } from '../helpers/wait.js';

const suite = 'web client: admin console';

describe(suite, { skip: browserSkip(suite) }, () => {
  let server: TestServer;
  let browser: Browser;
  let bob: WebUser;
  let admin: Page;
  const bobName = uniqueName('bob');

  before(async () => {
    server = await startTestServer({ webRoot: WEB_ROOT });
    browser = await launchBrowser();
    bob = await newWebUser(browser, server.httpPort, bobName);
    for (let i = 0; i < 5; i++) await sendText(bob.page, `warming up ${i}`);
    await messageRow(bob.page, 'warming up 4').waitFor();
    admin = (await openApp(browser, server.httpPort, '/admin')).page;
    await admin.getByLabel('User name').fill('admin');
    await admin.getByLabel('Password', { exact: true }).fill(ADMIN_PASSWORD);
    await admin.getByRole('button', { name: 'Sign in' }).click();
    await admin.getByRole('heading', { name: 'Admin console' }).waitFor();
  });
  after(async () => {
    await browser?.close();
    await server?.dispose();
  });

  it('lists the online users with their addresses and sessions, and live figures', async () => {
    const row = admin.locator(`[data-testid=sessions-table] tr[data-user="${bobName}"]`);
    await row.waitFor();
    assert.match(await row.innerText(), /WebSocket\s+127\.0\.0\.1/);
    await waitUntil(async () => Number(await admin.getByTestId('stat-connections').innerText()) >= 2, 'the connections figure');
    assert.ok(Number(await admin.getByTestId('stat-users').innerText()) >= 2);
    // The five messages of the last minute are in the chart's bars.
    await waitUntil(async () => (await admin.locator('[data-testid=chart-rate] rect').count()) === 60, 'the chart bars');
    const label = (await admin.locator('[data-testid=chart-rate] svg').getAttribute('aria-label')) ?? '';
    assert.equal(label.split(':')[1]!.split(',').reduce((a, b) => a + Number(b), 0), 5);
    await screenshot(admin, 'admin-console');
    await admin.setViewportSize({ width: 390, height: 800 });
    await screenshot(admin, 'admin-console-phone');
    await admin.setViewportSize({ width: 1180, height: 760 });
  });

  it('mutes a user with a duration; their send is refused with a visible message; then unmutes', async () => {
    const row = admin.locator(`[data-testid=sessions-table] tr[data-user="${bobName}"]`);
    await row.getByRole('button', { name: 'Mute', exact: true }).click();
    const dialog = admin.locator('dialog.confirm-dialog');
    await dialog.getByLabel('Duration').selectOption({ label: '5 minutes' });
    await dialog.getByLabel('Reason (optional)').fill('calm down');
    await screenshot(admin, 'admin-mute-dialog');
    await dialog.getByRole('button', { name: 'Mute' }).click();
    await admin.getByTestId('toast').filter({ hasText: `${bobName} is muted.` }).waitFor();
    await admin.locator('[data-testid=audit-table] tr', { hasText: 'calm down' }).waitFor();

    // Said once, where it matters: the composer is shut and says why and until when.
    const hint = bob.page.getByTestId('muted-hint');
    await hint.waitFor();
    assert.match(await hint.innerText(), /You are muted until .*cannot send.*calm down/s);
    assert.equal(await bob.page.locator('.composer textarea').isDisabled(), true);
    await screenshot(bob.page, 'user-muted');

    await row.getByRole('button', { name: 'Unmute', exact: true }).click();
    await admin.locator('dialog.confirm-dialog').getByRole('button', { name: 'Unmute' }).click();
    await admin.getByTestId('toast').filter({ hasText: `${bobName} is unmuted.` }).waitFor();
    await bob.page.locator('.row.system', { hasText: 'You are no longer muted' }).waitFor();
    await hint.waitFor({ state: 'detached' });
    await sendText(bob.page, 'can I still talk?');
    await messageRow(bob.page, 'can I still talk?').waitFor();
  });

  it('sends a system notice that users see styled apart', async () => {
    await admin.getByPlaceholder('A notice for everyone online').fill('Maintenance at 22:00 <i>UTC</i>');
    await admin.getByRole('button', { name: 'Send notice' }).click();
    await admin.locator('dialog.confirm-dialog').getByRole('button', { name: 'Send notice' }).click();
    await admin.getByTestId('toast').filter({ hasText: 'Notice sent.' }).waitFor();
    const row = bob.page.locator('.row.system', { hasText: 'Maintenance at 22:00 <i>UTC</i>' });
    await row.waitFor();
    assert.equal(await row.locator('i').count(), 0);
    await screenshot(bob.page, 'user-notice');
  });

  it('kicks a user, who is shown why; a non-admin at /admin is turned away', async () => {
    const row = admin.locator(`[data-testid=sessions-table] tr[data-user="${bobName}"]`);
    await row.getByRole('button', { name: 'Kick', exact: true }).click();
    const dialog = admin.locator('dialog.confirm-dialog');
    await dialog.getByLabel('Reason (optional)').fill('take a break');
    await dialog.getByRole('button', { name: 'Kick' }).click();
    await admin.getByTestId('toast').filter({ hasText: `${bobName} was disconnected.` }).waitFor();
    const notice = bob.page.getByTestId('login-notice');
    await notice.waitFor();
    assert.match(await notice.innerText(), /disconnected by an administrator: take a break/);
    await row.waitFor({ state: 'detached' });

    await bob.page.goto(`http://127.0.0.1:${server.httpPort}/admin`);
    await bob.page.getByLabel('User name').fill(bobName);
    await bob.page.getByLabel('Password', { exact: true }).fill(PASSWORD);
    await bob.page.getByRole('button', { name: 'Sign in' }).click();
    await bob.page.getByText('The admin console is for administrators only.').waitFor();
    assert.deepEqual(bob.errors.filter((e) => !/WebSocket/.test(e)), []);
  });
});

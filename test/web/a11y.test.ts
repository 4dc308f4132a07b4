import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { after, before, describe, it } from 'node:test';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { browserSkip, launchBrowser, screenshot, WEB_ROOT } from '../helpers/browser.js';
import { adminClient, newUser, uniqueName } from '../helpers/clients.js';
import { ADMIN_PASSWORD, startTestServer, type TestServer } from '../helpers/server.js';
import { loginInUi, messageRow } from '../helpers/web-ui.js';

const suite = 'web client: accessibility (axe-core)';

/** axe-core's script, injected into each page (the context bypasses the page policy for it). */
const AXE = readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');

interface Violation {
  id: string;
  impact: string | null;
  help: string;
  nodes: { target: string[] }[];
}

/** Every screen's figures, printed at the end for the report. */
const figures: string[] = [];

/** Runs axe on the page as it is; fails on any serious or critical violation, naming them. */
async function audit(page: Page, screen: string): Promise<void> {
  if (!(await page.evaluate('typeof window.axe === "object"'))) await page.evaluate(AXE);
  const violations = (await page.evaluate('axe.run(document, { resultTypes: ["violations"] }).then((r) => r.violations.map((v) => ({ id: v.id, impact: v.impact, help: v.help, nodes: v.nodes.map((n) => ({ target: n.target })) })))')) as Violation[];
  const count = (impact: string) => violations.filter((v) => v.impact === impact).reduce((n, v) => n + v.nodes.length, 0);
  figures.push(`${screen}: ${violations.length} rules violated (critical ${count('critical')}, serious ${count('serious')}, moderate ${count('moderate')}, minor ${count('minor')})${violations.length ? ': ' + violations.map((v) => `${v.id}[${v.impact}]`).join(', ') : ''}`);
  const bad = violations.filter((v) => v.impact === 'serious' || v.impact === 'critical');
  assert.deepEqual(
    bad.map((v) => `${v.id} (${v.impact}): ${v.help} at ${v.nodes.map((n) => n.target.join(' ')).slice(0, 4).join('; ')}`),
    [],
    `${screen}: serious or critical accessibility violations`,
  );
}

describe(suite, { skip: browserSkip(suite) }, () => {
  let server: TestServer;
  let browser: Browser;
  const alice = uniqueName('alice');
  const room = `#a11y${process.pid}`;

  const open = async (path: string, opts: { width?: number; dark?: boolean } = {}): Promise<{ context: BrowserContext; page: Page }> => {
    const context = await browser.newContext({ bypassCSP: true, locale: 'en-US', viewport: { width: opts.width ?? 1180, height: 800 }, colorScheme: opts.dark ? 'dark' : 'light' });
    const page = await context.newPage();
    await page.goto(`http://127.0.0.1:${server.httpPort}${path}`);
    return { context, page };
  };

  before(async () => {
    server = await startTestServer({ webRoot: WEB_ROOT });
    browser = await launchBrowser();
    // Something on every screen: messages (own, others', a deleted one), a room, a private chat.
    const a = await newUser(server.tcpPort, alice);
    const bob = await newUser(server.tcpPort, uniqueName('bob'));
    await a.client.request('create', { room, topic: 'for the audit' });
    await a.client.request('send', { to: '#lobby', text: 'hello from alice' });
    const gone = await a.client.request('send', { to: '#lobby', text: 'to be deleted' });
    await a.client.request('delete', { conv: '#lobby', seq: gone.seq });
    await bob.client.request('send', { to: '#lobby', text: 'hello from bob' });
    await bob.client.request('send', { to: `@${alice}`, text: 'a private word' });
    a.client.close();
    bob.client.close();
  });
  after(async () => {
    process.stdout.write(`\naxe-core figures:\n${figures.map((f) => `  ${f}`).join('\n')}\n`);
    await browser?.close();
    await server?.dispose();
  });

  it('the login and register screens', async () => {
    const { context, page } = await open('/');
    await page.getByLabel('User name').waitFor();
    await audit(page, 'login');
    await page.getByRole('switch').click();
    await page.getByLabel('Confirm password').waitFor();
    await audit(page, 'register');
    await context.close();
  });

  for (const [name, opts] of [
    ['chat, light, desktop', {}],
    ['chat, dark, desktop', { dark: true }],
    ['chat, light, phone', { width: 390 }],
    ['chat, dark, phone', { width: 390, dark: true }],
  ] as const) {
    it(name, async () => {
      const { context, page } = await open('/', opts);
      await loginInUi(page, alice);
      await messageRow(page, 'hello from bob').waitFor();
      if (opts.width) await page.getByRole('button', { name: /^Show conversations/ }).click();
      await page.locator('.online-list [data-conv^="@"] .badge').first().waitFor();
      await audit(page, name);
      await screenshot(page, `a11y-${name.replace(/, /g, '-')}`);
      await context.close();
    });
  }

  it('the room dialogs: create, browse, details', async () => {
    const { context, page } = await open(`/c/${encodeURIComponent(room)}`);
    await loginInUi(page, alice);
    await page.getByTestId('room-panel-button').click();
    await page.getByTestId('member-list').locator('li').first().waitFor();
    await audit(page, 'room details');
    await page.keyboard.press('Escape');
    await page.getByTestId('create-room').click();
    await page.getByLabel('Room name').waitFor();
    await audit(page, 'create room');
    await page.keyboard.press('Escape');
    await page.getByTestId('browse-rooms').click();
    await page.locator('dialog.modal .browse-room').first().waitFor();
    await audit(page, 'browse rooms');
    await page.keyboard.press('Escape');
    await page.getByTestId('new-message').click();
    await page.locator('dialog.modal').getByLabel('To', { exact: true }).waitFor();
    await audit(page, 'new message');
    await screenshot(page, 'a11y-new-message');
    await context.close();
  });

  it('the admin console and its mute dialog', async () => {
    const admin = await adminClient(server.tcpPort); // someone online to moderate
    const { context, page } = await open('/admin');
    await page.getByLabel('User name').fill('admin');
    await page.getByLabel('Password', { exact: true }).fill(ADMIN_PASSWORD);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('heading', { name: 'Admin console' }).waitFor();
    const other = await newUser(server.tcpPort, uniqueName('carol'));
    const row = page.locator(`[data-testid=sessions-table] tr[data-user="${other.name}"]`);
    await row.waitFor();
    await audit(page, 'admin console');
    await row.getByRole('button', { name: 'Mute', exact: true }).click();
    await page.locator('dialog.confirm-dialog').getByLabel('Duration').waitFor();
    await audit(page, 'mute dialog');
    await page.keyboard.press('Escape');
    other.client.close();
    admin.close();
    await context.close();
  });
});

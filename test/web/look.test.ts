import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Browser } from 'playwright-core';
import { browserSkip, launchBrowser, screenshot, WEB_ROOT } from '../helpers/browser.js';
import { PASSWORD, uniqueName } from '../helpers/clients.js';
import { startTestServer, type TestServer } from '../helpers/server.js';
import { messageRow, newWebUser, sendText } from '../helpers/web-ui.js';
import { waitUntil } from '../helpers/wait.js';

const suite = 'web client: Chinese UI, dark theme, keyboard, alerts, PWA';

// Makes the tab look hidden on demand and records desktop notifications and chimes.
const SPY = `
  Object.defineProperty(Document.prototype, 'visibilityState', { configurable: true, get() { return window.__hidden ? 'hidden' : 'visible'; } });
  window.__notes = [];
  window.__chimes = 0;
  const Real = window.Notification;
  class Spy extends Real { constructor(title, opts) { super(title, opts); window.__notes.push({ title, body: opts && opts.body }); } }
  Object.defineProperty(Spy, 'permission', { get: () => Real.permission });
  window.Notification = Spy;
  const osc = AudioContext.prototype.createOscillator;
  AudioContext.prototype.createOscillator = function () { window.__chimes++; return osc.call(this); };
`;
type Spied = { __hidden?: boolean; __notes: { title: string; body: string }[]; __chimes: number };

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

  it('follows a Chinese browser, in the dark theme; the choice can be switched and is kept', async () => {
    const context = await browser.newContext({ locale: 'zh-CN', colorScheme: 'dark', viewport: { width: 1100, height: 720 } });
    const page = await context.newPage();
    await page.goto(`http://127.0.0.1:${server.httpPort}/`);
    await page.getByRole('heading', { name: '登录 Banter' }).waitFor();
    assert.equal(await page.locator('html').getAttribute('lang'), 'zh-CN');
    const name = uniqueName('小明');
    await page.getByRole('switch').click();
    await page.getByLabel('用户名').fill(name);
    await page.getByLabel('密码', { exact: true }).fill(PASSWORD);
    await page.getByLabel('确认密码').fill('不一样的密码');
    await page.getByRole('button', { name: '注册' }).click();
    assert.equal(await page.locator('#login-confirm-error').innerText(), '两次输入的密码不一致。');
    await screenshot(page, 'zh-dark-register');
    await page.getByLabel('确认密码').fill(PASSWORD);
    await page.getByRole('button', { name: '注册' }).click();
    await page.getByTestId('conv-title').waitFor();
    await sendText(page, '大家好！这是中文消息 🐼');
    await messageRow(page, '大家好').waitFor();
    assert.equal(await page.locator('.composer textarea').getAttribute('placeholder'), '发消息到大厅');
    const bg = await page.locator('body').evaluate((b) => (globalThis as unknown as { getComputedStyle(e: unknown): { backgroundColor: string } }).getComputedStyle(b).backgroundColor);
    assert.match(bg, /rgb\(22, 24, 29\)/, `a dark background (${bg})`);
    await screenshot(page, 'zh-dark-lobby');

    await page.getByLabel('语言').selectOption('en');
    await page.getByRole('button', { name: 'Sign out' }).waitFor();
    assert.equal(await page.locator('.composer textarea').getAttribute('placeholder'), 'Message #lobby');
    await page.reload();
    await page.getByRole('button', { name: 'Sign out' }).waitFor();
    await context.close();
  });

  it('works with the keyboard: focus moves through the controls, Enter opens a conversation, stickers by arrows', async () => {
    const ann = await newWebUser(browser, server.httpPort, uniqueName('ann'));
    const ben = await newWebUser(browser, server.httpPort, uniqueName('ben'));
    const page = ann.page;
    await page.locator(`.online-list [data-conv="@${ben.name}"]`).waitFor();
    await page.locator('.online-list [data-conv="#lobby"]').focus();
    for (let i = 0; i < 6; i++) {
      if ((await page.evaluate(() => (globalThis as unknown as { document: { activeElement: { getAttribute(n: string): string | null } } }).document.activeElement.getAttribute('data-conv'))) === `@${ben.name}`) break;
      await page.keyboard.press('Tab');
    }
    await page.keyboard.press('Enter');
    assert.equal(await page.getByTestId('conv-title').getAttribute('data-conv'), `@${ben.name}`);
    await ben.page.locator(`.online-list [data-conv="@${ann.name}"]`).click();
    await page.locator('.composer textarea').focus();
    await page.keyboard.type('typed with keys');
    await page.keyboard.press('Enter');
    await messageRow(ben.page, 'typed with keys').waitFor();
    await page.getByRole('button', { name: 'Stickers' }).focus();
    await page.keyboard.press('Enter');
    await page.keyboard.press('ArrowRight');
    await page.keyboard.press('ArrowRight');
    await page.keyboard.press('Enter'); // the third sticker: laugh
    await ben.page.locator('img.sticker[alt*="laugh"]').waitFor();
    // Every button and field has an accessible name.
    const unnamed = await page.locator('button, input, textarea, select').evaluateAll((els) =>
      els
        .filter((e) => {
          const el = e as unknown as { getAttribute(n: string): string | null; textContent: string | null; id: string; hidden: boolean; type?: string; labels?: ArrayLike<unknown> };
          if (el.hidden || el.type === 'file') return false;
          return !(el.getAttribute('aria-label') || el.getAttribute('title') || (el.textContent ?? '').trim() || (el.labels && el.labels.length > 0));
        })
        .map((e) => (e as unknown as { outerHTML: string }).outerHTML.slice(0, 120)),
    );
    assert.deepEqual(unnamed, []);
    await ann.context.close();
    await ben.context.close();
  });

  it('a private message to a hidden tab chimes and shows a desktop notification, unless muted', async () => {
    const sender = await newWebUser(browser, server.httpPort, uniqueName('sender'));
    const context = await browser.newContext({ locale: 'en-US', permissions: ['notifications'], viewport: { width: 1000, height: 700 } });
    await context.addInitScript(SPY);
    const page = await context.newPage();
    await page.goto(`http://127.0.0.1:${server.httpPort}/`);
    const name = uniqueName('hidden');
    await page.getByRole('switch').click();
    await page.getByLabel('User name').fill(name);
    await page.getByLabel('Password', { exact: true }).fill(PASSWORD);
    await page.getByLabel('Confirm password').fill(PASSWORD);
    await page.getByRole('button', { name: 'Create account' }).click();
    await page.getByTestId('conv-title').waitFor();
    const spied = () =>
      page.evaluate(() => {
        const g = globalThis as unknown as Spied;
        return { notes: g.__notes, chimes: g.__chimes };
      });
    await page.evaluate(() => ((globalThis as unknown as Spied).__hidden = true));

    await sender.page.locator(`.online-list [data-conv="@${name}"]`).click();
    await sendText(sender.page, 'are you there?');
    await waitUntil(async () => (await spied()).notes.length === 1, 'a notification');
    const first = await spied();
    assert.deepEqual(first.notes[0], { title: `Message from ${sender.name}`, body: 'are you there?' });
    assert.equal(first.chimes, 2, 'a two-tone chime');
    // Lobby messages do not alert.
    await sender.page.locator('.online-list [data-conv="#lobby"]').click();
    await sendText(sender.page, 'hello all');
    await messageRow(page, 'hello all').waitFor();
    assert.equal((await spied()).notes.length, 1);
    assert.equal(await page.title(), '(2) Banter', 'unread in the tab title: the private one and, the tab being hidden, the lobby one');

    await page.getByRole('button', { name: 'Mute alerts for private messages' }).click();
    await sender.page.locator(`.online-list [data-conv="@${name}"]`).click();
    await sendText(sender.page, 'second try');
    await page.locator(`.online-list [data-conv="@${sender.name}"] .badge`, { hasText: '2' }).waitFor();
    assert.equal((await spied()).notes.length, 1, 'muted: no notification');
    assert.equal((await spied()).chimes, 2, 'muted: no sound');
    await context.close();
    await sender.context.close();
  });

  it('is an installable PWA: a manifest with icons and a service worker for the shell', async () => {
    const res = await fetch(`http://127.0.0.1:${server.httpPort}/manifest.webmanifest`);
    assert.equal(res.status, 200);
    const manifest = (await res.json()) as { name: string; start_url: string; display: string; icons: { src: string; sizes: string }[] };
    assert.equal(manifest.name, 'Banter');
    assert.equal(manifest.display, 'standalone');
    for (const icon of manifest.icons) assert.equal((await fetch(`http://127.0.0.1:${server.httpPort}${icon.src}`)).status, 200, icon.src);
    assert.ok(manifest.icons.some((i) => i.sizes === '512x512'));
    const context = await browser.newContext();
    const page = await context.newPage();
    await page.goto(`http://127.0.0.1:${server.httpPort}/`);
    const scope = await page.evaluate(() => (globalThis as unknown as { navigator: { serviceWorker: { ready: Promise<{ scope: string }> } } }).navigator.serviceWorker.ready.then((r) => r.scope));
    assert.equal(scope, `http://127.0.0.1:${server.httpPort}/`);
    await context.close();
  });
});

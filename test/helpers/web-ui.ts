import type { Browser, BrowserContext, Page } from 'playwright-core';
import { PASSWORD } from './clients.js';
import { pageErrors } from './browser.js';

export interface WebUser {
  name: string;
  context: BrowserContext;
  page: Page;
  /** Uncaught errors and console errors of the page, for a final check. */
  errors: string[];
}

/** A fresh browser context (its own storage) with the app open at `path`, English unless told. */
export async function openApp(browser: Browser, httpPort: number, path = '/', options: { locale?: string; viewport?: { width: number; height: number } } = {}): Promise<{ context: BrowserContext; page: Page; errors: string[] }> {
  const context = await browser.newContext({ locale: options.locale ?? 'en-US', viewport: options.viewport ?? { width: 1180, height: 760 }, acceptDownloads: true });
  const page = await context.newPage();
  const errors = pageErrors(page);
  await page.goto(`http://127.0.0.1:${httpPort}${path}`);
  return { context, page, errors };
}

/** Registers through the login page's register switch, which then logs in. */
export async function registerInUi(page: Page, name: string, password = PASSWORD): Promise<void> {
  await page.getByRole('switch').click();
  await page.getByLabel('User name').fill(name);
  await page.getByLabel('Password', { exact: true }).fill(password);
  await page.getByLabel('Confirm password').fill(password);
  await page.getByRole('button', { name: 'Create account' }).click();
  await page.getByTestId('conv-title').waitFor();
}

export async function loginInUi(page: Page, name: string, password = PASSWORD): Promise<void> {
  await page.getByLabel('User name').fill(name);
  await page.getByLabel('Password', { exact: true }).fill(password);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.getByTestId('conv-title').waitFor();
}

export async function newWebUser(browser: Browser, httpPort: number, name: string, options: { locale?: string; viewport?: { width: number; height: number } } = {}): Promise<WebUser> {
  const { context, page, errors } = await openApp(browser, httpPort, '/', options);
  await registerInUi(page, name);
  return { name, context, page, errors };
}

/** Types into the composer and sends with Enter. */
export async function sendText(page: Page, text: string): Promise<void> {
  const box = page.locator('.composer textarea');
  await box.fill(text);
  await box.press('Enter');
}

/** The row of a message with this exact text (a text message bubble). */
export function messageRow(page: Page, text: string | RegExp) {
  return page.locator('.row.msg:not(.pending)').filter({ has: page.locator('.msg-text', { hasText: text }) });
}

/** A property of the first element a locator finds (value, naturalWidth, readyState, ...). */
export function prop<T>(locator: import('playwright-core').Locator, name: string): Promise<T> {
  return locator.first().evaluate((el, n) => (el as unknown as Record<string, T>)[n]!, name);
}

import { existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium, type Browser, type Page } from 'playwright-core';

/** Debian's Chromium; no test ever downloads a browser. */
export const CHROMIUM_PATH = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
/** The launch flags of /work/shared/browser-testing.md, exactly. */
export const CHROMIUM_ARGS = [
  '--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
  '--disable-background-networking', '--disable-component-update', '--disable-sync',
  '--use-fake-device-for-media-stream', '--use-fake-ui-for-media-stream',
  '--autoplay-policy=no-user-gesture-required',
];

/** The repository root (this file runs as dist/test/helpers/browser.js). */
export const REPO_ROOT = fileURLToPath(new URL('../../../', import.meta.url));
/** The built web client (`npm run build` makes it; `npm test` builds first). */
export const WEB_ROOT = join(REPO_ROOT, 'web', 'dist');
/** Screenshots and other things a person should look at after a run (gitignored). */
export const ARTIFACTS = join(REPO_ROOT, 'test-artifacts');

/**
 * Why a browser suite cannot run here, or false when it can. Prints a loud SKIPPED line once per
 * suite, so a run without Chromium never passes silently: `describe(name, { skip: browserSkip(name) })`.
 */
export function browserSkip(suite: string): string | false {
  let reason: string | undefined;
  if (!existsSync(CHROMIUM_PATH)) reason = `chromium not found at ${CHROMIUM_PATH} (apt-get install chromium, or set CHROMIUM_PATH)`;
  else if (!existsSync(join(WEB_ROOT, 'index.html'))) reason = `the web client is not built (${WEB_ROOT}); run npm run build`;
  if (!reason) return false;
  const line = `SKIPPED: ${suite}: ${reason}`;
  process.stderr.write(`\n${'!'.repeat(line.length)}\n${line}\n${'!'.repeat(line.length)}\n\n`);
  return line;
}

export function launchBrowser(extraArgs: string[] = []): Promise<Browser> {
  return chromium.launch({ executablePath: CHROMIUM_PATH, args: [...CHROMIUM_ARGS, ...extraArgs] });
}

/** Saves a full-page screenshot to test-artifacts/<name>.png and returns its path. */
export async function screenshot(page: Page, name: string): Promise<string> {
  mkdirSync(ARTIFACTS, { recursive: true });
  const path = join(ARTIFACTS, `${name}.png`);
  await page.screenshot({ path, fullPage: false });
  return path;
}

/** Collects the page's uncaught errors and console errors, for asserting a clean run. */
export function pageErrors(page: Page): string[] {
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(`pageerror: ${e.message}`));
  page.on('console', (m) => {
    if (m.type() === 'error') errors.push(`console: ${m.text()}`);
  });
  return errors;
}

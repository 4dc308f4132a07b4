// Shared steps of the fun-feature browser suites (test/web/fun-*.test.ts): a real server serving
// the built web client, users registered over TCP, and pages logged in through the login form.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { newUser, uniqueName } from '../helpers/clients.js';
import { after, before } from 'node:test';
import { WEB_ROOT, launchBrowser } from '../helpers/browser.js';
import { startTestServer, type TestServer } from '../helpers/server.js';
import { PASSWORD } from '../helpers/clients.js';

export function startWebServer(): Promise<TestServer> {
  return startTestServer({ webRoot: WEB_ROOT });
}

/** A suite's server (serving the built web client) and browser, started before its tests and stopped after them. */
export function withWebAndBrowser(started: (server: TestServer, browser: Browser) => void): void {
  let server: TestServer | undefined;
  let browser: Browser | undefined;
  before(async () => {
    server = await startWebServer();
    browser = await launchBrowser();
    started(server, browser);
  });
  after(async () => {
    await browser?.close();
    await server?.dispose();
  });
}

export interface ChatPage {
  name: string;
  page: Page;
  context: BrowserContext;
}

/** A new user, logged in through the web client's login form, with the chat on screen. */
export async function openChat(browser: Browser, server: TestServer, name = uniqueName('fun')): Promise<ChatPage> {
  const { client } = await newUser(server.tcpPort, name);
  client.close();
  const context = await browser.newContext({ viewport: { width: 1100, height: 760 }, locale: 'en-US', permissions: ['camera', 'microphone'] });
  const page = await context.newPage();
  await page.goto(`http://127.0.0.1:${server.httpPort}/`);
  await page.locator('#login-user').fill(name);
  await page.locator('#login-password').fill(PASSWORD);
  await page.locator('#login-password').press('Enter');
  await page.getByRole('button', { name: 'Camera', exact: true }).waitFor({ timeout: 15_000 });
  return { name, page, context };
}

/** The rows of the open conversation sent by `from`, newest last. */
export function rowsFrom(page: Page, from: string) {
  return page.locator(`.row.msg[data-from="${from}"]`);
}

/**
 * A mono 16-bit WAV of something voice-like (a tone whose loudness rises and falls a few times a
 * second), written with no external tool, for --use-file-for-fake-audio-capture.
 */
export function writeVoiceWav(dir: string, seconds = 6, rate = 48_000): string {
  const n = seconds * rate;
  const buf = Buffer.alloc(44 + n * 2);
  buf.write('RIFF', 0);
  buf.writeUInt32LE(36 + n * 2, 4);
  buf.write('WAVEfmt ', 8);
  buf.writeUInt32LE(16, 16);
  buf.writeUInt16LE(1, 20);
  buf.writeUInt16LE(1, 22);
  buf.writeUInt32LE(rate, 24);
  buf.writeUInt32LE(rate * 2, 28);
  buf.writeUInt16LE(2, 32);
  buf.writeUInt16LE(16, 34);
  buf.write('data', 36);
  buf.writeUInt32LE(n * 2, 40);
  for (let i = 0; i < n; i++) {
    const t = i / rate;
    const syllables = Math.max(0, Math.sin(2 * Math.PI * 3 * t));
    const v = 0.6 * syllables * (Math.sin(2 * Math.PI * 220 * t) + 0.4 * Math.sin(2 * Math.PI * 660 * t));
    buf.writeInt16LE(Math.round(Math.max(-1, Math.min(1, v)) * 32_000), 44 + i * 2);
  }
  const path = join(dir, 'voice.wav');
  writeFileSync(path, buf);
  return path;
}

/** Converts RGB pixels to a one-frame Y4M (4:2:0) for --use-file-for-fake-video-capture. */
export function writeY4m(path: string, rgb: Buffer, width: number, height: number, channels: number): void {
  const w2 = width / 2;
  const h2 = height / 2;
  const y = Buffer.alloc(width * height);
  const u = Buffer.alloc(w2 * h2);
  const v = Buffer.alloc(w2 * h2);
  const px = (x: number, yy: number) => {
    const i = (yy * width + x) * channels;
    return [rgb[i]!, rgb[i + 1]!, rgb[i + 2]!] as const;
  };
  for (let row = 0; row < height; row++) {
    for (let col = 0; col < width; col++) {
      const [r, g, b] = px(col, row);
      y[row * width + col] = Math.round(16 + 0.257 * r + 0.504 * g + 0.098 * b);
    }
  }
  for (let row = 0; row < h2; row++) {
    for (let col = 0; col < w2; col++) {
      let r = 0, g = 0, b = 0;
      for (const [dx, dy] of [[0, 0], [1, 0], [0, 1], [1, 1]] as const) {
        const p = px(col * 2 + dx, row * 2 + dy);
        r += p[0]; g += p[1]; b += p[2];
      }
      r /= 4; g /= 4; b /= 4;
      u[row * w2 + col] = Math.round(128 - 0.148 * r - 0.291 * g + 0.439 * b);
      v[row * w2 + col] = Math.round(128 + 0.439 * r - 0.368 * g - 0.071 * b);
    }
  }
  const header = Buffer.from(`YUV4MPEG2 W${width} H${height} F30:1 Ip A1:1 C420jpeg\nFRAME\n`);
  writeFileSync(path, Buffer.concat([header, y, u, v]));
}

/**
 * Runs a function in the page, written as a string because these tests compile without the DOM's
 * types. It gets `arg` (JSON) and may be async. (Evaluated by the debugger protocol, so the
 * page's CSP, which forbids eval in page code, does not apply.)
 */
export function inPage<T>(page: Page, fnSource: string, arg?: unknown): Promise<T> {
  return page.evaluate(`(${fnSource})(${JSON.stringify(arg ?? null)})`) as Promise<T>;
}


import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { Browser } from 'playwright-core';
import sharp from 'sharp';
import { browserSkip, launchBrowser, pageErrors, screenshot } from '../helpers/browser.js';
import { tempDir, type TestServer } from '../helpers/server.js';
import { inPage, openChat, startWebServer, writeY4m } from './fun-support.js';
import { waitForValue } from '../helpers/wait.js';

const SUITE = 'web fun: Camera Snake hand tracking';

/** The test hand is drawn with the Noto colour emoji font; without it there is no hand to find. */
function emojiFontSkip(): string | false {
  let fonts = '';
  try {
    fonts = execFileSync('fc-list', [':family'], { encoding: 'utf8' });
  } catch {
    // no fontconfig: treated as no font
  }
  if (/Noto Color Emoji/i.test(fonts)) return false;
  const line = `SKIPPED: ${SUITE}: the font "Noto Color Emoji" is missing (apt-get install fonts-noto-color-emoji)`;
  process.stderr.write(`\n${'!'.repeat(line.length)}\n${line}\n${'!'.repeat(line.length)}\n\n`);
  return line;
}

/**
 * A camera picture of a hand: the Noto colour emoji 🖐🏿 at 360 px on white (MediaPipe's full
 * model finds it), drawn by the browser itself, then turned into a one-frame Y4M.
 */
async function handY4m(browser: Browser, dir: string): Promise<string> {
  const page = await browser.newPage({ viewport: { width: 640, height: 480 } });
  await page.setContent(
    `<body style="margin:0;background:#fff;width:640px;height:480px;display:flex;align-items:center;justify-content:center;overflow:hidden">` +
      `<span style="font-size:360px;line-height:1;font-family:'Noto Color Emoji'">🖐🏿</span></body>`,
  );
  const png = await page.screenshot({ type: 'png' });
  await page.close();
  const { data, info } = await sharp(png).removeAlpha().raw().toBuffer({ resolveWithObject: true });
  const path = join(dir, 'hand.y4m');
  writeY4m(path, data, info.width, info.height, info.channels);
  return path;
}

const isLocal = (url: string) => {
  const u = new URL(url);
  return ['blob:', 'data:', 'about:'].includes(u.protocol) || ['127.0.0.1', '[::1]', 'localhost'].includes(u.hostname);
};

describe(SUITE, { skip: browserSkip(SUITE) || emojiFontSkip() }, () => {
  let server: TestServer;
  let browser: Browser;
  let dir: string;
  before(async () => {
    dir = tempDir('banter-hands-');
    const drawing = await launchBrowser();
    const y4m = await handY4m(drawing, dir).finally(() => drawing.close());
    server = await startWebServer();
    browser = await launchBrowser([`--use-file-for-fake-video-capture=${y4m}`]);
  });
  after(async () => {
    await browser?.close();
    await server?.dispose();
    rmSync(dir, { recursive: true, force: true });
  });

  it('loads the tracker from Banter itself, finds the fingertip in camera frames, and the finger steers the snake; no request leaves localhost', async () => {
    const alice = await openChat(browser, server);
    const { page, context } = alice;
    const errors = pageErrors(page);
    const outside: string[] = [];
    const requested: string[] = [];
    // Anything not for this machine is recorded and refused, so nothing can leave even by mistake.
    await context.route('**/*', (route) => {
      const url = route.request().url();
      requested.push(url);
      if (isLocal(url)) return route.continue();
      outside.push(url);
      return route.abort('blockedbyclient');
    });
    context.on('request', (r) => !isLocal(r.url()) && outside.push(r.url()));

    await page.getByRole('button', { name: 'Games' }).click();
    const started = Date.now();
    await page.getByRole('menuitem', { name: /Camera Snake/ }).click();
    const game = page.getByTestId('camera-snake');
    await game.waitFor();
    await waitForValue(() => game.getAttribute('data-tracker'), (s) => s === 'ready', { what: 'the hand tracker to load', timeoutMs: 60_000 });
    const loadedMs = Date.now() - started;
    await waitForValue(() => game.getAttribute('data-hand-frames').then(Number), (n) => n >= 1, { what: 'a hand in a frame', timeoutMs: 45_000 });
    const firstHandMs = Date.now() - started;
    const tip = page.locator('.fun-hand-tip');
    await tip.waitFor();

    // The fingertip points up from the centre of the picture: the snake starts and goes up, no key pressed.
    const board = page.getByTestId('snake-board');
    const head = () => board.getAttribute('data-head').then((h) => h!.split(',').map(Number) as [number, number]);
    const [, y0] = await head();
    await waitForValue(() => board.getAttribute('data-status'), (s) => s === 'running' || s === 'over', { what: 'the finger to start the snake', timeoutMs: 15_000 });
    await waitForValue(head, ([, y]) => y < y0, { what: 'the snake to go up', timeoutMs: 10_000 });
    assert.equal(await page.locator('.fun-hand-dir').getAttribute('data-dir'), 'up', 'the corner shows where the finger steers');
    await screenshot(page, 'fun-camera-snake');

    await waitForValue(() => game.getAttribute('data-frames').then(Number), (n) => n >= 4, { what: 'more frames', timeoutMs: 30_000 });
    const { frames, handFrames, fps } = await inPage<{ frames: number; handFrames: number; fps: number }>(
      page,
      `() => { const d = document.querySelector('[data-testid=camera-snake]').dataset; return { frames: +d.frames, handFrames: +d.handFrames, fps: +d.fps }; }`,
    );
    process.stdout.write(`# hand tracking: ready after ${loadedMs} ms, first hand after ${firstHandMs} ms, ${frames} frames (${handFrames} with a hand), ${fps} frames/s\n`);
    assert.ok(handFrames >= frames / 2, `the hand is found in most frames (${handFrames} of ${frames})`);

    assert.ok(requested.some((u) => /\/mediapipe\/hands-[^/]+\/hands_solution.*\.wasm$/.test(u)), 'the wasm came from Banter');
    assert.ok(requested.some((u) => /\/mediapipe\/hands-[^/]+\/hand_landmark_full\.tflite$/.test(u)), 'the model came from Banter');
    assert.deepEqual(outside, [], 'no request left localhost');
    assert.deepEqual(errors.filter((e) => !/^console: (INFO|W\d+|I\d+)/.test(e)), []);
    await context.close();
  });
});

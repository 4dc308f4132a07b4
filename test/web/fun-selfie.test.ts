import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { chromium, type Browser } from 'playwright-core';
import { browserSkip, CHROMIUM_ARGS, CHROMIUM_PATH, pageErrors, screenshot } from '../helpers/browser.js';
import type { TestServer } from '../helpers/server.js';
import { inPage, openChat, rowsFrom, withWebAndBrowser } from './fun-support.js';
import { waitForValue } from '../helpers/wait.js';

const SUITE = 'web fun: selfie';

// Keeps every camera stream the page opens, so the test can see that closing the dialog stops it.
const WATCH_STREAMS = `(() => {
  const md = navigator.mediaDevices; const orig = md.getUserMedia.bind(md);
  window.__streams = [];
  md.getUserMedia = async (c) => { const s = await orig(c); window.__streams.push(s); return s; };
})()`;

/**
 * How many distinct colours (quantised) a picture has (a blank picture has 1), and the share of
 * its pixels that are not black. Chromium's fake camera shows a green pattern with a moving pie.
 */
const COLOURS = `async (src) => {
  const img = new Image(); img.src = src; await img.decode();
  const c = document.createElement('canvas'); c.width = 64; c.height = 48;
  const g = c.getContext('2d'); g.drawImage(img, 0, 0, 64, 48);
  const d = g.getImageData(0, 0, 64, 48).data; const seen = new Set();
  for (let i = 0; i < d.length; i += 4) seen.add((d[i] >> 4) + ',' + (d[i + 1] >> 4) + ',' + (d[i + 2] >> 4));
  let lit = 0; for (let i = 0; i < d.length; i += 4) if (d[i] + d[i + 1] + d[i + 2] > 60) lit++;
  return { colours: seen.size, lit: lit / (64 * 48), width: img.naturalWidth, height: img.naturalHeight };
}`;

describe(SUITE, { skip: browserSkip(SUITE) }, () => {
  let server!: TestServer;
  let browser!: Browser;
  withWebAndBrowser((s, b) => ([server, browser] = [s, b]));

  it('captures a picture with Space, sends it, and another user receives it; the camera stops on close', async () => {
    const alice = await openChat(browser, server);
    const bob = await openChat(browser, server);
    const errors = pageErrors(alice.page);
    const { page } = alice;
    await page.evaluate(WATCH_STREAMS);

    await page.getByRole('button', { name: 'Camera', exact: true }).click();
    const preview = page.getByTestId('camera-preview');
    await preview.waitFor();
    await waitForValue(() => inPage<number>(page, `() => document.querySelector('[data-testid=camera-preview]').videoWidth`), (w) => w > 0, 'the camera picture');
    await screenshot(page, 'fun-selfie-preview');
    await page.keyboard.press(' ');
    const picture = page.getByTestId('selfie-picture');
    await picture.waitFor();
    const shot = await inPage<{ colours: number; lit: number; width: number; height: number }>(page, COLOURS, await picture.getAttribute('src'));
    assert.ok(shot.width >= 320 && shot.height >= 240, `a real frame (${shot.width}x${shot.height})`);
    assert.ok(shot.colours >= 3 && shot.lit > 0.5, `the picture is not blank (${shot.colours} colours, ${Math.round(shot.lit * 100)}% lit)`);
    await page.getByRole('button', { name: 'Save' }).waitFor();
    await page.getByRole('button', { name: 'Retake' }).waitFor();
    await screenshot(page, 'fun-selfie-picture');

    // Save downloads selfie-<time>.png.
    const [download] = await Promise.all([page.waitForEvent('download'), page.getByRole('button', { name: 'Save' }).click()]);
    assert.match(download.suggestedFilename(), /^selfie-\d{4}-\d\d-\d\dT\d\d-\d\d-\d\d\.png$/);

    await page.getByRole('button', { name: 'Send', exact: true }).first().click();
    await page.getByRole('dialog').waitFor({ state: 'detached' });
    const live = await inPage<number>(page, `() => window.__streams.flatMap((s) => s.getTracks()).filter((t) => t.readyState === 'live').length`);
    assert.equal(live, 0, 'no camera track is left running once the dialog closes');

    // Bob sees the picture in #lobby, and it is the same picture (not blank).
    const row = rowsFrom(bob.page, alice.name).filter({ has: bob.page.locator('img') }).last();
    await row.waitFor({ timeout: 15_000 });
    const img = row.locator('img').first();
    const alt = (await img.getAttribute('alt')) ?? '';
    assert.match(alt, /^selfie-.*\.png$/);
    await waitForValue(() => inPage<number>(bob.page, `(alt) => document.querySelector('img[alt="' + alt + '"]')?.naturalWidth ?? 0`, alt), (w) => w > 0, 'the picture to load for bob');
    const received = await inPage<{ colours: number; lit: number }>(bob.page, COLOURS, await img.getAttribute('src'));
    assert.ok(received.colours >= 3 && received.lit > 0.5, `bob's picture is not blank (${received.colours} colours)`);
    await screenshot(bob.page, 'fun-selfie-received');
    assert.deepEqual(errors, []);
    await alice.context.close();
    await bob.context.close();
  });

  it('says clearly when the camera is refused', async () => {
    // A browser that refuses permission prompts instead of faking a yes.
    const refusing = await chromium.launch({
      executablePath: CHROMIUM_PATH,
      args: [...CHROMIUM_ARGS.filter((a) => a !== '--use-fake-ui-for-media-stream'), '--deny-permission-prompts'],
    });
    try {
      const carol = await openChat(refusing, server);
      await carol.context.clearPermissions();
      await carol.page.getByRole('button', { name: 'Camera', exact: true }).click();
      await carol.page.getByRole('alert').filter({ hasText: /Camera access was refused/ }).waitFor({ timeout: 10_000 });
      await screenshot(carol.page, 'fun-selfie-refused');
      await carol.context.close();
    } finally {
      await refusing.close();
    }
  });

  it('offers a choice of camera when there are several, and switching stops the old one', async () => {
    const two = await chromium.launch({
      executablePath: CHROMIUM_PATH,
      args: [...CHROMIUM_ARGS.filter((a) => a !== '--use-fake-device-for-media-stream'), '--use-fake-device-for-media-stream=device-count=2'],
    });
    try {
      const dave = await openChat(two, server);
      const { page } = dave;
      await page.evaluate(WATCH_STREAMS);
      await page.getByRole('button', { name: 'Camera', exact: true }).click();
      const choose = page.getByRole('combobox', { name: /Camera/ });
      await choose.waitFor();
      const options = await choose.locator('option').allTextContents();
      assert.equal(options.length, 2, `two cameras offered (${options.join(', ')})`);
      const second = await choose.locator('option').nth(1).getAttribute('value');
      await choose.selectOption(second!);
      await waitForValue(() => inPage<number>(page, `() => window.__streams.length`), (n) => n === 2, 'the second camera to open');
      await waitForValue(
        () => inPage<string[]>(page, `() => window.__streams.map((s) => s.getVideoTracks()[0].readyState)`),
        (states) => states[0] === 'ended' && states[1] === 'live',
        'the first camera to stop and the second to run',
      );
      await waitForValue(() => inPage<number>(page, `() => document.querySelector('[data-testid=camera-preview]').videoWidth`), (w) => w > 0, 'the second camera picture');
      await screenshot(page, 'fun-selfie-two-cameras');
      await page.keyboard.press('Escape');
      await page.getByRole('dialog').waitFor({ state: 'detached' });
      assert.equal(await inPage<number>(page, `() => window.__streams.filter((s) => s.getVideoTracks()[0].readyState === 'live').length`), 0, 'Esc closes and stops the camera');
      await dave.context.close();
    } finally {
      await two.close();
    }
  });

  it('says clearly when there is no camera at all', async () => {
    const none = await chromium.launch({
      executablePath: CHROMIUM_PATH,
      args: [...CHROMIUM_ARGS.filter((a) => a !== '--use-fake-device-for-media-stream'), '--use-fake-device-for-media-stream=device-count=0'],
    });
    try {
      const erin = await openChat(none, server);
      await erin.page.getByRole('button', { name: 'Camera', exact: true }).click();
      await erin.page.getByRole('alert').filter({ hasText: 'No camera was found.' }).waitFor({ timeout: 10_000 });
      await erin.context.close();
    } finally {
      await none.close();
    }
  });
});

import assert from 'node:assert/strict';
import { rmSync } from 'node:fs';
import { after, before, describe, it } from 'node:test';
import type { Browser } from 'playwright-core';
import { browserSkip, launchBrowser, pageErrors, screenshot } from '../helpers/browser.js';
import { tempDir, type TestServer } from '../helpers/server.js';
import { inPage, openChat, rowsFrom, startWebServer, writeVoiceWav } from './fun-support.js';
import { waitForValue } from '../helpers/wait.js';

const SUITE = 'web fun: voice messages';

/** Fetches a file the page can see and decodes it with Web Audio: its real duration in ms. */
const DECODED_MS = `async (src) => {
  const bytes = await (await fetch(src)).arrayBuffer();
  const buf = await new OfflineAudioContext(1, 1, 44100).decodeAudioData(bytes);
  return buf.duration * 1000;
}`;

describe(SUITE, { skip: browserSkip(SUITE) }, () => {
  let server: TestServer;
  let browser: Browser;
  let dir: string;
  before(async () => {
    dir = tempDir('banter-voice-');
    server = await startWebServer();
    browser = await launchBrowser([`--use-file-for-fake-audio-capture=${writeVoiceWav(dir)}`]);
  });
  after(async () => {
    await browser?.close();
    await server?.dispose();
    rmSync(dir, { recursive: true, force: true });
  });

  it('records with a timer and a level meter, sends, and the receiver gets a playable voice message with its duration', async () => {
    const alice = await openChat(browser, server);
    const bob = await openChat(browser, server);
    const errors = pageErrors(alice.page);
    const { page } = alice;
    await page.getByRole('button', { name: 'Voice message' }).click();
    const timer = page.getByTestId('voice-timer');
    await timer.waitFor();
    const level = page.locator('.fun-meter-fill');
    await waitForValue(() => level.getAttribute('data-level').then(Number), (v) => v > 0.01, 'the level meter to move');
    await waitForValue(() => timer.textContent(), (t) => /^0:0[2-9]/.test(t ?? ''), 'two seconds of recording');
    await screenshot(page, 'fun-voice-recording');
    await page.getByRole('button', { name: 'Send', exact: true }).first().click(); // the Mic button, now "Send"

    const row = rowsFrom(bob.page, alice.name).last();
    await row.waitFor({ timeout: 15_000 });
    const link = row.locator('a[download]');
    const name = (await link.getAttribute('download')) ?? '';
    assert.match(name, /^voice-.*\.webm$/);
    const src = (await link.getAttribute('href'))!;
    const decoded = await inPage<number>(bob.page, DECODED_MS, src);
    assert.ok(decoded > 1500 && decoded < 6000, `the recording lasts what was recorded (${decoded} ms)`);

    // The receiver's voice player (VoicePlayer) decodes it: the duration and a waveform drawn from it.
    const player = row.getByTestId('voice-player');
    await player.waitFor({ timeout: 10_000 });
    const shown = await waitForValue(() => player.getAttribute('data-duration-ms').then(Number), (v) => v > 0, 'the player to decode');
    assert.ok(Math.abs(shown - decoded) < 300, `the player shows the duration (${shown} ms, decoded ${decoded} ms)`);
    assert.match((await player.textContent()) ?? '', /0:0[1-5]/);
    const inked = await inPage<number>(bob.page, `() => {
      const c = document.querySelector('.row.msg [data-testid=voice-player] canvas');
      const d = c.getContext('2d').getImageData(0, 0, c.width, c.height).data;
      let n = 0; for (let i = 3; i < d.length; i += 4) if (d[i] > 0) n++;
      return n / (c.width * c.height);
    }`);
    assert.ok(inked > 0.05 && inked < 0.95, `a waveform is drawn (${Math.round(inked * 100)}% of the canvas inked)`);
    // It plays.
    await player.getByRole('button', { name: 'Play' }).click();
    await player.getByRole('button', { name: 'Pause' }).waitFor();
    await screenshot(bob.page, 'fun-voice-received');
    assert.deepEqual(errors, []);
    await alice.context.close();
    await bob.context.close();
  });

  it('Esc cancels a recording: nothing is sent', async () => {
    const alice = await openChat(browser, server);
    const { page } = alice;
    await page.getByRole('button', { name: 'Voice message' }).click();
    await waitForValue(() => page.getByTestId('voice-timer').textContent(), (t) => /^0:01/.test(t ?? ''), 'a second of recording');
    await page.keyboard.press('Escape');
    await waitForValue(() => page.locator('.fun-voice-recorder').getAttribute('data-state'), (s) => s === 'cancelled' || s === 'idle', 'the recording to be cancelled');
    await page.waitForTimeout(800);
    assert.equal(await rowsFrom(page, alice.name).count(), 0, 'no message was sent');
    await alice.context.close();
  });

  it('a failed upload keeps the recording, across a reload too, and Retry sends it', async () => {
    const alice = await openChat(browser, server);
    const { page } = alice;
    await page.route('**/api/files', (route) => route.abort('connectionreset'));
    await page.getByRole('button', { name: 'Voice message' }).click();
    await waitForValue(() => page.getByTestId('voice-timer').textContent(), (t) => /^0:01/.test(t ?? ''), 'a second of recording');
    await page.getByRole('button', { name: 'Send', exact: true }).first().click();
    const failed = page.locator('.fun-rec-failed');
    await failed.waitFor({ timeout: 10_000 });
    // The unsent clip can be listened to: its player decodes it (waveform and duration).
    const clip = failed.getByTestId('voice-player');
    const ms = await waitForValue(() => clip.getAttribute('data-duration-ms').then(Number), (v) => v > 0, 'the unsent clip to decode');
    assert.ok(ms > 700 && ms < 6000, `the clip lasts about what was recorded (${ms} ms)`);
    await screenshot(page, 'fun-voice-failed');
    // Kept across a reload (IndexedDB outbox): it comes back, still unsent, with Retry.
    page.on('dialog', (d) => void d.accept()); // the "leave the page?" question while a clip is unsent
    await page.reload();
    await failed.waitFor({ timeout: 15_000 });
    assert.match((await failed.textContent()) ?? '', /not sent before the page closed/);
    await page.unroute('**/api/files');
    await failed.getByRole('button', { name: 'Retry' }).click();
    const row = rowsFrom(page, alice.name).filter({ has: page.locator('a[download^="voice-"]') });
    await row.first().waitFor({ timeout: 15_000 });
    assert.equal(await row.count(), 1, 'sent once');
    // Sent: the outbox is empty, so another reload shows nothing to retry.
    await page.waitForTimeout(300);
    await page.reload();
    await page.getByRole('button', { name: 'Camera', exact: true }).waitFor();
    await page.waitForTimeout(500);
    assert.equal(await failed.count(), 0, 'nothing left to retry');
    await alice.context.close();
  });
});

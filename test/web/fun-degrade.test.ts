import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { chromium, type Browser } from 'playwright-core';
import { browserSkip, CHROMIUM_ARGS, CHROMIUM_PATH, pageErrors, screenshot } from '../helpers/browser.js';
import type { TestServer } from '../helpers/server.js';
import { openChat, withWebAndBrowser } from './fun-support.js';

const SUITE = 'web fun: without the browser APIs';

// A browser without media capture, recording, screen capture or Web Audio (as over plain HTTP on
// the LAN, or an old browser): the APIs are removed before the page's own code runs.
const OLD_BROWSER = `(() => {
  delete window.MediaRecorder;
  delete window.OfflineAudioContext;
  delete window.AudioContext;
  Object.defineProperty(navigator, 'mediaDevices', { value: undefined });
})()`;

describe(SUITE, { skip: browserSkip(SUITE) }, () => {
  let server!: TestServer;
  let browser!: Browser;
  withWebAndBrowser((s, b) => ([server, browser] = [s, b]));

  it('every tool says plainly what is missing, and Snake still plays', async () => {
    const alice = await openChat(browser, server);
    const { page } = alice;
    await page.addInitScript(OLD_BROWSER);
    await page.reload();
    await page.getByRole('button', { name: 'Camera', exact: true }).waitFor();
    const errors = pageErrors(page);

    await page.getByRole('button', { name: 'Camera', exact: true }).click();
    await page.getByRole('alert').filter({ hasText: 'This browser cannot use a camera here' }).waitFor();
    await page.keyboard.press('Escape');

    await page.getByRole('button', { name: 'Voice message' }).click();
    await page.getByRole('alert').filter({ hasText: 'This browser cannot record sound here' }).waitFor();
    await screenshot(page, 'fun-degrade-mic');

    await page.getByRole('button', { name: 'Screenshot' }).click();
    assert.equal(await page.getByRole('menuitem', { name: 'Full screen…' }).isDisabled(), true, 'full screen is offered only where it exists');
    await page.keyboard.press('Escape');

    await page.getByRole('button', { name: 'Music', exact: true }).click();
    await page.getByText('This browser has no Web Audio').waitFor();
    await page.getByRole('button', { name: 'Music', exact: true }).click();

    await page.getByRole('button', { name: 'Games' }).click();
    await page.getByRole('menuitem', { name: /Camera Snake/ }).click();
    await page.getByText(/cannot use a camera here.*Use the keys/).waitFor();
    const board = page.getByTestId('snake-board');
    await page.keyboard.press('ArrowDown');
    assert.equal(await board.getAttribute('data-status'), 'running', 'the keys steer Camera Snake without a camera');
    await screenshot(page, 'fun-degrade-camera-snake');
    assert.deepEqual(errors, []);
    await alice.context.close();
  });

  it('a refused microphone or camera is named as refused, and Camera Snake falls back to the keys', async () => {
    const refusing = await chromium.launch({
      executablePath: CHROMIUM_PATH,
      args: [...CHROMIUM_ARGS.filter((a) => a !== '--use-fake-ui-for-media-stream'), '--deny-permission-prompts'],
    });
    try {
      const bob = await openChat(refusing, server);
      const { page } = bob;
      await bob.context.clearPermissions();
      await page.getByRole('button', { name: 'Voice message' }).click();
      await page.getByRole('alert').filter({ hasText: 'Microphone access was refused' }).waitFor({ timeout: 10_000 });

      // (Screen capture is not covered: headless Chromium without the fake picker waits forever.)

      await page.getByRole('button', { name: 'Games' }).click();
      await page.getByRole('menuitem', { name: /Camera Snake/ }).click();
      await page.getByText(/Camera access was refused.*Use the keys/).waitFor({ timeout: 10_000 });
      await page.keyboard.press('ArrowUp');
      assert.equal(await page.getByTestId('snake-board').getAttribute('data-status'), 'running');
      await screenshot(page, 'fun-degrade-refused');
      await bob.context.close();
    } finally {
      await refusing.close();
    }
  });
});

import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Browser } from 'playwright-core';
import { browserSkip, launchBrowser, pageErrors, screenshot } from '../helpers/browser.js';
import type { TestServer } from '../helpers/server.js';
import { openChat, startWebServer, until } from './fun-support.js';

const SUITE = 'web fun: music player';

describe(SUITE, { skip: browserSkip(SUITE) }, () => {
  let server: TestServer;
  let browser: Browser;
  before(async () => {
    server = await startWebServer();
    browser = await launchBrowser();
  });
  after(async () => {
    await browser?.close();
    await server?.dispose();
  });

  it('plays the built-in tracks (analyser levels above zero), skips to the next, and keeps playing across conversations', async () => {
    const alice = await openChat(browser, server);
    const bob = await openChat(browser, server);
    const errors = pageErrors(alice.page);
    const { page } = alice;
    await page.getByRole('button', { name: 'Music', exact: true }).click();
    const player = page.getByTestId('music-player');
    await player.waitFor();
    assert.equal(await player.locator('.fun-music-list li').count(), 4, 'four built-in tracks');
    const clicked = Date.now();
    await player.getByRole('button', { name: 'Play' }).click();
    await until(() => player.getAttribute('data-playing'), (p) => p === 'true', 'the music to start', 15_000);
    // The first play renders the track (OfflineAudioContext, then WAV): how long that takes here.
    process.stdout.write(`# music: first track rendered and playing ${Date.now() - clicked} ms after the click\n`);
    const meter = player.locator('.fun-music-meter');
    const level = await until(() => meter.getAttribute('data-level').then(Number), (v) => v > 0.01, 'sound at the analyser', 10_000);
    assert.ok(level > 0.01, `the analyser hears the music (${level})`);
    await screenshot(page, 'fun-music-playing');

    await player.getByRole('button', { name: 'Next' }).click();
    await until(() => player.locator('[aria-current="true"]').textContent(), (t) => t === 'Night Shift', 'the second track');
    await until(() => meter.getAttribute('data-level').then(Number), (v) => v > 0.01, 'sound from the second track', 10_000);

    // Close the panel and open bob's private conversation: the music goes on.
    await page.getByRole('button', { name: 'Music', exact: true }).click();
    await player.waitFor({ state: 'detached' });
    await page.getByRole('navigation').getByText(bob.name, { exact: true }).click();
    await page.getByPlaceholder(new RegExp(`^Message @?${bob.name}$`)).waitFor();
    await page.waitForTimeout(700);
    await page.getByRole('button', { name: 'Music', exact: true }).click();
    assert.equal(await player.getAttribute('data-playing'), 'true', 'still playing after switching conversations');
    await until(() => meter.getAttribute('data-level').then(Number), (v) => v > 0.01, 'sound after the switch');

    await player.getByRole('button', { name: 'Pause' }).click();
    await until(() => player.getAttribute('data-playing'), (p) => p === 'false', 'the music to pause');
    assert.deepEqual(errors, []);
    await alice.context.close();
    await bob.context.close();
  });
});

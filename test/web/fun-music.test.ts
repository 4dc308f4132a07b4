import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Browser } from 'playwright-core';
import { browserSkip, pageErrors, screenshot } from '../helpers/browser.js';
import type { TestServer } from '../helpers/server.js';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { newUser, uniqueName } from '../helpers/clients.js';
import { postFile } from '../helpers/files.js';
import { openChat, writeVoiceWav, withWebAndBrowser } from './fun-support.js';
import { waitForValue } from '../helpers/wait.js';

const SUITE = 'web fun: music player';

describe(SUITE, { skip: browserSkip(SUITE) }, () => {
  let server!: TestServer;
  let browser!: Browser;
  withWebAndBrowser((s, b) => ([server, browser] = [s, b]));

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
    await waitForValue(() => player.getAttribute('data-playing'), (p) => p === 'true', { what: 'the music to start', timeoutMs: 15_000 });
    // The first play renders the track (OfflineAudioContext, then WAV): how long that takes here.
    process.stdout.write(`# music: first track rendered and playing ${Date.now() - clicked} ms after the click\n`);
    const meter = player.locator('.fun-music-meter');
    const level = await waitForValue(() => meter.getAttribute('data-level').then(Number), (v) => v > 0.01, { what: 'sound at the analyser', timeoutMs: 10_000 });
    assert.ok(level > 0.01, `the analyser hears the music (${level})`);
    await screenshot(page, 'fun-music-playing');

    await player.getByRole('button', { name: 'Next' }).click();
    await waitForValue(() => player.locator('[aria-current="true"]').textContent(), (t) => t === 'Night Shift', 'the second track');
    await waitForValue(() => meter.getAttribute('data-level').then(Number), (v) => v > 0.01, { what: 'sound from the second track', timeoutMs: 10_000 });

    // Close the panel and open bob's private conversation: the music goes on.
    await page.getByRole('button', { name: 'Music', exact: true }).click();
    await player.waitFor({ state: 'detached' });
    await page.getByRole('navigation').getByText(bob.name, { exact: true }).click();
    await page.getByPlaceholder(new RegExp(`^Message @?${bob.name}$`)).waitFor();
    await page.waitForTimeout(700);
    await page.getByRole('button', { name: 'Music', exact: true }).click();
    assert.equal(await player.getAttribute('data-playing'), 'true', 'still playing after switching conversations');
    await waitForValue(() => meter.getAttribute('data-level').then(Number), (v) => v > 0.01, 'sound after the switch');

    await player.getByRole('button', { name: 'Pause' }).click();
    await waitForValue(() => player.getAttribute('data-playing'), (p) => p === 'false', 'the music to pause');
    assert.deepEqual(errors, []);
    await alice.context.close();
    await bob.context.close();
  });

  it('plays a sound file received in chat in the same player', async () => {
    const alice = await openChat(browser, server);
    const errors = pageErrors(alice.page);
    const { page } = alice;
    // Bob sends a WAV over the line protocol and the HTTP file API, as any client would.
    const dir = mkdtempSync(join(tmpdir(), 'banter-music-'));
    const wav = readFileSync(writeVoiceWav(dir, 3));
    rmSync(dir, { recursive: true, force: true });
    const bob = await newUser(server.tcpPort, uniqueName('dj'));
    const token = bob.token;
    const res = await postFile(`http://127.0.0.1:${server.httpPort}`, token, wav, { 'x-file-name': 'tune.wav' });
    assert.equal(res.status, 201, await res.clone().text());
    const { id } = (await res.json()) as { id: string };
    await bob.client.request('send', { to: '#lobby', file: { id } });

    const play = page.getByRole('button', { name: 'Play in the music player' });
    await play.waitFor({ timeout: 15_000 });
    await play.click();
    await page.getByRole('button', { name: 'Music', exact: true }).click();
    const player = page.getByTestId('music-player');
    await waitForValue(() => player.getAttribute('data-playing'), (p) => p === 'true', { what: 'the received file to play', timeoutMs: 15_000 });
    assert.equal(await player.locator('.fun-music-title').textContent(), 'tune.wav');
    const meter = player.locator('.fun-music-meter');
    await waitForValue(() => meter.getAttribute('data-level').then(Number), (v) => v > 0.01, { what: 'sound of the received file at the analyser', timeoutMs: 10_000 });
    await screenshot(page, 'fun-music-received-file');
    await player.getByRole('button', { name: 'Pause' }).click();
    assert.deepEqual(errors, []);
    bob.client.close();
    await alice.context.close();
  });
});

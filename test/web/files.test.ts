import assert from 'node:assert/strict';
import { createHash, randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { after, before, describe, it } from 'node:test';
import type { Browser } from 'playwright-core';
import sharp from 'sharp';
import { browserSkip, launchBrowser, screenshot, WEB_ROOT } from '../helpers/browser.js';
import { uniqueName } from '../helpers/clients.js';
import { startTestServer, type TestServer } from '../helpers/server.js';
import { messageRow, newWebUser, prop, type WebUser } from '../helpers/web-ui.js';
import { waitUntil } from '../helpers/wait.js';

const suite = 'web client: stickers, emoji and files';
const sha = (b: Buffer) => createHash('sha256').update(b).digest('hex');

/** A second of a 440 Hz tone as a 16-bit mono WAV. */
function wav(): Buffer {
  const rate = 8000;
  const data = Buffer.alloc(rate * 2);
  for (let i = 0; i < rate; i++) data.writeInt16LE(Math.round(Math.sin((2 * Math.PI * 440 * i) / rate) * 8000), i * 2);
  const head = Buffer.alloc(44);
  head.write('RIFF', 0);
  head.writeUInt32LE(36 + data.length, 4);
  head.write('WAVEfmt ', 8);
  head.writeUInt32LE(16, 16);
  head.writeUInt16LE(1, 20);
  head.writeUInt16LE(1, 22);
  head.writeUInt32LE(rate, 24);
  head.writeUInt32LE(rate * 2, 28);
  head.writeUInt16LE(2, 32);
  head.writeUInt16LE(16, 34);
  head.write('data', 36);
  head.writeUInt32LE(data.length, 40);
  return Buffer.concat([head, data]);
}

describe(suite, { skip: browserSkip(suite) }, () => {
  let server: TestServer;
  let browser: Browser;
  let alice: WebUser;
  let bob: WebUser;

  before(async () => {
    server = await startTestServer({ webRoot: WEB_ROOT });
    browser = await launchBrowser();
    alice = await newWebUser(browser, server.httpPort, uniqueName('alice'));
    bob = await newWebUser(browser, server.httpPort, uniqueName('bob'));
  });
  after(async () => {
    await browser?.close();
    await server?.dispose();
  });

  it('a sticker goes across with one click; the emoji picker inserts into the text, offline', async () => {
    await alice.page.getByRole('button', { name: 'Stickers' }).click();
    assert.equal(await alice.page.locator('.sticker-panel button').count(), 20);
    await screenshot(alice.page, 'sticker-panel');
    await alice.page.getByRole('button', { name: /Send sticker party/ }).click();
    const sticker = bob.page.locator('.row.msg img.sticker[alt*="party"]');
    await sticker.waitFor();
    await waitUntil(async () => (await prop<number>(sticker, 'naturalWidth')) > 0, 'the sticker SVG to load');

    // Every request of the picker goes to this server (its data is served locally).
    const foreign: string[] = [];
    alice.page.on('request', (r) => {
      if (!r.url().startsWith(`http://127.0.0.1:${server.httpPort}/`) && !r.url().startsWith('ws://127.0.0.1') && !r.url().startsWith('data:') && !r.url().startsWith('blob:')) foreign.push(r.url());
    });
    await alice.page.locator('.composer textarea').fill('I like ');
    await alice.page.getByRole('button', { name: 'Emoji' }).click();
    const picker = alice.page.locator('emoji-picker');
    await picker.getByRole('combobox').fill('snake');
    // The search results (a listbox, once the search has run), not the category shown before it.
    await picker.getByRole('listbox').getByRole('option', { name: /snake/i }).first().click();
    await waitUntil(async () => (await alice.page.locator('.composer textarea').inputValue()) === 'I like 🐍', 'the emoji in the text');
    await screenshot(alice.page, 'emoji-picker');
    await alice.page.locator('.composer textarea').press('Enter');
    await messageRow(bob.page, 'I like 🐍').waitFor();
    assert.deepEqual(foreign, []);
  });

  it('a file goes across as a download card and downloads byte-identical', async () => {
    const bytes = randomBytes(300 * 1024);
    await alice.page.getByTestId('file-input').setInputFiles({ name: 'report 2026.bin', mimeType: 'application/octet-stream', buffer: bytes });
    const card = bob.page.locator('.row.msg a.file-card', { hasText: 'report 2026.bin' });
    await card.waitFor();
    assert.match(await card.innerText(), /300 KB/);
    const [download] = await Promise.all([bob.page.waitForEvent('download'), card.click()]);
    assert.equal(download.suggestedFilename(), 'report 2026.bin');
    const saved = readFileSync(await download.path());
    assert.equal(saved.length, bytes.length);
    assert.equal(sha(saved), sha(bytes));
  });

  it('pictures show inline from their thumbnail (full size on click), sound with a player', async () => {
    const png = await sharp({ create: { width: 900, height: 600, channels: 3, background: { r: 79, g: 70, b: 229 } } })
      .composite([{ input: Buffer.from('<svg width="900" height="600"><circle cx="450" cy="300" r="200" fill="#fbbf24"/></svg>') }])
      .png()
      .toBuffer();
    const loaded: string[] = [];
    const onRequest = (r: { url(): string }) => void loaded.push(r.url());
    bob.page.on('request', onRequest);
    await alice.page.getByTestId('file-input').setInputFiles([
      { name: 'sunrise.png', mimeType: 'image/png', buffer: png },
      { name: 'tone.wav', mimeType: 'audio/wav', buffer: wav() },
    ]);
    const img = bob.page.locator('.row.msg .file-image img[alt="sunrise.png"]');
    await img.waitFor();
    await waitUntil(async () => (await prop<number>(img, 'naturalWidth')) > 0, 'the thumbnail to load');
    // A signed link: the session token is in no URL the page loads.
    assert.match((await img.getAttribute('src')) ?? '', /\/api\/files\/[\w-]+\/thumb\?exp=\d+&sig=[\w-]{22}$/);
    const width = await prop<number>(img, 'naturalWidth');
    assert.ok(width > 0 && width <= 320, `a thumbnail, ${width} px wide`);
    const audio = bob.page.locator('.row.msg .file-audio audio');
    await audio.waitFor();
    await waitUntil(async () => (await prop<number>(audio, 'readyState')) >= 1, 'the sound to load');
    const duration = await prop<number>(audio, 'duration');
    assert.ok(Math.abs(duration - 1) < 0.1, `the tone plays for ${duration} s`);
    await screenshot(bob.page, 'files-inline');
    bob.page.off('request', onRequest);
    const files = loaded.filter((u) => u.includes('/api/files/'));
    assert.ok(files.length >= 2, files.join('\n'));
    assert.deepEqual(files.filter((u) => !/\?exp=\d+&sig=[\w-]{22}$/.test(u) || /token/i.test(u)), [], 'every file is loaded through a signed link');
    await img.click();
    const full = bob.page.locator('.lightbox img');
    await full.waitFor();
    await waitUntil(async () => (await prop<number>(full, 'naturalWidth')) === 900, 'the full picture');
    await bob.page.keyboard.press('Escape');
    await full.waitFor({ state: 'detached' });
  });

  it('drag and drop sends a file; an upload shows its progress and can be cancelled', async () => {
    const drop = await alice.page.evaluateHandle(`(() => {
      const dt = new DataTransfer();
      dt.items.add(new File(['dropped text, 你好'], 'notes.txt', { type: 'text/plain' }));
      return dt;
    })()`);
    await alice.page.locator('main.conversation').dispatchEvent('dragover', { dataTransfer: drop });
    await alice.page.locator('.drop-overlay').waitFor();
    await alice.page.locator('main.conversation').dispatchEvent('drop', { dataTransfer: drop });
    await bob.page.locator('.row.msg a.file-card', { hasText: 'notes.txt' }).waitFor();

    // A slow link, so there is time to see the bar and cancel.
    const cdp = await alice.context.newCDPSession(alice.page);
    await cdp.send('Network.enable');
    await cdp.send('Network.emulateNetworkConditions', { offline: false, latency: 0, downloadThroughput: -1, uploadThroughput: 256 * 1024 });
    await alice.page.getByTestId('file-input').setInputFiles({ name: 'big.bin', mimeType: 'application/octet-stream', buffer: randomBytes(8 * 1024 * 1024) });
    const row = alice.page.getByTestId('upload');
    await row.waitFor();
    await waitUntil(async () => (await prop<number>(row.locator('progress'), 'value')) > 0, 'upload progress');
    await screenshot(alice.page, 'upload-progress');
    await row.getByRole('button', { name: 'Cancel' }).click();
    await alice.page.getByTestId('toast').filter({ hasText: 'Upload of big.bin cancelled.' }).waitFor();
    await row.waitFor({ state: 'detached' });
    await cdp.send('Network.emulateNetworkConditions', { offline: false, latency: 0, downloadThroughput: -1, uploadThroughput: -1 });
    // Nothing was sent: the next message is the last one bob sees.
    await alice.page.locator('.composer textarea').fill('after the cancel');
    await alice.page.locator('.composer textarea').press('Enter');
    await messageRow(bob.page, 'after the cancel').waitFor();
    assert.equal(await bob.page.locator('.row.msg a.file-card', { hasText: 'big.bin' }).count(), 0);
    assert.deepEqual(alice.errors.filter((e) => !/net::ERR_ABORTED|Failed to load resource/.test(e)), []);
  });

  it('a video shows inline with a player (recorded in the page from a canvas, sent by drop)', async () => {
    // A one-second WebM made by the browser itself (MediaRecorder of a drawn canvas).
    const drop = await alice.page.evaluateHandle(`(async () => {
      const canvas = document.createElement('canvas');
      canvas.width = 320; canvas.height = 180;
      const g = canvas.getContext('2d');
      const rec = new MediaRecorder(canvas.captureStream(30), { mimeType: 'video/webm' });
      const parts = [];
      rec.ondataavailable = (e) => parts.push(e.data);
      const done = new Promise((r) => (rec.onstop = r));
      rec.start();
      const t0 = performance.now();
      await new Promise((r) => { const draw = () => { const t = performance.now() - t0; g.fillStyle = '#4f46e5'; g.fillRect(0, 0, 320, 180); g.fillStyle = '#fbbf24'; g.fillRect((t / 4) % 320, 60, 60, 60); if (t < 1000) requestAnimationFrame(draw); else r(); }; draw(); });
      rec.stop();
      await done;
      const dt = new DataTransfer();
      dt.items.add(new File(parts, 'clip.webm', { type: 'video/webm' }));
      return dt;
    })()`);
    await alice.page.locator('main.conversation').dispatchEvent('drop', { dataTransfer: drop });
    const video = bob.page.locator('.row.msg .file-video video');
    await video.waitFor();
    await waitUntil(async () => (await prop<number>(video, 'readyState')) >= 1, 'the video metadata');
    assert.equal(await prop<number>(video, 'videoWidth'), 320);
    assert.equal(await video.getAttribute('controls'), '');
    await screenshot(bob.page, 'files-video');
  });
});

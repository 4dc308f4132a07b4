import assert from 'node:assert/strict';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import type { Browser } from 'playwright-core';
import { ARTIFACTS, browserSkip, pageErrors, screenshot } from '../helpers/browser.js';
import type { TestServer } from '../helpers/server.js';
import { inPage, openChat, rowsFrom, withWebAndBrowser } from './fun-support.js';
import { waitForValue } from '../helpers/wait.js';

const SUITE = 'web fun: screenshots';

/**
 * A snapshot as kept in IndexedDB (database banter-fun, store snapshots), by kind: its PNG
 * signature, its size from the PNG header, and how varied its picture is.
 */
const PNG_INFO = `async (kind) => {
  const db = await new Promise((ok, fail) => { const r = indexedDB.open('banter-fun'); r.onsuccess = () => ok(r.result); r.onerror = () => fail(r.error); });
  const all = await new Promise((ok, fail) => { const r = db.transaction('snapshots').objectStore('snapshots').getAll(); r.onsuccess = () => ok(r.result); r.onerror = () => fail(r.error); });
  db.close();
  const shot = all.find((s) => s.kind === kind);
  const bytes = new Uint8Array(shot.bytes);
  const sig = [...bytes.slice(0, 8)].join(',');
  const dv = new DataView(bytes.buffer);
  const src = URL.createObjectURL(new Blob([bytes], { type: 'image/png' }));
  const img = new Image(); img.src = src; await img.decode();
  const c = document.createElement('canvas'); c.width = 80; c.height = 60;
  const g = c.getContext('2d'); g.drawImage(img, 0, 0, 80, 60);
  const d = g.getImageData(0, 0, 80, 60).data; const seen = new Set();
  for (let i = 0; i < d.length; i += 4) seen.add((d[i] >> 4) + ',' + (d[i + 1] >> 4) + ',' + (d[i + 2] >> 4));
  let b64 = ''; for (let i = 0; i < bytes.length; i += 0x8000) b64 += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  return { png: sig === '137,80,78,71,13,10,26,10', width: dv.getUint32(16), height: dv.getUint32(20), colours: seen.size, base64: btoa(b64) };
}`;

describe(SUITE, { skip: browserSkip(SUITE) }, () => {
  let server!: TestServer;
  let browser!: Browser;
  withWebAndBrowser((s, b) => ([server, browser] = [s, b]));

  it('a window screenshot is a PNG of the chat, kept in the Snapshots gallery, sent from there and deleted', async () => {
    const alice = await openChat(browser, server);
    const errors = pageErrors(alice.page);
    const { page } = alice;
    // Something to see in the chat.
    await page.getByPlaceholder('Message #lobby').fill('hello from the screenshot test 你好 🎉');
    await page.keyboard.press('Enter');
    await rowsFrom(page, alice.name).first().waitFor();
    const chatBox = await inPage<{ w: number; h: number }>(page, `() => { const r = document.querySelector('.row.msg').closest('main, section, [class*=chat]').getBoundingClientRect(); return { w: r.width, h: r.height }; }`);

    await page.getByRole('button', { name: 'Screenshot' }).click();
    await screenshot(page, 'fun-screenshot-menu');
    await page.getByRole('menuitem', { name: 'Chat window' }).click();
    await page.getByText('Saved to Snapshots').waitFor();

    await page.getByRole('button', { name: 'Screenshot' }).click();
    await page.getByRole('menuitem', { name: 'Full screen…' }).click();
    await waitForValue(() => page.getByText('Saved to Snapshots').count(), (n) => n >= 1, 'the second snapshot');

    await page.getByRole('button', { name: 'Screenshot' }).click();
    await page.getByRole('menuitem', { name: 'Snapshots' }).click();
    const gallery = page.getByTestId('snapshots');
    await waitForValue(() => gallery.locator('li').count(), (n) => n === 2, 'two snapshots in the gallery');
    await screenshot(page, 'fun-snapshots-gallery');

    const info = await inPage<{ png: boolean; width: number; height: number; colours: number; base64: string }>(page, PNG_INFO, 'window');
    mkdirSync(ARTIFACTS, { recursive: true });
    writeFileSync(join(ARTIFACTS, 'fun-window-shot.png'), Buffer.from(info.base64, 'base64')); // to look at
    assert.ok(info.png, 'a PNG');
    assert.ok(info.width >= chatBox.w * 0.5 && info.height >= 200, `as big as the chat window (${info.width}x${info.height}, chat ${chatBox.w}x${chatBox.h})`);
    assert.ok(info.colours > 4, `not blank (${info.colours} colours)`);
    const screen = await inPage<{ png: boolean; width: number }>(page, PNG_INFO, 'screen');
    assert.ok(screen.png && screen.width > 0, 'the full-screen shot is a PNG too');

    // Kept in IndexedDB: still there after a reload.
    await page.reload();
    await page.getByRole('button', { name: 'Camera', exact: true }).waitFor();
    await page.getByRole('button', { name: 'Screenshot' }).click();
    await page.getByRole('menuitem', { name: 'Snapshots' }).click();
    await waitForValue(() => gallery.locator('li').count(), (n) => n === 2, 'the snapshots after a reload');

    await gallery.locator('li[data-kind=window]').getByRole('button', { name: 'Send' }).click();
    const sent = rowsFrom(page, alice.name).filter({ has: page.locator('img[alt^="chat-"]') });
    await sent.first().waitFor({ timeout: 15_000 });
    await gallery.locator('li[data-kind=screen]').getByRole('button', { name: 'Delete' }).click();
    await waitForValue(() => gallery.locator('li').count(), (n) => n === 1, 'one snapshot after a delete');
    await page.keyboard.press('Escape');
    await screenshot(page, 'fun-snapshot-sent');
    assert.deepEqual(errors, []);
    await alice.context.close();
  });
});

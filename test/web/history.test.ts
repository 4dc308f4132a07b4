import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Browser } from 'playwright-core';
import { browserSkip, launchBrowser, screenshot, WEB_ROOT } from '../helpers/browser.js';
import { newUser, uniqueName } from '../helpers/clients.js';
import { startTestServer, type TestServer } from '../helpers/server.js';
import { messageRow, newWebUser, type WebUser } from '../helpers/web-ui.js';
import { waitForValue, waitUntil } from '../helpers/wait.js';

const suite = 'web client: a lobby with 10 000 messages';
const TOTAL = 10_000;

describe(suite, { skip: browserSkip(suite) }, () => {
  let server: TestServer;
  let browser: Browser;
  let reader: WebUser;

  before(async () => {
    server = await startTestServer({ webRoot: WEB_ROOT });
    browser = await launchBrowser();
    // 10 000 stored messages, sent over TCP in pipelined batches (under the 256 in flight per connection).
    const { client } = await newUser(server.tcpPort, uniqueName('filler'));
    const started = Date.now();
    for (let i = 1; i <= TOTAL; i += 250) {
      const batch: Promise<unknown>[] = [];
      for (let j = i; j < i + 250 && j <= TOTAL; j++) batch.push(client.request('send', { to: '#lobby', text: `history ${j}${j % 7 === 0 ? '\nwith a second line' : ''}` }));
      await Promise.all(batch);
    }
    process.stderr.write(`# stored ${TOTAL} messages in ${Date.now() - started} ms\n`);
    client.close();
  });
  after(async () => {
    await browser?.close();
    await server?.dispose();
  });

  it('opens at the newest message with only a few rows in the DOM', async (t) => {
    const started = Date.now();
    reader = await newWebUser(browser, server.httpPort, uniqueName('reader'));
    await messageRow(reader.page, new RegExp(`^history ${TOTAL}$`)).waitFor();
    t.diagnostic(`register + first page painted in ${Date.now() - started} ms`);
    // A reload: the page, a token login, the catch-up and the newest page of the 10 000.
    const reloaded = Date.now();
    await reader.page.reload();
    await messageRow(reader.page, new RegExp(`^history ${TOTAL}$`)).waitFor();
    t.diagnostic(`reload to the newest message painted in ${Date.now() - reloaded} ms`);
    const rows = await reader.page.locator('.row-slot').count();
    assert.ok(rows > 5 && rows < 60, `${rows} rows in the DOM`);
    await screenshot(reader.page, 'history-newest');
  });

  it('scrolling back loads older pages, keeps the reader in place, and reaches the first message', async (t) => {
    const scroller = reader.page.getByTestId('message-list');
    const started = Date.now();
    let maxRows = 0;
    let pages = 0;
    let oldest = Infinity;
    while (!(await reader.page.locator('.history-start').count())) {
      assert.ok(Date.now() - started < 45_000, `reached seq ${oldest} only`);
      // The row at the top before the older page arrives must still be on screen after it.
      const top = await scroller.evaluate((el) => {
        const e = el as unknown as { scrollTop: number; querySelectorAll(s: string): ArrayLike<{ textContent: string | null }> };
        e.scrollTop = 0;
        return e.querySelectorAll('.row-slot .msg-text')[0]?.textContent ?? '';
      });
      const seqOf = (s: string) => Number(/history (\d+)/.exec(s)?.[1] ?? Infinity);
      const before = seqOf(top);
      await waitUntil(async () => {
        const first = await reader.page.locator('.row-slot .msg-text').first().textContent();
        return seqOf(first ?? '') < before || (await reader.page.locator('.history-start').count()) > 0;
      }, 'an older page');
      pages++;
      oldest = Math.min(oldest, before);
      maxRows = Math.max(maxRows, await reader.page.locator('.row-slot').count());
      if (pages === 3) {
        // The older page went in above the reader, who stays where they were: far from the new top
        // (without the anchoring the view would sit at scrollTop 0, on the oldest page).
        await waitForValue(() => scroller.evaluate((el) => (el as unknown as { scrollTop: number }).scrollTop), (top) => top > 2_000, 'the view to stay far from the top after an older page arrived');
        await screenshot(reader.page, 'history-scrolled-back');
      }
    }
    t.diagnostic(`${pages} scroll-backs to the first of ${TOTAL} messages in ${Date.now() - started} ms; at most ${maxRows} rows in the DOM`);
    await scroller.evaluate((el) => ((el as unknown as { scrollTop: number }).scrollTop = 0));
    await messageRow(reader.page, /^history 1$/).waitFor();
    assert.ok(maxRows < 80, `${maxRows} rows in the DOM`);
    await screenshot(reader.page, 'history-start');
    assert.deepEqual(reader.errors, []);
  });
});

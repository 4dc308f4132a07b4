import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Browser } from 'playwright-core';
import { browserSkip, pageErrors, screenshot } from '../helpers/browser.js';
import type { TestServer } from '../helpers/server.js';
import { openChat, rowsFrom, withWebAndBrowser } from './fun-support.js';
import { waitForValue } from '../helpers/wait.js';

const SUITE = 'web fun: Snake';

describe(SUITE, { skip: browserSkip(SUITE) }, () => {
  let server!: TestServer;
  let browser!: Browser;
  withWebAndBrowser((s, b) => ([server, browser] = [s, b]));

  it('moves with the keys, ends on a wall, and posts the score to the conversation', async () => {
    const alice = await openChat(browser, server);
    const errors = pageErrors(alice.page);
    const { page } = alice;
    await page.getByRole('button', { name: 'Games' }).click();
    await screenshot(page, 'fun-games-menu');
    await page.getByRole('menuitem', { name: /^🐍 Snake/ }).click();
    const board = page.getByTestId('snake-board');
    await board.waitFor();
    assert.equal(await board.getAttribute('data-status'), 'ready');
    const [x0, y0] = (await board.getAttribute('data-head'))!.split(',').map(Number) as [number, number];
    await screenshot(page, 'fun-snake-ready');

    await page.keyboard.press('w'); // WASD: up
    const head = () => board.getAttribute('data-head').then((h) => h!.split(',').map(Number) as [number, number]);
    await waitForValue(head, ([x, y]) => x !== x0 || y !== y0, 'the snake to move');
    const [x1, y1] = await head();
    assert.equal(x1, x0, 'moving up keeps the column');
    assert.ok(y1 < y0, `the head went up (${y0} -> ${y1})`);

    await page.keyboard.press('ArrowLeft'); // arrows work too
    await waitForValue(head, ([x]) => x < x1, 'the snake to turn left');

    // Pause stops it.
    await page.keyboard.press(' ');
    assert.equal(await board.getAttribute('data-status'), 'paused');
    const held = await board.getAttribute('data-head');
    await page.waitForTimeout(500);
    assert.equal(await board.getAttribute('data-head'), held, 'a paused snake does not move');
    await page.keyboard.press(' ');

    // Still heading left: the wall comes within the board's width.
    await waitForValue(() => board.getAttribute('data-status'), (st) => st === 'over', 'game over');
    assert.equal(await board.getAttribute('data-cause'), 'wall');
    assert.equal((await board.getAttribute('data-head'))!.split(',')[0], '0', 'it died on the left wall');
    await page.getByText(/Game over: \d+ points/).waitFor();
    await screenshot(page, 'fun-snake-over');

    const score = Number(await board.getAttribute('data-score'));
    await page.getByRole('button', { name: /^Post score/ }).click();
    await page.getByRole('button', { name: 'Score posted' }).waitFor();
    await page.keyboard.press('Escape');
    await rowsFrom(page, alice.name).filter({ hasText: `I scored ${score} in Snake` }).waitFor();

    // Best score is kept in the browser.
    assert.equal(await page.evaluate(`localStorage.getItem('banter.snake.best.snake')`), score > 0 ? String(score) : null);
    assert.deepEqual(errors, []);
    await alice.context.close();
  });
});

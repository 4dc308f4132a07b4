import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import type { BanterClient } from '../../src/client/index.js';
import { browserSkip, launchBrowser, screenshot, WEB_ROOT } from '../helpers/browser.js';
import { adminClient, connect, newUser, PASSWORD, uniqueName } from '../helpers/clients.js';
import { startTestServer, type TestServer } from '../helpers/server.js';
import { loginInUi, messageRow, openApp, sendText } from '../helpers/web-ui.js';
import { waitUntil } from '../helpers/wait.js';

const suite = 'web client: the conversation list (issue 17)';

/** An entry of the side list. */
const entry = (page: Page, conv: string) => page.locator(`.online-list [data-conv="${conv}"]`);
const title = (page: Page) => page.getByTestId('conv-title').getAttribute('data-conv');

/** The WCAG contrast ratio of two CSS colours (rgb()/rgba() as getComputedStyle gives them). */
function contrast(fg: string, bg: string): number {
  const rgb = (c: string) => (/rgba?\(([^)]+)\)/.exec(c)?.[1] ?? '0,0,0').split(',').map((x) => Number(x.trim()));
  const lum = ([r = 0, g = 0, b = 0]: number[]) => {
    const ch = (v: number) => ((v /= 255) <= 0.03928 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4);
    return 0.2126 * ch(r) + 0.7152 * ch(g) + 0.0722 * ch(b);
  };
  const [a, b] = [lum(rgb(fg)), lum(rgb(bg))];
  return (Math.max(a, b) + 0.05) / (Math.min(a, b) + 0.05);
}

/** The colour behind an element: the first ancestor with an opaque background. */
const BACKDROP = `(el) => { for (let e = el; e; e = e.parentElement) { const c = getComputedStyle(e).backgroundColor; if (c && c !== 'transparent' && !/rgba\\(.*, 0\\)$/.test(c)) return c; } return getComputedStyle(document.body).backgroundColor; }`;

describe(suite, { skip: browserSkip(suite) }, () => {
  let server: TestServer;
  let browser: Browser;
  let admin: BanterClient;
  const names = { alice: uniqueName('alice'), bob: uniqueName('bob'), carol: uniqueName('carol'), erin: uniqueName('erin') };
  let page: Page;

  before(async () => {
    server = await startTestServer({ webRoot: WEB_ROOT });
    browser = await launchBrowser();
    admin = await adminClient(server.tcpPort);
  });
  after(async () => {
    admin?.close();
    await browser?.close();
    await server?.dispose();
  });

  it('at sign-in every conversation with unread messages shows its count, the title sums them, offline people included (items 1, 2)', async () => {
    // alice signs out with the lobby read; bob writes 4 private messages, admin 2; bob leaves.
    const alice = await newUser(server.tcpPort, names.alice);
    await alice.client.request('send', { to: '#lobby', text: 'alice was here' });
    const { convs } = await alice.client.request('convs', {});
    const lobby = convs.find((c) => c.conv === '#lobby')!;
    await alice.client.request('read', { conv: '#lobby', seq: lobby.last_seq });
    alice.client.close();
    const bob = await newUser(server.tcpPort, names.bob);
    for (let i = 1; i <= 4; i++) await bob.client.request('send', { to: `@${names.alice}`, text: `bob private ${i}` });
    for (let i = 1; i <= 2; i++) await admin.request('send', { to: `@${names.alice}`, text: `admin private ${i}` });
    bob.client.close();

    const app = await openApp(browser, server.httpPort);
    page = app.page;
    await loginInUi(page, names.alice);
    await entry(page, `@${names.bob}`).locator('.badge').filter({ hasText: '4' }).waitFor();
    await entry(page, '@admin').locator('.badge').filter({ hasText: '2' }).waitFor();
    await waitUntil(async () => (await page.title()) === '(6) Banter', 'the tab title counts 6');
    // bob is offline: listed all the same, with a grey dot, and a preview of his last message.
    assert.equal(await entry(page, `@${names.bob}`).locator('.presence-dot.off').count(), 1);
    await entry(page, `@${names.bob}`).getByTestId('conv-preview').filter({ hasText: 'bob private 4' }).waitFor();
    await entry(page, '@admin').getByTestId('conv-preview').filter({ hasText: 'admin private 2' }).waitFor();
    // Newest activity first within the private chats: admin wrote last.
    const people = await Promise.all((await page.locator('.people-list [data-conv]').all()).map((e) => e.getAttribute('data-conv')));
    assert.deepEqual(people, ['@admin', `@${names.bob}`]);
    assert.equal(await entry(page, '#lobby').locator('.badge').count(), 0, 'the lobby was read');
    await screenshot(page, 'convs-desktop');

    // Opening bob's chat: the "New messages" line sits above his first message.
    await entry(page, `@${names.bob}`).click();
    await messageRow(page, 'bob private 4').waitFor();
    const divider = page.getByTestId('unread-divider');
    await divider.waitFor();
    const firstAfter = await page.locator('.row-slot', { has: divider }).locator('.msg-text').first().innerText();
    assert.equal(firstAfter, 'bob private 1');
    await entry(page, `@${names.bob}`).locator('.badge').waitFor({ state: 'detached' });
    await waitUntil(async () => (await page.title()) === '(2) Banter', 'the title counts what is left');

    // Writing to bob while he is offline: stored, and his chat's preview says so.
    await sendText(page, 'see you when you are back');
    await messageRow(page, 'see you when you are back').waitFor();
    await entry(page, `@${names.bob}`).getByTestId('conv-preview').filter({ hasText: 'You: see you when you are back' }).waitFor();
    const again = await connect(server.tcpPort);
    await again.request('login', { user: names.bob, password: PASSWORD });
    const { messages } = await again.request('history', { conv: `@${names.alice}`, limit: 1 });
    assert.equal(messages[0]?.text, 'see you when you are back');
    again.close();
  });

  it('a first private message from someone new adds the entry at once; it stays after they go offline (item 1)', async () => {
    const carol = await newUser(server.tcpPort, names.carol);
    await carol.client.request('send', { to: `@${names.alice}`, text: 'hi alice, carol here' });
    const carolEntry = entry(page, `@${names.carol}`);
    await carolEntry.locator('.badge').filter({ hasText: '1' }).waitFor();
    await carolEntry.getByTestId('conv-preview').filter({ hasText: 'hi alice, carol here' }).waitFor();
    assert.equal(await page.locator('.people-list [data-conv]').first().getAttribute('data-conv'), `@${names.carol}`, 'newest first');
    assert.equal(await carolEntry.locator('.presence-dot.on').count(), 1);
    carol.client.close();
    await carolEntry.locator('.presence-dot.off').waitFor();
    assert.equal(await carolEntry.count(), 1, 'still listed while offline');
  });

  it('a reload, back/forward and a link keep the place; /admin stays the console (item 4)', async () => {
    await entry(page, `@${names.bob}`).click();
    await waitUntil(async () => new URL(page.url()).pathname === `/c/@${names.bob}`, 'the address of the private chat');
    await page.reload();
    await page.getByTestId('conv-title').waitFor();
    assert.equal(await title(page), `@${names.bob}`);
    await messageRow(page, 'see you when you are back').waitFor();

    await entry(page, '#lobby').click();
    await waitUntil(async () => new URL(page.url()).pathname === '/c/lobby', 'the lobby address');
    await page.goBack();
    await waitUntil(async () => (await title(page)) === `@${names.bob}`, 'back opens the private chat');
    await page.goForward();
    await waitUntil(async () => (await title(page)) === '#lobby', 'forward opens the lobby');

    // A shared link to a room (its "#" encoded), in a new tab of the same browser.
    const owner = await connect(server.tcpPort);
    await owner.request('login', { user: names.alice, password: PASSWORD });
    const room = `#garden.${process.pid}`;
    await owner.request('create', { room });
    await owner.request('send', { to: room, text: 'the roses are out' });
    owner.close();
    const tab = await page.context().newPage();
    await tab.goto(`http://127.0.0.1:${server.httpPort}/c/${encodeURIComponent(room)}`);
    await tab.getByTestId('conv-title').waitFor();
    await waitUntil(async () => (await title(tab)) === room, 'the link opens the room');
    await messageRow(tab, 'the roses are out').waitFor();
    await tab.goto(`http://127.0.0.1:${server.httpPort}/admin`);
    await tab.getByRole('heading', { name: 'Admin console' }).or(tab.getByText('The admin console is for administrators only.')).first().waitFor();
    assert.equal(new URL(tab.url()).pathname, '/admin');
    await tab.close();
  });

  it('while the connection is down no dot is green; after the reconnect they are fresh (item 5)', async () => {
    const erin = await newUser(server.tcpPort, names.erin);
    await erin.client.request('send', { to: `@${names.alice}`, text: 'erin says hi' });
    const erinEntry = entry(page, `@${names.erin}`);
    await erinEntry.locator('.presence-dot.on').waitFor();

    await page.context().setOffline(true);
    const user = server.chat.online.list().find((u) => u.record.name === names.alice)!;
    for (const s of user.sessions) s.peer.close();
    await page.getByTestId('connection-banner').waitFor();
    await erinEntry.locator('.presence-dot.unknown').waitFor();
    assert.equal(await page.locator('.online-list .presence-dot.on').count(), 0, 'no green dot while disconnected');
    await screenshot(page, 'convs-disconnected');
    erin.client.close(); // goes offline while alice cannot hear it

    await page.context().setOffline(false);
    await page.getByTestId('connection-banner').waitFor({ state: 'detached', timeout: 20_000 });
    await erinEntry.locator('.presence-dot.off').waitFor();
    await entry(page, '@admin').locator('.presence-dot.on').waitFor();
  });

  it('muted: the composer is disabled and says why and until when, once; it opens again on unmute and at the end (item 6)', async () => {
    await entry(page, '#lobby').click();
    const box = page.locator('.composer textarea');
    await admin.request('mute', { user: names.alice, reason: 'calm down' });
    const hint = page.getByTestId('muted-hint');
    await hint.waitFor();
    assert.match(await hint.innerText(), /until an administrator unmutes you.*calm down/s);
    assert.equal(await box.isDisabled(), true);
    assert.match((await box.getAttribute('placeholder')) ?? '', /Muted/);
    // A later notice, as a marker: the mute's own notice came before it and was not shown again.
    await admin.request('notice', { text: 'marker after the mute' });
    await page.locator('.row.system', { hasText: 'marker after the mute' }).waitFor();
    assert.equal(await page.locator('.row.system', { hasText: /muted/i }).count(), 0, 'no second copy as a row');
    assert.equal(await page.locator('.toast', { hasText: /muted/i }).count(), 0, 'no third copy as a toast');
    assert.equal(await page.getByText(/calm down/).count(), 1, 'said once');
    await screenshot(page, 'convs-muted');

    await admin.request('unmute', { user: names.alice });
    await hint.waitFor({ state: 'detached' });
    assert.equal(await box.isDisabled(), false);

    // A timed mute ends by itself.
    await admin.request('mute', { user: names.alice, minutes: 3 / 60 });
    await hint.waitFor();
    assert.match(await hint.innerText(), /muted until/);
    assert.equal(await box.isDisabled(), true);
    await hint.waitFor({ state: 'detached', timeout: 15_000 });
    assert.equal(await box.isDisabled(), false);
    await sendText(page, 'free to speak again');
    await messageRow(page, 'free to speak again').waitFor();
  });

  it("the user's own deleted message reads \"You deleted this message\", legibly in both themes (item 7)", async () => {
    await sendText(page, 'a message to take back');
    await messageRow(page, 'a message to take back').waitFor();
    const seq = Number(await messageRow(page, 'a message to take back').getAttribute('data-seq'));
    const other = await connect(server.tcpPort);
    await other.request('login', { user: names.alice, password: PASSWORD });
    await other.request('delete', { conv: '#lobby', seq });
    other.close();
    const row = page.locator(`.row.msg[data-seq="${seq}"]`);
    await row.locator('.msg-deleted', { hasText: 'You deleted this message' }).waitFor();
    for (const scheme of ['light', 'dark'] as const) {
      await page.emulateMedia({ colorScheme: scheme });
      const el = `document.querySelector('.row.msg[data-seq="${seq}"] .msg-deleted')`;
      const fg = String(await page.evaluate(`getComputedStyle(${el}).color`));
      const bg = String(await page.evaluate(`(${BACKDROP})(${el})`));
      const ratio = contrast(fg, bg);
      assert.ok(ratio >= 4.5, `${scheme}: contrast ${ratio.toFixed(2)} (${fg} on ${String(bg)})`);
      await screenshot(page, `convs-deleted-${scheme}`);
    }
    await page.emulateMedia({ colorScheme: 'light' });
  });

  it('Screenshot > Chat window captures what is on screen, not the top of the scroll area (item 8)', async () => {
    await entry(page, '#lobby').click();
    for (let i = 1; i <= 40; i++) await admin.request('send', { to: '#lobby', text: `line ${i} of a long conversation that fills the window` });
    await messageRow(page, /^line 40 of/).waitFor();
    await page.getByRole('button', { name: 'Screenshot' }).click();
    await page.getByRole('menuitem', { name: 'Chat window' }).click();
    await page.getByText('Saved to Snapshots').first().waitFor();
    // The snapshot's picture: in how many of its pixel rows above the composer is anything drawn?
    const drawn = (await page.evaluate(`(async () => {
      const db = await new Promise((ok, fail) => { const r = indexedDB.open('banter-fun'); r.onsuccess = () => ok(r.result); r.onerror = () => fail(r.error); });
      const all = await new Promise((ok, fail) => { const r = db.transaction('snapshots').objectStore('snapshots').getAll(); r.onsuccess = () => ok(r.result); r.onerror = () => fail(r.error); });
      db.close();
      const shot = all.filter((s) => s.kind === 'window').sort((a, b) => b.createdAt - a.createdAt)[0];
      const img = new Image(); img.src = URL.createObjectURL(new Blob([shot.bytes], { type: 'image/png' })); await img.decode();
      const c = document.createElement('canvas'); c.width = img.width; c.height = img.height;
      const g = c.getContext('2d'); g.drawImage(img, 0, 0);
      const h = Math.floor(img.height * 0.7); const d = g.getImageData(0, 0, img.width, h).data;
      const bg = [d[0], d[1], d[2]]; let rows = 0;
      for (let y = 0; y < h; y++) {
        for (let x = 0; x < img.width; x++) {
          const i = (y * img.width + x) * 4;
          if (Math.abs(d[i] - bg[0]) + Math.abs(d[i + 1] - bg[1]) + Math.abs(d[i + 2] - bg[2]) > 60) { rows++; break; }
        }
      }
      return rows / h;
    })()`)) as number;
    assert.ok(drawn > 0.3, `the visible messages are in the picture (${(drawn * 100).toFixed(0)} % of its rows drawn)`);
    await page.keyboard.press('Escape');
  });

  it('"New message" opens a private chat with anyone registered, online or not; a name in a message opens one (item 3, the UI)', async () => {
    const dora = await newUser(server.tcpPort, uniqueName('Dora'));
    dora.client.close(); // offline, never talked to alice
    await page.getByTestId('new-message').click();
    const dialog = page.locator('dialog.modal');
    const to = dialog.getByLabel('To');
    await to.fill('nobody-by-this-name');
    await dialog.getByRole('button', { name: 'Open chat' }).click();
    await dialog.getByRole('alert').filter({ hasText: 'There is no user by that name.' }).waitFor();
    // A prefix of someone known suggests them (case-insensitive).
    await to.fill(names.bob.slice(0, 3).toUpperCase());
    await dialog.getByRole('option', { name: new RegExp(`@${names.bob}`) }).waitFor();
    // A full name opens the chat, though she is offline and they never talked.
    await to.fill(dora.name);
    await to.press('Enter');
    await dialog.waitFor({ state: 'detached' });
    await waitUntil(async () => (await title(page)) === `@${dora.name}`, 'the chat with dora');
    await entry(page, `@${dora.name}`).waitFor();
    await sendText(page, 'hello dora, are you there?');
    await messageRow(page, 'hello dora, are you there?').waitFor();
    await screenshot(page, 'convs-new-message');

    // A sender's name in a message opens a private chat with them.
    await entry(page, '#lobby').click();
    await sendText(page, 'who else is here?');
    await admin.request('send', { to: '#lobby', text: 'admin is here' });
    await messageRow(page, 'admin is here').locator('.from', { hasText: 'admin' }).click();
    await waitUntil(async () => (await title(page)) === '@admin', 'the name opened the chat with admin');
  });

  it('phone width: message actions are touch targets of at least 44 x 44 px; Send stays on the composer row (item 11)', async () => {
    const phone = await openApp(browser, server.httpPort, '/', { viewport: { width: 390, height: 800 } });
    await loginInUi(phone.page, names.alice);
    await phone.page.goto(`http://127.0.0.1:${server.httpPort}/c/lobby`);
    await sendText(phone.page, 'tap me on a phone');
    const row = messageRow(phone.page, 'tap me on a phone');
    await row.waitFor();
    await row.locator('.bubble').click();
    const actions = row.locator('.msg-action');
    await actions.first().waitFor();
    for (const a of await actions.all()) {
      const box = (await a.boundingBox())!;
      assert.ok(box.width >= 44 && box.height >= 44, `${await a.getAttribute('aria-label')}: ${box.width} x ${box.height}`);
    }
    await screenshot(phone.page, 'convs-phone-actions');
    const send = (await phone.page.getByRole('button', { name: 'Send', exact: true }).boundingBox())!;
    const tools = (await phone.page.locator('.composer-tools').boundingBox())!;
    assert.ok(send.y >= tools.y - 1 && send.y + send.height <= tools.y + tools.height + 1, 'Send on the tools row');
    assert.ok(send.x + send.width <= 390, 'Send within the screen');
    await phone.context.close();
  });

  it('looks right: dark, phone and Chinese (screenshots of the list)', async () => {
    await page.emulateMedia({ colorScheme: 'dark' });
    await screenshot(page, 'convs-dark');
    await page.emulateMedia({ colorScheme: 'light' });

    const phone = await openApp(browser, server.httpPort, '/', { viewport: { width: 390, height: 800 } });
    await loginInUi(phone.page, names.alice);
    await phone.page.getByRole('button', { name: /Show conversations/ }).click();
    await entry(phone.page, `@${names.bob}`).waitFor();
    await screenshot(phone.page, 'convs-phone');
    await entry(phone.page, `@${names.bob}`).click();
    assert.equal(await phone.page.locator('.online-list').count(), 0, 'the drawer closes after picking');
    await messageRow(phone.page, 'see you when you are back').waitFor();
    await phone.context.close();

    const zh = await openApp(browser, server.httpPort, '/', { locale: 'zh-CN' });
    await zh.page.getByLabel('用户名').fill(names.alice);
    await zh.page.getByLabel('密码', { exact: true }).fill(PASSWORD);
    await zh.page.getByRole('button', { name: '登录' }).click();
    await zh.page.getByTestId('conv-title').waitFor();
    await entry(zh.page, '#lobby').filter({ hasText: '大厅' }).waitFor();
    assert.equal(await zh.page.locator('.composer textarea').getAttribute('placeholder'), '发消息到大厅');
    await screenshot(zh.page, 'convs-zh');
    // A refusal from the server, in Chinese: a bad room name.
    await zh.page.getByTestId('create-room').click();
    await zh.page.getByLabel('聊天室名称').fill('bad name');
    await zh.page.locator('dialog.modal').getByRole('button', { name: '创建' }).click();
    await zh.page.locator('#create-room-error', { hasText: '名称无效' }).waitFor();
    await zh.context.close();
  });
});

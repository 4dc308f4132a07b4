import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import { browserSkip, launchBrowser, screenshot, WEB_ROOT } from '../helpers/browser.js';
import { roomKey } from '../../src/protocol/index.js';
import { connect, newUser, PASSWORD, record, refusal, uniqueName } from '../helpers/clients.js';
import { startTestServer, type TestServer } from '../helpers/server.js';
import { loginInUi, messageRow, newWebUser, openApp, sendText, type WebUser } from '../helpers/web-ui.js';
import { waitUntil } from '../helpers/wait.js';

const suite = 'web client: rooms, message actions, read markers';

async function createRoom(page: Page, name: string, topic: string, priv = false): Promise<void> {
  await page.getByRole('button', { name: 'Create a room' }).click();
  await page.getByLabel('Room name').fill(name);
  if (topic) await page.getByLabel('Topic').fill(topic);
  if (priv) await page.getByLabel('Private (invited members only)').check();
  if (priv) await screenshot(page, 'rooms-create');
  await page.getByRole('button', { name: 'Create', exact: true }).click();
  await waitUntil(async () => (await page.getByTestId('conv-title').getAttribute('data-conv'))?.toLowerCase() === `#${name}`.toLowerCase(), `${name} opens`);
}

const roomEntry = (page: Page, room: string) => page.locator(`.room-list [data-conv="${room}"]`);
const toast = (page: Page, text: string | RegExp) => page.getByTestId('toast').filter({ hasText: text });

describe(suite, { skip: browserSkip(suite) }, () => {
  let server: TestServer;
  let browser: Browser;
  let alice: WebUser;
  let bob: WebUser;
  const garden = `#garden${Math.floor(Math.random() * 1e6)}`;
  const secret = `#secret${Math.floor(Math.random() * 1e6)}`;

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

  it('alice creates a public room with a topic, bob browses and joins, and the lobby does not see it', async () => {
    const carol = await newUser(server.tcpPort, uniqueName('carol'));
    const carolMsgs = record(carol.client, 'msg');
    await createRoom(alice.page, garden.slice(1), 'Tomatoes <b>and</b> basil');
    assert.equal(await alice.page.getByTestId('room-topic').innerText(), 'Tomatoes <b>and</b> basil');
    await roomEntry(alice.page, garden).waitFor();
    await toast(alice.page, `Room ${garden} created.`).waitFor();
    await screenshot(alice.page, 'rooms-list');

    await bob.page.getByRole('button', { name: 'Browse rooms' }).click();
    const listed = bob.page.locator(`.browse-room[data-room="${garden}"]`);
    await listed.waitFor();
    assert.match(await listed.innerText(), /Tomatoes <b>and<\/b> basil/);
    assert.match(await listed.innerText(), /1 member/);
    await screenshot(bob.page, 'rooms-browse');
    await listed.getByRole('button', { name: 'Join' }).click();
    await waitUntil(async () => (await bob.page.getByTestId('conv-title').getAttribute('data-conv')) === garden, 'bob is in the room');
    await roomEntry(bob.page, garden).waitFor();

    await sendText(alice.page, 'Hello garden');
    await messageRow(bob.page, 'Hello garden').waitFor();
    await sendText(bob.page, 'Hi alice, nice room');
    await messageRow(alice.page, 'Hi alice, nice room').waitFor();
    await sendText(alice.page, 'lobby check after room');
    await alice.page.locator('.online-list [data-conv="#lobby"]').click();
    await sendText(alice.page, 'And hello lobby');
    await waitUntil(async () => carolMsgs.some((m) => m.text === 'And hello lobby'), 'carol gets the lobby message');
    assert.deepEqual(
      carolMsgs.filter((m) => m.conv !== '#lobby').map((m) => m.text),
      [],
      'the lobby user never hears the room',
    );
    assert.equal(carolMsgs.some((m) => /garden|nice room/.test(m.text ?? '')), false);
    carol.client.close();
  });

  it('a private room: bob can neither find nor join it until alice invites him', async () => {
    await createRoom(alice.page, secret.slice(1), 'Plans', true);
    await roomEntry(alice.page, secret).locator('.lock').waitFor();
    await bob.page.getByRole('button', { name: 'Browse rooms' }).click();
    await bob.page.locator(`.browse-room[data-room="${garden}"]`).waitFor();
    assert.equal(await bob.page.locator(`.browse-room[data-room="${secret}"]`).count(), 0);
    await bob.page.keyboard.press('Escape');
    const bobTcp = await connect(server.tcpPort);
    await bobTcp.request('login', { user: bob.name, password: PASSWORD });
    const refused = await refusal(bobTcp.request('join', { room: secret }));
    assert.ok(refused.code.length > 0);

    await alice.page.getByRole('button', { name: 'Room details' }).click();
    await alice.page.getByLabel('User to invite').fill(bob.name);
    await alice.page.getByRole('button', { name: 'Invite', exact: true }).click();
    await toast(alice.page, `${bob.name} was invited.`).waitFor();
    const members = alice.page.getByTestId('member-list');
    await members.locator(`[data-user="${bob.name}"]`).waitFor();
    await screenshot(alice.page, 'rooms-members');
    await alice.page.keyboard.press('Escape');

    await roomEntry(bob.page, secret).click();
    await sendText(bob.page, 'Thanks for the invite');
    await messageRow(alice.page, 'Thanks for the invite').waitFor();
    bobTcp.close();
  });

  it("alice's reaction, edit and delete show on bob's screen, live and after a reload", async () => {
    for (const p of [alice.page, bob.page]) await roomEntry(p, garden).click();
    await sendText(alice.page, 'React to me');
    await sendText(alice.page, 'Edit me');
    await sendText(alice.page, 'Delete me');
    await messageRow(bob.page, 'Delete me').waitFor();

    const reactRow = messageRow(alice.page, 'React to me');
    await reactRow.hover();
    await reactRow.getByRole('button', { name: 'React' }).click();
    await screenshot(alice.page, 'rooms-react-popover');
    await alice.page.getByRole('button', { name: 'React with 👍' }).click();
    const editRow = messageRow(alice.page, 'Edit me');
    await editRow.hover();
    await editRow.getByRole('button', { name: 'Edit' }).click();
    const editor = alice.page.getByLabel('Edit message');
    await editor.fill('Edited <i>text</i>');
    await editor.press('Enter');
    const deleteRow = messageRow(alice.page, 'Delete me');
    await deleteRow.hover();
    await deleteRow.getByRole('button', { name: 'Delete' }).click();
    await alice.page.locator('.confirm-dialog').getByRole('button', { name: 'Delete' }).click();

    const check = async (page: Page) => {
      const chip = messageRow(page, 'React to me').locator('.reaction-chip[data-emoji="👍"]');
      await chip.waitFor();
      const edited = messageRow(page, 'Edited <i>text</i>');
      await edited.locator('.edited').waitFor();
      assert.equal(await edited.locator('i').count(), 0, 'text stays text');
      await page.locator('.row.msg[data-kind="deleted"]', { hasText: /This message was deleted|You deleted this message/ }).waitFor();
      assert.equal(await messageRow(page, 'Delete me').count(), 0);
      return chip;
    };
    const chip = await check(bob.page);
    assert.equal(await chip.innerText().then((s) => s.replace(/\s+/g, '')), '👍1');
    assert.equal(await chip.getAttribute('aria-pressed'), 'false');
    await chip.click();
    await waitUntil(async () => (await chip.innerText()).replace(/\s+/g, '') === '👍2' && (await chip.getAttribute('aria-pressed')) === 'true', "bob's reaction counts");
    await screenshot(bob.page, 'rooms-message-actions');

    await bob.page.reload();
    await bob.page.getByTestId('conv-title').waitFor();
    await roomEntry(bob.page, garden).click();
    const again = await check(bob.page);
    await waitUntil(async () => (await again.innerText()).replace(/\s+/g, '') === '👍2', 'the reactions after a reload');
    // alice sees bob's reaction live, not pressed for her.
    await waitUntil(async () => (await messageRow(alice.page, 'React to me').locator('.reaction-chip').innerText()).replace(/\s+/g, '') === '👍2', "alice sees bob's reaction");
    // A non-author sees no edit button; bob (no owner) no delete on alice's message.
    const bobRow = messageRow(bob.page, 'React to me');
    await bobRow.hover();
    assert.equal(await bobRow.getByRole('button', { name: 'Edit' }).count(), 0);
    assert.equal(await bobRow.getByRole('button', { name: 'Delete' }).count(), 0);
    // The room's owner may delete bob's message (not edit it).
    const ownerView = messageRow(alice.page, 'Hi alice, nice room');
    await ownerView.hover();
    assert.equal(await ownerView.getByRole('button', { name: 'Delete' }).count(), 1);
    assert.equal(await ownerView.getByRole('button', { name: 'Edit' }).count(), 0);
  });

  it("bob reads the room on one browser and the badge clears on his other", async () => {
    const second = await openApp(browser, server.httpPort);
    await loginInUi(second.page, bob.name);
    for (const p of [bob.page, second.page]) await p.locator('.online-list [data-conv="#lobby"]').click();
    await sendText(alice.page, 'Unread one');
    await sendText(alice.page, 'Unread two');
    for (const p of [bob.page, second.page]) await waitUntil(async () => (await roomEntry(p, garden).locator('.badge').innerText()) === '2', 'the unread badge');
    await screenshot(bob.page, 'rooms-unread');
    await roomEntry(bob.page, garden).click();
    await messageRow(bob.page, 'Unread two').waitFor();
    // The divider sits right above the first message he had not read.
    const divider = bob.page.getByTestId('unread-divider');
    await divider.waitFor();
    assert.match(await divider.locator('xpath=..').innerText(), /New messages[\s\S]*Unread one/);
    await screenshot(bob.page, 'rooms-unread-divider');
    await waitUntil(async () => (await roomEntry(second.page, garden).locator('.badge').count()) === 0, 'the badge clears on the other browser');
    await waitUntil(async () => (await roomEntry(bob.page, garden).locator('.badge').count()) === 0, 'and on this one');
    await second.context.close();
  });

  it('a non-owner sees no owner actions and the server refuses them; the owner removes a member', async () => {
    await bob.page.getByRole('button', { name: 'Room details' }).click();
    const panel = bob.page.getByTestId('room-panel');
    await panel.locator(`[data-user="${alice.name}"]`).waitFor();
    assert.equal(await panel.getByRole('button', { name: 'Remove' }).count(), 0);
    assert.equal(await panel.getByRole('button', { name: 'Make owner' }).count(), 0);
    assert.equal(await panel.getByLabel('Edit topic').count(), 0);
    assert.equal(await panel.getByLabel('User to invite').count(), 0);
    assert.match(await panel.locator(`[data-user="${alice.name}"]`).innerText(), /owner/);
    await bob.page.keyboard.press('Escape');
    const bobTcp = await connect(server.tcpPort);
    await bobTcp.request('login', { user: bob.name, password: PASSWORD });
    assert.equal((await refusal(bobTcp.request('remove', { room: garden, user: alice.name }))).code, 'FORBIDDEN');
    assert.equal((await refusal(bobTcp.request('topic', { room: garden, topic: 'mine now' }))).code, 'FORBIDDEN');
    bobTcp.close();

    // The owner edits the topic, then removes bob from the private room (with a confirmation).
    await roomEntry(alice.page, garden).click();
    await alice.page.getByRole('button', { name: 'Room details' }).click();
    await alice.page.getByLabel('Edit topic').fill('Basil only');
    await alice.page.getByRole('button', { name: 'Save topic' }).click();
    await toast(alice.page, 'Topic saved.').waitFor();
    await alice.page.keyboard.press('Escape');
    await waitUntil(async () => (await bob.page.getByTestId('room-topic').innerText()) === 'Basil only', "bob's header shows the new topic");

    // A mute within the room: bob's message is refused with the reason; the lobby still hears him.
    await alice.page.getByRole('button', { name: 'Room details' }).click();
    await alice.page.getByTestId('member-list').locator(`[data-user="${bob.name}"]`).getByRole('button', { name: 'Mute here' }).click();
    await alice.page.locator('.confirm-dialog').getByLabel('Duration').selectOption({ label: '1 hour' });
    await alice.page.locator('.confirm-dialog').getByRole('button', { name: 'Mute here' }).click();
    await toast(alice.page, `${bob.name} is muted in this room.`).waitFor();
    const stored = (await server.chat.store.rooms.members(roomKey(garden))).find((m) => m.name === bob.name)?.mutedUntil;
    assert.ok(typeof stored === 'number' && Math.abs(stored - Date.now() - 3600_000) < 60_000, `muted for the hour chosen (until ${String(stored)})`);
    await alice.page.getByTestId('member-list').locator(`[data-user="${bob.name}"]`).getByText('muted', { exact: true }).waitFor();
    await alice.page.keyboard.press('Escape');
    await sendText(bob.page, 'Can I still talk?');
    const refused = bob.page.getByTestId('refusal');
    await refused.waitFor();
    assert.ok(((await refused.innerText()).length) > 3, 'the refusal gives a reason');
    await alice.page.getByRole('button', { name: 'Room details' }).click();
    await alice.page.getByTestId('member-list').locator(`[data-user="${bob.name}"]`).getByRole('button', { name: 'Unmute here' }).click();
    await toast(alice.page, `${bob.name} can speak here again.`).waitFor();
    await alice.page.keyboard.press('Escape');

    await roomEntry(alice.page, secret).click();
    await alice.page.getByRole('button', { name: 'Room details' }).click();
    await alice.page.getByTestId('member-list').locator(`[data-user="${bob.name}"]`).getByRole('button', { name: 'Remove' }).click();
    await alice.page.locator('.confirm-dialog').getByRole('button', { name: 'Remove' }).click();
    await toast(alice.page, `${bob.name} was removed.`).waitFor();
    await waitUntil(async () => (await roomEntry(bob.page, secret).count()) === 0, 'the room leaves bob\'s list');
    await alice.page.keyboard.press('Escape');
  });

  it('edits and reactions made while bob is offline show after his reconnect', async () => {
    await roomEntry(bob.page, garden).click();
    const editedSeq = Number(await messageRow(bob.page, 'Edited <i>text</i>').getAttribute('data-seq'));
    const reactSeq = Number(await messageRow(bob.page, 'React to me').getAttribute('data-seq'));
    assert.ok(editedSeq > 0 && reactSeq > 0);
    await bob.context.setOffline(true);
    const user = server.chat.online.list().find((u) => u.record.name === bob.name)!;
    for (const sess of user.sessions) sess.peer.close();
    await bob.page.getByTestId('connection-banner').waitFor();

    const aliceTcp = await connect(server.tcpPort);
    await aliceTcp.request('login', { user: alice.name, password: PASSWORD });
    await aliceTcp.request('edit', { conv: garden, seq: editedSeq, text: 'Edited while bob was away' });
    await aliceTcp.request('react', { conv: garden, seq: reactSeq, emoji: '🎉' });
    aliceTcp.close();

    await bob.context.setOffline(false);
    await bob.page.getByTestId('connection-banner').waitFor({ state: 'detached', timeout: 15_000 });
    await messageRow(bob.page, 'Edited while bob was away').locator('.edited').waitFor();
    await messageRow(bob.page, 'React to me').locator('.reaction-chip[data-emoji="🎉"]').waitFor();
    assert.equal(await messageRow(bob.page, 'Edited <i>text</i>').count(), 0);
  });

  it('fits a phone screen', async () => {
    const phone = await openApp(browser, server.httpPort, '/', { viewport: { width: 390, height: 800 } });
    await loginInUi(phone.page, bob.name);
    await phone.page.getByRole('button', { name: /^Show conversations/ }).click();
    await roomEntry(phone.page, garden).waitFor();
    await screenshot(phone.page, 'rooms-phone-list');
    await roomEntry(phone.page, garden).click();
    await messageRow(phone.page, 'React to me').waitFor();
    await screenshot(phone.page, 'rooms-phone');
    await phone.page.getByRole('button', { name: 'Room details' }).click();
    await phone.page.getByTestId('member-list').locator(`[data-user="${alice.name}"]`).waitFor();
    await screenshot(phone.page, 'rooms-phone-members');
    await phone.context.close();
    // (bob's page logs the connection attempts refused while the test took his network away.)
    for (const u of [alice, bob]) assert.deepEqual(u.errors.filter((e) => !e.includes('ERR_INTERNET_DISCONNECTED')), [], `${u.name} had page errors`);
  });

  it('the owner hands the room over and leaves; the new owner gets the owner actions', async () => {
    await roomEntry(alice.page, garden).click();
    await alice.page.getByRole('button', { name: 'Room details' }).click();
    await alice.page.getByTestId('member-list').locator(`[data-user="${bob.name}"]`).getByRole('button', { name: 'Make owner' }).click();
    await alice.page.locator('.confirm-dialog').getByRole('button', { name: 'Make owner' }).click();
    await toast(alice.page, `${bob.name} now owns the room.`).waitFor();
    // alice is no owner any more: her panel loses the owner actions.
    await waitUntil(async () => (await alice.page.getByTestId('room-panel').getByLabel('Edit topic').count()) === 0, "alice's owner actions go");
    await alice.page.getByRole('button', { name: 'Leave room' }).click();
    await alice.page.locator('.confirm-dialog').getByRole('button', { name: 'Leave room' }).click();
    await toast(alice.page, `You left ${garden}.`).waitFor();
    await waitUntil(async () => (await roomEntry(alice.page, garden).count()) === 0, 'the room leaves her list');
    assert.equal(await alice.page.getByTestId('conv-title').getAttribute('data-conv'), '#lobby');

    await roomEntry(bob.page, garden).click();
    await bob.page.getByRole('button', { name: 'Room details' }).click();
    await bob.page.getByTestId('room-panel').getByLabel('User to invite').waitFor();
    assert.equal(await bob.page.getByTestId('member-list').locator(`[data-user="${alice.name}"]`).count(), 0);
    await bob.page.keyboard.press('Escape');

    // The same in Chinese.
    const zh = await openApp(browser, server.httpPort, '/', { locale: 'zh-CN' });
    await zh.page.getByLabel('用户名').fill(bob.name);
    await zh.page.getByLabel('密码', { exact: true }).fill(PASSWORD);
    await zh.page.getByRole('button', { name: '登录' }).click();
    await roomEntry(zh.page, garden).click();
    await zh.page.getByRole('button', { name: '聊天室详情' }).click();
    await zh.page.getByTestId('member-list').locator(`[data-user="${bob.name}"]`).waitFor();
    assert.match(await zh.page.getByTestId('room-panel').innerText(), /退出聊天室/);
    await screenshot(zh.page, 'rooms-zh-members');
    await zh.context.close();
  });

  it('the room browser shows a page of rooms and fetches more on "More rooms…"', async () => {
    // 105 rooms after every other test's (their names sort before "#zzp"): past the browser's page of 100.
    const makers = await Promise.all([0, 1, 2].map(() => newUser(server.tcpPort)));
    const names = Array.from({ length: 105 }, (_, i) => `#zzp${String(i).padStart(3, '0')}`);
    await Promise.all(makers.map(async (m, k) => {
      for (const room of names.slice(k * 35, k * 35 + 35)) await m.client.request('create', { room });
    }));
    await bob.page.getByRole('button', { name: 'Browse rooms' }).click();
    const entry = (room: string) => bob.page.locator(`.browse-room[data-room="${room}"]`);
    await entry(names[0]!).waitFor();
    assert.equal(await bob.page.locator('.browse-room').count(), 100, 'one page');
    assert.equal(await entry(names.at(-1)!).count(), 0, 'the last room is on a later page');
    await bob.page.getByRole('button', { name: 'More rooms…' }).click();
    await entry(names.at(-1)!).waitFor();
    assert.equal(await bob.page.getByRole('button', { name: 'More rooms…' }).count(), 0, 'no more pages');
    const shown = (await bob.page.locator('.browse-room .browse-name').allInnerTexts()).map((t) => t.trim());
    assert.equal(new Set(shown).size, shown.length, 'no room twice');
    for (const room of names) assert.ok(shown.includes(room), room);
    await entry(names.at(-1)!).getByRole('button', { name: 'Join' }).click();
    await waitUntil(async () => (await bob.page.getByTestId('conv-title').getAttribute('data-conv')) === names.at(-1), 'bob is in the room from the second page');
    for (const m of makers) m.client.close();
  });
});

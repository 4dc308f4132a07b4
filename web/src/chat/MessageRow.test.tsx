import { cleanup, render, waitFor } from '@testing-library/react';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { messageItem, systemItem } from '../../../src/client/timeline.js';
import { FileLinks, type FileUrlReply } from '../files/file-links.js';
import { initI18n } from '../i18n/index.js';
import { MessageRow } from './MessageRow.js';

beforeAll(() => void initI18n('en'));
afterEach(cleanup);
const base = { conv: '#lobby', seq: 1, ts: Date.UTC(2026, 0, 1, 12), from: 'mallory' };
const noop = () => undefined;
const HOUR = 3600_000;
/** Links as the server's file_url answers them (paths; signatures made up: nothing fetches them here). */
const reply = (file: string): FileUrlReply => ({ file, url: `/api/files/${file}?exp=99&sig=s`, thumb_url: `/api/files/${file}/thumb?exp=99&sig=s`, expires: Date.now() + 4 * HOUR });
const fileLinks = new FileLinks((file) => Promise.resolve(reply(file)), () => 'http://chat.test:8080');

describe('MessageRow', () => {
  it('renders text as text: markup stays visible, nothing is injected', () => {
    const evil = '<img src=x onerror=alert(1)><script>alert(2)</script> **bold**';
    const { container } = render(<MessageRow item={messageItem({ ...base, text: evil })} head me="alice" links={fileLinks} onOpenImage={noop} />);
    expect(container.querySelector('img')).toBeNull();
    expect(container.querySelector('script')).toBeNull();
    expect(container.querySelector('.msg-text')?.textContent).toBe(evil);
  });
  it('links only http(s), opening apart from the app without a referrer', () => {
    const { container } = render(<MessageRow item={messageItem({ ...base, text: 'javascript:alert(1) https://ok.example/' })} head me="alice" links={fileLinks} onOpenImage={noop} />);
    const links = container.querySelectorAll('a');
    expect(links).toHaveLength(1);
    expect(links[0]!.getAttribute('href')).toBe('https://ok.example/');
    expect(links[0]!.getAttribute('target')).toBe('_blank');
    expect(links[0]!.getAttribute('rel')).toContain('noopener');
    expect(links[0]!.getAttribute('rel')).toContain('noreferrer');
  });
  it('sets own messages apart, and system notices', () => {
    const own = render(<MessageRow item={messageItem({ ...base, from: 'alice', text: 'mine' })} head me="alice" links={fileLinks} onOpenImage={noop} />);
    expect(own.container.querySelector('.row')!.className).toContain('own');
    const sys = render(<MessageRow item={systemItem([], 'server restarting <b>soon</b>', 'notice')} head me="alice" links={fileLinks} onOpenImage={noop} />);
    expect(sys.container.querySelector('.row.system')!.textContent).toContain('<b>soon</b>');
  });
  it('shows a file that is not a picture as a download card with name and size, its signed link once it has one', async () => {
    const asked: string[] = [];
    const mine = new FileLinks((file) => (asked.push(file), Promise.resolve(reply(file))), () => 'http://chat.test:8080');
    const { container } = render(<MessageRow item={messageItem({ ...base, file: { id: 'abc', name: 'a<b>.pdf', size: 2048, mime: 'application/pdf' } })} head me="alice" links={mine} onOpenImage={noop} />);
    // Until the link comes: the card without one (nothing to click that would fail).
    expect(container.querySelector('a.file-card')).toBeNull();
    expect(container.querySelector('.file-card.pending')!.textContent).toContain('a<b>.pdf');
    await waitFor(() => expect(container.querySelector('a.file-card')).not.toBeNull());
    const card = container.querySelector('a.file-card')!;
    expect(card.textContent).toContain('a<b>.pdf');
    expect(card.textContent).toContain('2.0 KB');
    expect(card.getAttribute('href')).toBe('http://chat.test:8080/api/files/abc?exp=99&sig=s');
    expect(card.getAttribute('href')).not.toContain('token');
    expect(card.getAttribute('download')).toBe('a<b>.pdf');
    expect(asked).toEqual(['abc']);
  });
  it('shows a picture from its signed thumbnail link; rows showing one file share one request', async () => {
    const asked: string[] = [];
    const mine = new FileLinks((file) => (asked.push(file), Promise.resolve(reply(file))), () => 'http://chat.test:8080');
    const file = { id: 'pic', name: 'p.png', size: 10, mime: 'image/png' };
    const { container } = render(
      <>
        <MessageRow item={messageItem({ ...base, file })} head me="alice" links={mine} onOpenImage={noop} />
        <MessageRow item={messageItem({ ...base, seq: 2, file })} head me="alice" links={mine} onOpenImage={noop} />
      </>,
    );
    await waitFor(() => expect(container.querySelectorAll('.file-image img')).toHaveLength(2));
    for (const img of container.querySelectorAll('.file-image img')) expect(img.getAttribute('src')).toBe('http://chat.test:8080/api/files/pic/thumb?exp=99&sig=s');
    expect(asked).toEqual(['pic']);
  });
  it('draws stickers from the bundled art with the emoji as their text', () => {
    const { container } = render(<MessageRow item={messageItem({ ...base, sticker: 'snake' })} head me="alice" links={fileLinks} onOpenImage={noop} />);
    expect(container.querySelector('img.sticker')!.getAttribute('alt')).toBe('Sticker snake 🐍');
  });
});

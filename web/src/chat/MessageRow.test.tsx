import { cleanup, render } from '@testing-library/react';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { messageItem, systemItem } from '../app/timeline.js';
import { initI18n } from '../i18n/index.js';
import { MessageRow } from './MessageRow.js';

beforeAll(() => void initI18n('en'));
afterEach(cleanup);
const base = { conv: '#lobby', seq: 1, ts: Date.UTC(2026, 0, 1, 12), from: 'mallory' };
const noop = () => undefined;

describe('MessageRow', () => {
  it('renders text as text: markup stays visible, nothing is injected', () => {
    const evil = '<img src=x onerror=alert(1)><script>alert(2)</script> **bold**';
    const { container } = render(<MessageRow item={messageItem({ ...base, text: evil })} head me="alice" token="t" onOpenImage={noop} />);
    expect(container.querySelector('img')).toBeNull();
    expect(container.querySelector('script')).toBeNull();
    expect(container.querySelector('.msg-text')?.textContent).toBe(evil);
  });
  it('links only http(s), opening apart from the app without a referrer', () => {
    const { container } = render(<MessageRow item={messageItem({ ...base, text: 'javascript:alert(1) https://ok.example/' })} head me="alice" token="t" onOpenImage={noop} />);
    const links = container.querySelectorAll('a');
    expect(links).toHaveLength(1);
    expect(links[0]!.getAttribute('href')).toBe('https://ok.example/');
    expect(links[0]!.getAttribute('target')).toBe('_blank');
    expect(links[0]!.getAttribute('rel')).toContain('noopener');
    expect(links[0]!.getAttribute('rel')).toContain('noreferrer');
  });
  it('sets own messages apart, and system notices', () => {
    const own = render(<MessageRow item={messageItem({ ...base, from: 'alice', text: 'mine' })} head me="alice" token="t" onOpenImage={noop} />);
    expect(own.container.querySelector('.row')!.className).toContain('own');
    const sys = render(<MessageRow item={systemItem([], 'server restarting <b>soon</b>', 'notice')} head me="alice" token="t" onOpenImage={noop} />);
    expect(sys.container.querySelector('.row.system')!.textContent).toContain('<b>soon</b>');
  });
  it('shows a file that is not a picture as a download card with name and size, the token in the URL', () => {
    const { container } = render(<MessageRow item={messageItem({ ...base, file: { id: 'abc', name: 'a<b>.pdf', size: 2048, mime: 'application/pdf' } })} head me="alice" token="tok en" onOpenImage={noop} />);
    const card = container.querySelector('a.file-card')!;
    expect(card.textContent).toContain('a<b>.pdf');
    expect(card.textContent).toContain('2.0 KB');
    expect(card.getAttribute('href')).toMatch(/\/api\/files\/abc\?token=tok%20en$/);
    expect(card.getAttribute('download')).toBe('a<b>.pdf');
  });
  it('draws stickers from the bundled art with the emoji as their text', () => {
    const { container } = render(<MessageRow item={messageItem({ ...base, sticker: 'snake' })} head me="alice" token="t" onOpenImage={noop} />);
    expect(container.querySelector('img.sticker')!.getAttribute('alt')).toBe('Sticker snake 🐍');
  });
});

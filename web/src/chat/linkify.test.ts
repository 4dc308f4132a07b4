import { describe, expect, it } from 'vitest';
import { linkify } from './linkify.js';

describe('linkify', () => {
  it('makes http and https links, leaving the rest as text', () => {
    expect(linkify('see https://example.org/a?b=1#c and http://x.io')).toEqual([
      { text: 'see ' },
      { text: 'https://example.org/a?b=1#c', href: 'https://example.org/a?b=1#c' },
      { text: ' and ' },
      { text: 'http://x.io', href: 'http://x.io' },
    ]);
  });
  it('leaves sentence punctuation (also Chinese) outside the link', () => {
    expect(linkify('go to https://example.org/x.')[1]).toEqual({ text: 'https://example.org/x', href: 'https://example.org/x' });
    expect(linkify('看 https://example.org/页面。')[1]?.href).toBe('https://example.org/页面');
    expect(linkify('(https://en.wikipedia.org/wiki/Foo_(bar))')[1]?.href).toBe('https://en.wikipedia.org/wiki/Foo_(bar)');
  });
  it('never links other schemes', () => {
    for (const text of ['javascript:alert(1)', 'data:text/html,<b>x</b>', 'vbscript:msgbox', 'file:///etc/passwd', 'ftp://x.org']) {
      expect(linkify(text).every((s) => s.href === undefined)).toBe(true);
    }
    expect(linkify('<a href="https://evil.example">x</a>').map((s) => s.href).filter(Boolean)).toEqual(['https://evil.example']);
  });
  it('keeps every character of the text, in order', () => {
    const text = 'a https://b.c/d, e\nhttps://f.g/ h';
    expect(linkify(text).map((s) => s.text).join('')).toBe(text);
  });
});

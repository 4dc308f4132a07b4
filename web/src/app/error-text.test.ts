import { describe, expect, it } from 'vitest';
import { BanterError } from '../../../src/client/errors.js';
import { en } from '../i18n/en.js';
import { zh } from '../i18n/zh.js';
import { CLIENT_ERROR_CODES, errorText } from './error-text.js';
import protocolDoc from '../../../docs/protocol.md?raw';

/** The codes of protocol.md's error table (§6), as a client can receive them. */
function documentedCodes(): string[] {
  const doc = protocolDoc;
  const section = doc.slice(doc.indexOf('## 6. Error codes'), doc.indexOf('## 7.'));
  return [...section.matchAll(/^\| `([A-Z_]+)` \|/gm)].map((m) => m[1]!);
}

const lookup = (dict: object) => (key: string, vars?: Record<string, unknown>) => {
  const s = key.split('.').reduce<unknown>((o, k) => (o as Record<string, unknown> | undefined)?.[k], dict);
  if (typeof s !== 'string') return `MISSING ${key}`;
  return s.replace(/\{\{(\w+)\}\}/g, (_, v: string) => String(vars?.[v]));
};

describe('error texts', () => {
  it('every error code of protocol.md has a sentence in English and Chinese', () => {
    const codes = documentedCodes();
    expect(codes.length).toBeGreaterThan(20);
    for (const code of codes) {
      expect(CLIENT_ERROR_CODES, code).toContain(code);
      for (const [lang, dict] of [['en', en], ['zh', zh]] as const) {
        const text = errorText(lookup(dict), new BanterError({ code: code as never, message: 'the server says this in English', retry_after: 2 }));
        expect(text, `${lang} ${code}`).not.toMatch(/MISSING|the server says/);
        expect(text.length, `${lang} ${code}`).toBeGreaterThan(3);
      }
    }
    expect(errorText(lookup(zh), new BanterError({ code: 'DISCONNECTED', message: 'lost' }))).toBe(zh.errors.DISCONNECTED);
  });
  it('a refusal in Chinese is Chinese (a bad room name), and the wait is given', () => {
    expect(errorText(lookup(zh), new BanterError({ code: 'INVALID_NAME', message: 'room name: letters only' }))).toMatch(/名称无效/);
    expect(errorText(lookup(en), new BanterError({ code: 'RATE_LIMITED', message: 'x', retry_after: 1.5 }))).toBe('Too fast. Try again in 1.5 s.');
    expect(errorText(lookup(en), new Error('boom'))).toBe('Something went wrong: boom');
  });
});

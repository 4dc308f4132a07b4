import { describe, expect, it } from 'vitest';
import { en } from './en.js';
import { preferredLanguage } from './index.js';
import { zh } from './zh.js';

function keys(o: object, prefix = ''): string[] {
  return Object.entries(o).flatMap(([k, v]) => (typeof v === 'object' ? keys(v as object, `${prefix}${k}.`) : [`${prefix}${k}`]));
}
function placeholders(s: string): string[] {
  return [...s.matchAll(/\{\{(\w+)\}\}/g)].map((m) => m[1]!).sort();
}

describe('translations', () => {
  it('Chinese has every English key, with the same placeholders, and no empty string', () => {
    const enKeys = keys(en);
    expect(keys(zh).sort()).toEqual([...enKeys].sort());
    const get = (o: object, k: string) => k.split('.').reduce<unknown>((x, p) => (x as Record<string, unknown>)[p], o) as string;
    for (const k of enKeys) {
      expect(get(zh, k).length, k).toBeGreaterThan(0);
      expect(placeholders(get(zh, k)), k).toEqual(placeholders(get(en, k)));
    }
  });
  it('follows the saved choice, else the browser', () => {
    expect(preferredLanguage('zh', ['en-US'])).toBe('zh');
    expect(preferredLanguage(null, ['zh-CN', 'en'])).toBe('zh');
    expect(preferredLanguage(null, ['zh-TW'])).toBe('zh');
    expect(preferredLanguage(null, ['fr-FR', 'en-GB'])).toBe('en');
    expect(preferredLanguage(null, ['de'])).toBe('en');
  });
});

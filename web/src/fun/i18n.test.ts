import { describe, expect, it } from 'vitest';
import { FUN_STRINGS } from './i18n';

type Tree = { [k: string]: string | Tree };

function flatten(t: Tree, prefix = ''): Map<string, string> {
  const out = new Map<string, string>();
  for (const [k, v] of Object.entries(t)) {
    if (typeof v === 'string') out.set(prefix + k, v);
    else for (const [kk, vv] of flatten(v, `${prefix}${k}.`)) out.set(kk, vv);
  }
  return out;
}
const placeholders = (s: string) => [...s.matchAll(/\{\{(\w+)\}\}/g)].map((m) => m[1]).sort();

describe('fun strings', () => {
  it('Chinese has every English string, with the same placeholders', () => {
    const en = flatten(FUN_STRINGS.en as unknown as Tree);
    const zh = flatten(FUN_STRINGS.zh as unknown as Tree);
    expect([...zh.keys()].sort()).toEqual([...en.keys()].sort());
    for (const [k, v] of en) {
      expect(placeholders(zh.get(k)!), k).toEqual(placeholders(v));
      expect(zh.get(k)!.trim(), k).not.toBe('');
    }
  });
});

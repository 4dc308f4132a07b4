import { describe, expect, it } from 'vitest';
import { FileLinks, REFRESH_BEFORE_MS, type FileUrlReply } from './file-links.js';

const HOUR = 3600_000;

/** A FileLinks on a clock the test moves, answering as file_url does (expiry 4 h from "now"). */
function setup(fail = false) {
  let now = 1_000_000_000_000;
  const asked: string[] = [];
  const ask = (file: string): Promise<FileUrlReply> => {
    asked.push(file);
    if (fail) return Promise.reject(new Error('offline'));
    const exp = now + 4 * HOUR;
    return Promise.resolve({ file, url: `/api/files/${file}?exp=${exp / 1000}&sig=x`, thumb_url: `/api/files/${file}/thumb?exp=${exp / 1000}&sig=x`, expires: exp });
  };
  const links = new FileLinks(ask, () => 'https://chat.test/', () => now);
  return { links, asked, advance: (ms: number) => (now += ms), setFail: (f: boolean) => (fail = f) };
}

describe('FileLinks', () => {
  it('asks once per file, resolves paths against the HTTP base, and keeps the link until shortly before it expires', async () => {
    const { links, asked, advance } = setup();
    expect(links.get('a')).toBeUndefined();
    await Promise.all([links.ensure('a'), links.ensure('a')]);
    expect(asked).toEqual(['a']);
    const first = links.get('a')!;
    expect(first.url).toMatch(/^https:\/\/chat\.test\/api\/files\/a\?exp=\d+&sig=x$/);
    expect(first.thumbUrl).toMatch(/^https:\/\/chat\.test\/api\/files\/a\/thumb\?/);
    expect(links.refreshIn('a')).toBe(4 * HOUR - REFRESH_BEFORE_MS);

    advance(3 * HOUR);
    await links.ensure('a');
    expect(asked, 'still fresh').toEqual(['a']);
    advance(HOUR - REFRESH_BEFORE_MS + 1);
    await links.ensure('a');
    expect(asked, 'asked again before it expires').toEqual(['a', 'a']);
    expect(links.get('a')!.expires).toBeGreaterThan(first.expires);
  });

  it('never hands out an expired link', async () => {
    const { links, advance, setFail } = setup();
    await links.ensure('a');
    setFail(true);
    advance(4 * HOUR);
    await links.ensure('a');
    expect(links.get('a')).toBeUndefined();
  });

  it('after a failed ask waits a little before the next; force asks even for a fresh link', async () => {
    const { links, asked, advance, setFail } = setup(true);
    await links.ensure('a');
    await links.ensure('a');
    expect(asked).toEqual(['a']);
    advance(5_000);
    setFail(false);
    await links.ensure('a');
    expect(asked).toEqual(['a', 'a']);
    expect(links.get('a')).toBeDefined();
    await links.ensure('a', true);
    expect(asked).toEqual(['a', 'a', 'a']);
  });
});

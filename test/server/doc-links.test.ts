import assert from 'node:assert/strict';
import { existsSync, readFileSync, readdirSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, it } from 'node:test';

/**
 * Every relative link in README.md and docs/*.md leads somewhere: the file (or folder) exists and,
 * for `file.md#anchor` or `#anchor`, the Markdown file has a heading with that anchor (GitHub's
 * rule: lower case, punctuation dropped, spaces to hyphens, -1, -2 … for repeats).
 */
const ROOT = fileURLToPath(new URL('../../../', import.meta.url));
const DOCS = ['README.md', ...readdirSync(join(ROOT, 'docs')).filter((f) => f.endsWith('.md')).map((f) => `docs/${f}`)];

/** The text outside fenced code blocks and inline code, where links and headings count. */
function prose(markdown: string): string {
  return markdown
    .replace(/^(```|~~~)[^\n]*\n[\s\S]*?^\1[^\n]*$/gm, '')
    .replace(/`[^`\n]*`/g, (code) => ' '.repeat(code.length));
}

export function slug(heading: string): string {
  return heading
    .replace(/`/g, '')
    .toLowerCase()
    .replace(/[^\p{L}\p{M}\p{N}_\- ]/gu, '')
    .replace(/ /g, '-');
}

function anchorsOf(markdown: string): Set<string> {
  const anchors = new Set<string>();
  const seen = new Map<string, number>();
  const withoutFences = markdown.replace(/^(```|~~~)[^\n]*\n[\s\S]*?^\1[^\n]*$/gm, '');
  for (const m of withoutFences.matchAll(/^#{1,6}[ \t]+(.+?)[ \t#]*$/gm)) {
    const base = slug(m[1]!);
    const n = seen.get(base) ?? 0;
    seen.set(base, n + 1);
    anchors.add(n === 0 ? base : `${base}-${n}`);
  }
  // Explicit anchors: <a id="..."> or <a name="...">.
  for (const m of withoutFences.matchAll(/<a\s+(?:id|name)="([^"]+)"/g)) anchors.add(m[1]!);
  return anchors;
}

/** Inline links and images, [text](target) and ![alt](target), with their line numbers. */
function linksOf(markdown: string): { target: string; line: number }[] {
  const text = prose(markdown);
  const links: { target: string; line: number }[] = [];
  for (const m of text.matchAll(/\]\(\s*<?([^)\s>]+)>?(?:\s+"[^"]*")?\s*\)/g)) {
    links.push({ target: m[1]!, line: text.slice(0, m.index).split('\n').length });
  }
  return links;
}

describe('links in README.md and docs/', () => {
  it('finds the documents and their links', () => {
    assert.ok(DOCS.includes('docs/protocol.md') && DOCS.length >= 5, `documents: ${DOCS.join(', ')}`);
    assert.ok(linksOf(readFileSync(join(ROOT, 'README.md'), 'utf8')).length >= 5, 'README links to the manuals');
  });

  it('slugs headings as GitHub does', () => {
    assert.equal(slug('4.6 `send` (user)'), '46-send-user');
    assert.equal(slug('One machine, every core: `--workers N`'), 'one-machine-every-core---workers-n');
    assert.equal(slug('## 8.6 `cid`: retrying a send safely'.replace(/^#+ /, '')), '86-cid-retrying-a-send-safely');
  });

  for (const doc of DOCS) {
    it(`${doc}: every relative link resolves`, () => {
      const source = readFileSync(join(ROOT, doc), 'utf8');
      const broken: string[] = [];
      for (const { target, line } of linksOf(source)) {
        if (/^[a-z][a-z0-9+.-]*:/i.test(target)) continue; // http:, https:, mailto:
        const [path, anchor] = target.split('#', 2) as [string, string | undefined];
        const file = path === '' ? join(ROOT, doc) : resolve(dirname(join(ROOT, doc)), decodeURIComponent(path));
        if (!existsSync(file)) {
          broken.push(`${doc}:${line}: ${target} (no ${relative(ROOT, file)})`);
          continue;
        }
        if (anchor === undefined || anchor === '') continue;
        if (statSync(file).isDirectory() || !file.endsWith('.md')) {
          broken.push(`${doc}:${line}: ${target} (an anchor into a file that is not Markdown)`);
        } else if (!anchorsOf(readFileSync(file, 'utf8')).has(decodeURIComponent(anchor))) {
          broken.push(`${doc}:${line}: ${target} (no heading #${anchor} in ${relative(ROOT, file)})`);
        }
      }
      assert.deepEqual(broken, [], `broken links:\n${broken.join('\n')}`);
    });
  }
});

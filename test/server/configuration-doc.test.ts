import assert from 'node:assert/strict';
import { isAbsolute, relative } from 'node:path';
import { readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, it } from 'node:test';
import { SETTINGS, type SettingName } from '../../src/server/config.js';

/**
 * docs/configuration.md's table of settings is SETTINGS (src/server/config.ts), rendered: this
 * test renders it and asserts the document holds exactly that between the two marker comments,
 * so a setting added, renamed or re-described without the document fails here.
 * BANTER_WRITE_DOCS=1 rewrites the part between the markers instead (after `npx tsc`:
 * `BANTER_WRITE_DOCS=1 node --test dist/test/server/configuration-doc.test.js`).
 */
const DOC = new URL('../../../docs/configuration.md', import.meta.url);
const PACKAGE_ROOT = fileURLToPath(new URL('../../../', import.meta.url));
const BEGIN = '<!-- settings table: generated from SETTINGS in src/server/config.ts; BANTER_WRITE_DOCS=1 node --test dist/test/server/configuration-doc.test.js rewrites it -->';
const END = '<!-- end of settings table -->';
const REWRITE = process.env.BANTER_WRITE_DOCS === '1';

/** Text for a Markdown table cell: a `|` would end the cell, a `<word>` would be taken for HTML. */
function cell(text: string): string {
  return text.replace(/\|/g, '\\|').replace(/</g, '\\<');
}

function shownDefault(value: unknown): string {
  if (value === undefined) return '—';
  // A path computed from where the package is installed (webRoot): shown relative to the package.
  if (typeof value === 'string' && isAbsolute(value)) return `\`${relative(PACKAGE_ROOT, value)}\` of the package`;
  return `\`${String(value)}\``;
}

export function settingsTable(): string {
  const rows = (Object.entries(SETTINGS) as [SettingName, (typeof SETTINGS)[SettingName]][]).map(
    ([name, s]) => `| ${name} | \`${s.flag}\` | \`${s.env}\` | ${shownDefault(s.default)} | ${cell(s.describe)} |`,
  );
  return ['| setting | flag | environment | default | meaning |', '| --- | --- | --- | --- | --- |', ...rows].join('\n');
}

describe('docs/configuration.md', () => {
  it('holds the settings table exactly as SETTINGS renders it', () => {
    const text = readFileSync(DOC, 'utf8');
    const begin = text.indexOf(BEGIN);
    const end = text.indexOf(END);
    assert.ok(begin !== -1 && end > begin, `the document has the markers ${BEGIN} … ${END}, in that order`);
    const expected = `\n${settingsTable()}\n`;
    const actual = text.slice(begin + BEGIN.length, end);
    if (REWRITE) {
      writeFileSync(DOC, text.slice(0, begin + BEGIN.length) + expected + text.slice(end));
      return;
    }
    assert.equal(actual, expected, 'the settings table is out of date: rewrite it with BANTER_WRITE_DOCS=1 (see this test)');
  });

  it('has one row per setting, each naming its flag and variable once', () => {
    const table = settingsTable();
    for (const [name, s] of Object.entries(SETTINGS)) {
      assert.equal(table.split(`\n| ${name} |`).length, 2, `one row for ${name}`);
      assert.ok(table.includes(`\`${s.env}\``), `${name}: ${s.env}`);
    }
    // The machine-dependent default (where the package is installed) never reaches the document.
    assert.ok(!table.includes(PACKAGE_ROOT), 'no absolute path of this checkout');
  });
});

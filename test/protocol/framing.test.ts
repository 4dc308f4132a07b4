import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import {
  ERROR_CODES,
  LineDecoder,
  MAX_LINE_BYTES,
  OPS,
  encodeError,
  encodeEvent,
  encodeLine,
  encodeOk,
  parseRequest,
  type ErrorCode,
  type ParseResult,
} from '../../src/protocol/index.js';

// ---------------------------------------------------------------------------------------------
// Helpers
// ---------------------------------------------------------------------------------------------

interface Decoded {
  decoder: LineDecoder;
  lines: string[];
  errors: { code: ErrorCode; message: string }[];
}

function decoder(maxBytes?: number): Decoded {
  const lines: string[] = [];
  const errors: { code: ErrorCode; message: string }[] = [];
  const d = new LineDecoder(
    (line) => lines.push(line),
    (code, message) => errors.push({ code, message }),
    maxBytes,
  );
  return { decoder: d, lines, errors };
}

const utf8 = (s: string): Uint8Array => new TextEncoder().encode(s);
const bytes = (...parts: (string | number[])[]): Uint8Array => {
  const chunks = parts.map((p) => (typeof p === 'string' ? utf8(p) : Uint8Array.from(p)));
  const out = new Uint8Array(chunks.reduce((n, c) => n + c.length, 0));
  let at = 0;
  for (const c of chunks) {
    out.set(c, at);
    at += c.length;
  }
  return out;
};

/** Feeds `input` cut at the given offsets (sorted, deduplicated, within bounds). */
function feedCut(d: LineDecoder, input: Uint8Array, cuts: number[]): void {
  const points = [...new Set(cuts.map((c) => Math.min(Math.max(c, 0), input.length)))].sort((a, b) => a - b);
  let from = 0;
  for (const p of [...points, input.length]) {
    // Copies, so the decoder never sees bytes change under it (sockets hand out fresh buffers too).
    d.write(input.slice(from, p));
    from = p;
  }
}

/**
 * A from-scratch UTF-8 validator (RFC 3629, table 3-7 of the Unicode standard): rejects overlong
 * forms, surrogates (CESU-8) and code points above U+10FFFF. Independent of TextDecoder, so the
 * reference below does not borrow the implementation's notion of "valid".
 */
function isValidUtf8(b: Uint8Array): boolean {
  let i = 0;
  while (i < b.length) {
    const c = b[i]!;
    let need: number;
    let lo = 0x80;
    let hi = 0xbf;
    if (c <= 0x7f) need = 0;
    else if (c >= 0xc2 && c <= 0xdf) need = 1;
    else if (c === 0xe0) [need, lo] = [2, 0xa0];
    else if (c === 0xed) [need, hi] = [2, 0x9f];
    else if (c >= 0xe1 && c <= 0xef) need = 2;
    else if (c === 0xf0) [need, lo] = [3, 0x90];
    else if (c >= 0xf1 && c <= 0xf3) need = 3;
    else if (c === 0xf4) [need, hi] = [3, 0x8f];
    else return false;
    for (let k = 1; k <= need; k++) {
      const cc = b[i + k];
      if (cc === undefined) return false;
      const [l, h] = k === 1 ? [lo, hi] : [0x80, 0xbf];
      if (cc < l || cc > h) return false;
    }
    i += need + 1;
  }
  return true;
}

/**
 * What a correct decoder must produce for a whole stream, by the documented rules: lines end at
 * "\n", one "\r" before it is dropped, empty lines are skipped, a line over `max` bytes is
 * FRAME_TOO_LARGE, invalid UTF-8 is BAD_ENCODING, nothing is produced after the first error.
 * An unfinished last line longer than max + 1 bytes (it cannot become valid, even if a "\r\n"
 * follows) is refused as it streams in.
 */
function reference(input: Uint8Array, max: number): { lines: string[]; error: ErrorCode | null } {
  const lines: string[] = [];
  let start = 0;
  for (;;) {
    const nl = input.indexOf(0x0a, start);
    if (nl === -1) {
      return { lines, error: input.length - start > max + 1 ? 'FRAME_TOO_LARGE' : null };
    }
    let line = input.subarray(start, nl);
    start = nl + 1;
    if (line.length > 0 && line[line.length - 1] === 0x0d) line = line.subarray(0, line.length - 1);
    if (line.length > max) return { lines, error: 'FRAME_TOO_LARGE' };
    if (line.length === 0) continue;
    if (!isValidUtf8(line)) return { lines, error: 'BAD_ENCODING' };
    lines.push(Buffer.from(line).toString('utf8'));
  }
}

/** Any Unicode scalar value (no lone surrogates), as a one-code-point string. */
const anyCodePoint = fc
  .integer({ min: 0, max: 0x10ffff })
  .filter((c) => c < 0xd800 || c > 0xdfff)
  .map((c) => String.fromCodePoint(c));

// Invalid UTF-8 a decoder must refuse, each with a name for failure messages.
const INVALID_UTF8: [string, number[]][] = [
  ['0xFF', [0xff]],
  ['0xFE', [0xfe]],
  ['lone continuation byte', [0x80]],
  ['overlong NUL (C0 80)', [0xc0, 0x80]],
  ['overlong "/" (C0 AF)', [0xc0, 0xaf]],
  ['overlong 2-byte (C1 BF)', [0xc1, 0xbf]],
  ['overlong 3-byte NUL (E0 80 80)', [0xe0, 0x80, 0x80]],
  ['overlong 3-byte (E0 9F BF)', [0xe0, 0x9f, 0xbf]],
  ['overlong 4-byte (F0 8F BF BF)', [0xf0, 0x8f, 0xbf, 0xbf]],
  ['CESU-8 high surrogate U+D800 (ED A0 80)', [0xed, 0xa0, 0x80]],
  ['CESU-8 low surrogate U+DC00 (ED B0 80)', [0xed, 0xb0, 0x80]],
  ['CESU-8 surrogate pair for U+1F600', [0xed, 0xa0, 0xbd, 0xed, 0xb8, 0x80]],
  ['above U+10FFFF (F4 90 80 80)', [0xf4, 0x90, 0x80, 0x80]],
  ['5-byte form (F8 88 80 80 80)', [0xf8, 0x88, 0x80, 0x80, 0x80]],
  ['truncated 3-byte sequence', [0xe4, 0xb8]],
  ['truncated 4-byte sequence', [0xf0, 0x9f, 0x98]],
  ['lead byte followed by ASCII', [0xe4, 0x41, 0x42]],
];

// ---------------------------------------------------------------------------------------------
// LineDecoder
// ---------------------------------------------------------------------------------------------

describe('LineDecoder', () => {
  it('the reference UTF-8 validator agrees with known cases (sanity check of the oracle)', () => {
    for (const [name, b] of INVALID_UTF8) assert.equal(isValidUtf8(Uint8Array.from(b)), false, name);
    for (const s of ['', 'a', 'é', '中文', '😀', '\u{10FFFF}', '\u{FFFD}', '\uFEFF', '\u0000', 'mixed ü 中 😀 x']) {
      assert.equal(isValidUtf8(utf8(s)), true, JSON.stringify(s));
    }
  });

  it('fed one byte at a time, reports the right lines and buffered count after every byte', () => {
    const text = 'hello\nwörld 中文 😀\r\n\n\r\nx\r\ny\rz\nlast line without newline';
    const input = utf8(text);
    const { decoder: d, lines, errors } = decoder();
    for (let i = 0; i < input.length; i++) {
      d.write(input.subarray(i, i + 1));
      // Expected state after byte i, computed from the text itself.
      const seen = input.subarray(0, i + 1);
      const lastNl = seen.lastIndexOf(0x0a);
      const expectedLines = reference(seen.subarray(0, lastNl + 1), MAX_LINE_BYTES).lines;
      assert.deepEqual(lines, expectedLines, `lines after byte ${i}`);
      assert.equal(d.buffered, i - lastNl, `buffered after byte ${i}`);
      assert.equal(d.failed, false);
    }
    assert.deepEqual(lines, ['hello', 'wörld 中文 😀', 'x', 'y\rz']);
    assert.deepEqual(errors, []);
    assert.equal(d.buffered, utf8('last line without newline').length);
  });

  it('gives the same lines however a stream is cut into two or three chunks', () => {
    const text = 'ab\n中文\r\n\n😀x\r\r\nlast\n';
    const input = utf8(text);
    const expected = ['ab', '中文', '😀x\r', 'last'];
    for (let i = 0; i <= input.length; i++) {
      for (let j = i; j <= input.length; j++) {
        const { decoder: d, lines, errors } = decoder();
        feedCut(d, input, [i, j]);
        assert.deepEqual(lines, expected, `cut at ${i}, ${j}`);
        assert.deepEqual(errors, []);
        assert.equal(d.buffered, 0);
      }
    }
  });

  it('emits several lines from one chunk, in order, synchronously', () => {
    const { decoder: d, lines } = decoder();
    d.write(utf8('one\ntwo\nthree\nfour'));
    assert.deepEqual(lines, ['one', 'two', 'three']);
    assert.equal(d.buffered, 4);
    d.write(utf8('\n'));
    assert.deepEqual(lines, ['one', 'two', 'three', 'four']);
    assert.equal(d.buffered, 0);
  });

  it('drops exactly one "\\r" before "\\n", and keeps a "\\r" elsewhere', () => {
    const { decoder: d, lines, errors } = decoder();
    d.write(utf8('crlf\r\nlf\ninner\rcr\n\rlead\ndouble\r\r\n'));
    assert.deepEqual(lines, ['crlf', 'lf', 'inner\rcr', '\rlead', 'double\r']);
    assert.deepEqual(errors, []);
  });

  it('handles "\\r" and "\\n" arriving in separate chunks', () => {
    const { decoder: d, lines } = decoder();
    d.write(utf8('abc\r'));
    assert.deepEqual(lines, []);
    assert.equal(d.buffered, 4);
    d.write(utf8('\n'));
    assert.deepEqual(lines, ['abc']);
    assert.equal(d.buffered, 0);
  });

  it('skips empty lines, "\\r\\n" alone included', () => {
    const { decoder: d, lines, errors } = decoder();
    d.write(utf8('\n\n\r\n\n'));
    d.write(utf8('\r'));
    d.write(utf8('\n'));
    assert.deepEqual(lines, []);
    assert.deepEqual(errors, []);
    assert.equal(d.buffered, 0);
    d.write(utf8('\nx\n\n'));
    assert.deepEqual(lines, ['x']);
  });

  it('reassembles multi-byte characters split at every byte inside them', () => {
    for (const ch of ['é', '中', '文', '😀', '👩‍👩‍👧', '\u{10FFFF}']) {
      const input = utf8(`<${ch}>\n`);
      for (let cut = 1; cut < input.length - 1; cut++) {
        const { decoder: d, lines, errors } = decoder();
        d.write(input.slice(0, cut));
        assert.deepEqual(lines, [], `nothing before the newline (${ch}, cut ${cut})`);
        assert.equal(d.buffered, cut);
        d.write(input.slice(cut));
        assert.deepEqual(lines, [`<${ch}>`], `${ch} cut at ${cut}`);
        assert.deepEqual(errors, []);
      }
    }
  });

  it('decodes a line where every byte of a long multi-byte text comes separately', () => {
    const text = '中文 emoji 😀🎉 and Ελληνικά';
    const input = utf8(text + '\r\n');
    const { decoder: d, lines, errors } = decoder();
    for (const b of input) d.write(Uint8Array.of(b));
    assert.deepEqual(lines, [text]);
    assert.deepEqual(errors, []);
  });

  it('accepts a line of exactly MAX_LINE_BYTES, in one chunk and streamed, with "\\n" or "\\r\\n"', () => {
    const line = 'a'.repeat(MAX_LINE_BYTES);
    for (const ending of ['\n', '\r\n']) {
      for (const chunk of [Infinity, 1000, 4096, 1]) {
        const { decoder: d, lines, errors } = decoder();
        const input = utf8(line + ending + 'next\n');
        if (chunk === Infinity) d.write(input);
        else for (let i = 0; i < input.length; i += chunk) d.write(input.slice(i, i + chunk));
        assert.deepEqual(errors, [], `ending ${JSON.stringify(ending)}, chunk ${chunk}`);
        assert.equal(lines.length, 2);
        assert.equal(lines[0]!.length, MAX_LINE_BYTES);
        assert.equal(lines[1], 'next');
      }
    }
  });

  it('counts the limit in bytes, not characters', () => {
    // 21845 three-byte characters + 1 byte = 65536 bytes: accepted.
    const exact = '中'.repeat((MAX_LINE_BYTES - 1) / 3) + 'a';
    assert.equal(utf8(exact).length, MAX_LINE_BYTES);
    const ok = decoder();
    ok.decoder.write(utf8(exact + '\n'));
    assert.deepEqual(ok.errors, []);
    assert.equal(ok.lines[0], exact);
    // One more two-byte character: 65538 bytes, only 21847 characters.
    const over = exact + 'é';
    const bad = decoder();
    bad.decoder.write(utf8(over + '\n'));
    assert.deepEqual(bad.lines, []);
    assert.deepEqual(bad.errors.map((e) => e.code), ['FRAME_TOO_LARGE']);
  });

  it('refuses a line one byte over the limit with FRAME_TOO_LARGE, once, and nothing after', () => {
    for (const ending of ['\n', '\r\n']) {
      for (const chunk of [Infinity, 1000, 1]) {
        const { decoder: d, lines, errors } = decoder();
        const input = utf8('before\n' + 'b'.repeat(MAX_LINE_BYTES + 1) + ending + 'after\n');
        if (chunk === Infinity) d.write(input);
        else for (let i = 0; i < input.length; i += chunk) d.write(input.slice(i, i + chunk));
        d.write(utf8('later\n'));
        const what = `ending ${JSON.stringify(ending)}, chunk ${chunk}`;
        assert.deepEqual(lines, ['before'], what);
        assert.equal(errors.length, 1, what);
        assert.equal(errors[0]!.code, 'FRAME_TOO_LARGE');
        assert.match(errors[0]!.message, new RegExp(String(MAX_LINE_BYTES)));
        assert.equal(d.failed, true);
        assert.equal(d.buffered, 0, 'the refused line is not kept');
      }
    }
  });

  it('keeps memory bounded while a huge line streams in: buffered never exceeds limit + 1', () => {
    const chunk = new Uint8Array(1000).fill(0x61);
    const { decoder: d, lines, errors } = decoder();
    let written = 0;
    let maxBuffered = 0;
    // 1 MiB with no newline, 1000 bytes at a time.
    while (written < 1024 * 1024) {
      d.write(chunk);
      written += chunk.length;
      maxBuffered = Math.max(maxBuffered, d.buffered);
      assert.ok(d.buffered <= MAX_LINE_BYTES + 1, `buffered ${d.buffered} after ${written} bytes`);
      if (written <= MAX_LINE_BYTES + 1) assert.deepEqual(errors, [], `no error yet after ${written} bytes`);
      else assert.equal(errors.length, 1, `refused as soon as the line cannot fit (after ${written} bytes)`);
    }
    assert.deepEqual(lines, []);
    assert.deepEqual(errors.map((e) => e.code), ['FRAME_TOO_LARGE']);
    assert.ok(maxBuffered >= MAX_LINE_BYTES - 1000, 'it did buffer up to the limit');
    assert.equal(d.buffered, 0);
  });

  it('holds limit + 1 bytes (room for a "\\r") byte by byte, and refuses at limit + 2', () => {
    const max = 16;
    const { decoder: d, errors } = decoder(max);
    for (let i = 1; i <= max + 1; i++) {
      d.write(utf8('x'));
      assert.equal(d.buffered, i);
      assert.deepEqual(errors, []);
    }
    d.write(utf8('x'));
    assert.deepEqual(errors.map((e) => e.code), ['FRAME_TOO_LARGE']);
    assert.equal(d.buffered, 0);
  });

  it('a small custom limit behaves the same at its boundary', () => {
    const max = 8;
    const exact = decoder(max);
    exact.decoder.write(utf8('12345678\r\n'));
    assert.deepEqual(exact.lines, ['12345678']);
    const over = decoder(max);
    over.decoder.write(utf8('123456789\n'));
    assert.deepEqual(over.lines, []);
    assert.deepEqual(over.errors.map((e) => e.code), ['FRAME_TOO_LARGE']);
  });

  for (const [name, bad] of INVALID_UTF8) {
    it(`refuses invalid UTF-8 (${name}) with BAD_ENCODING once, and nothing after`, () => {
      const input = bytes('good\n', 'x', bad, 'y\n', 'after\n');
      for (let cut = 0; cut <= input.length; cut++) {
        const { decoder: d, lines, errors } = decoder();
        feedCut(d, input, [cut]);
        d.write(utf8('later\n'));
        d.write(bytes(bad, '\n'));
        assert.deepEqual(lines, ['good'], `cut at ${cut}`);
        assert.deepEqual(errors.map((e) => e.code), ['BAD_ENCODING'], `cut at ${cut}`);
        assert.equal(d.failed, true);
      }
    });
  }

  it('refuses an invalid line even when it is alone in its chunk, with "\\r\\n"', () => {
    const { decoder: d, lines, errors } = decoder();
    d.write(Uint8Array.of(0xc0, 0x80, 0x0d, 0x0a));
    assert.deepEqual(lines, []);
    assert.deepEqual(errors.map((e) => e.code), ['BAD_ENCODING']);
  });

  it('stop() ends all output, also when called from inside onLine', () => {
    const lines: string[] = [];
    const d: LineDecoder = new LineDecoder(
      (line) => {
        lines.push(line);
        if (line === 'stop') d.stop();
      },
      () => assert.fail('no error expected'),
    );
    d.write(utf8('a\nstop\nb\nc\n'));
    d.write(utf8('d\n'));
    assert.deepEqual(lines, ['a', 'stop']);
    assert.equal(d.failed, true);
  });

  it('property: any list of valid lines, encoded and cut into random chunks, decodes to exactly those lines', () => {
    // A valid line: non-empty, no "\n", not ending in "\r" (that one would be taken for a CRLF).
    const line = fc
      .string({ unit: fc.oneof(fc.constantFrom('\r', '\t', ' ', '"', '{', '}', 'é', '中', '😀'), anyCodePoint), minLength: 1, maxLength: 40 })
      .map((s) => s.replaceAll('\n', ''))
      .filter((s) => s.length > 0 && !s.endsWith('\r'));
    const item = fc.record({ line, crlf: fc.boolean(), blanksAfter: fc.nat({ max: 2 }) });
    fc.assert(
      fc.property(fc.array(item, { maxLength: 30 }), fc.array(fc.nat(), { maxLength: 20 }), (items, rawCuts) => {
        const text = items.map((i) => i.line + (i.crlf ? '\r\n' : '\n') + '\n'.repeat(i.blanksAfter)).join('');
        const input = utf8(text);
        const cuts = rawCuts.map((c) => (input.length === 0 ? 0 : c % (input.length + 1)));
        const { decoder: d, lines, errors } = decoder();
        feedCut(d, input, cuts);
        assert.deepEqual(errors, []);
        assert.deepEqual(lines, items.map((i) => i.line));
        assert.equal(d.buffered, 0);
      }),
      { numRuns: 300 },
    );
  });

  it('property: any byte stream, cut anywhere, gives what the reference rules say (lines and error)', () => {
    const max = 12;
    // Bytes biased towards what matters: newlines, CRs, ASCII, UTF-8 lead and continuation bytes.
    const byte = fc.oneof(
      { weight: 3, arbitrary: fc.constantFrom(0x0a, 0x0d, 0x61, 0x7b) },
      { weight: 2, arbitrary: fc.integer({ min: 0x20, max: 0x7e }) },
      { weight: 2, arbitrary: fc.constantFrom(0xc3, 0xa9, 0xe4, 0xb8, 0xad, 0xf0, 0x9f, 0x98, 0x80, 0xed, 0xa0, 0xc0, 0xff) },
      { weight: 1, arbitrary: fc.integer({ min: 0, max: 255 }) },
    );
    const validText = fc.string({ unit: fc.constantFrom('a', 'é', '中', '😀', '\r', '\n', '\n'), maxLength: 20 }).map((s) => Array.from(utf8(s)));
    const stream = fc.array(fc.oneof(fc.array(byte, { maxLength: 8 }), validText), { maxLength: 12 }).map((parts) => Uint8Array.from(parts.flat()));
    fc.assert(
      fc.property(stream, fc.array(fc.nat(), { maxLength: 10 }), (input, rawCuts) => {
        const want = reference(input, max);
        const { decoder: d, lines, errors } = decoder(max);
        feedCut(d, input, rawCuts.map((c) => c % (input.length + 1)));
        assert.deepEqual(lines, want.lines);
        assert.deepEqual(errors.map((e) => e.code), want.error ? [want.error] : []);
        assert.equal(d.failed, want.error !== null);
        assert.ok(d.buffered <= max + 1);
      }),
      { numRuns: 300 },
    );
  });
});

// ---------------------------------------------------------------------------------------------
// codec: parseRequest
// ---------------------------------------------------------------------------------------------

function refused(result: ParseResult, id: number | string | undefined, what: string): string {
  assert.equal(result.ok, false, `${what}: expected a refusal`);
  if (result.ok) throw new Error('unreachable');
  assert.equal(result.error.code, 'BAD_REQUEST', what);
  assert.equal(result.id, id, `${what}: id`);
  assert.ok(result.error.message.length > 0);
  return result.error.message;
}

describe('parseRequest', () => {
  it('refuses malformed JSON with BAD_REQUEST and no id', () => {
    for (const text of ['{', '{"id":1,"op":"ping"', "{'id':1,'op':'ping'}", '{"id":1,"op":"ping"}x', 'nul', '', ' ', '{"id":1,}', '\u0000', '{"id":1 "op":"ping"}']) {
      assert.match(refused(parseRequest(text), undefined, JSON.stringify(text)), /malformed JSON/);
    }
  });

  it('refuses JSON that is not an object', () => {
    for (const text of ['1', '"ping"', 'null', 'true', '[]', '[{"id":1,"op":"ping"}]', '1e400']) {
      assert.match(refused(parseRequest(text), undefined, text), /object/);
    }
  });

  it('refuses an id that is not an integer or a 1-64 character string, without echoing it', () => {
    const bad: unknown[] = [1.5, -0.25, 2 ** 53, -(2 ** 53), 1e300, null, true, false, {}, [], [1], '', 'x'.repeat(65), '😀'.repeat(33)];
    for (const id of bad) {
      const text = JSON.stringify({ id, op: 'ping' });
      assert.match(refused(parseRequest(text), undefined, text), /"id"/);
    }
  });

  it('accepts and echoes every valid kind of id', () => {
    for (const id of [0, 1, -7, Number.MAX_SAFE_INTEGER, -Number.MAX_SAFE_INTEGER, 'a', 'x'.repeat(64), '😀'.repeat(32), '中文', ' ']) {
      const r = parseRequest(JSON.stringify({ id, op: 'ping' }));
      assert.ok(r.ok, JSON.stringify(id));
      assert.equal(r.request.id, id);
      assert.equal(r.request.op, 'ping');
      assert.deepEqual(r.request.body, {});
    }
    const none = parseRequest('{"op":"ping"}');
    assert.ok(none.ok);
    assert.equal(none.request.id, undefined);
  });

  it('refuses a missing or unknown op, echoing a valid id', () => {
    for (const [op, id] of [[undefined, 1], ['nope', 2], ['PING', 'a'], ['toString', 3], ['__proto__', 4], ['constructor', 5], ['hasOwnProperty', 6], [1, 7], [null, 8], [['ping'], 9], [{}, 10], ['', 11], [' ping', 12]] as const) {
      const text = op === undefined ? JSON.stringify({ id }) : JSON.stringify({ id, op });
      assert.match(refused(parseRequest(text), id, text), /op/);
    }
  });

  it('refuses missing and mistyped fields, echoing the id', () => {
    const cases: Record<string, unknown>[] = [
      { op: 'register', user: 'bob' },
      { op: 'register', password: 'x' },
      { op: 'register', user: 1, password: 'correct-horse-1' },
      { op: 'register', user: '', password: 'correct-horse-1' },
      { op: 'register', user: 'bob', password: null },
      { op: 'login', user: 'bob' },
      { op: 'login', token: '' },
      { op: 'login', token: 5 },
      { op: 'login', user: 'bob', password: 'correct-horse-1', token: 't' },
      { op: 'login' },
      { op: 'send', to: '#lobby' },
      { op: 'send', text: 'hi' },
      { op: 'send', to: '', text: 'hi' },
      { op: 'send', to: '#lobby', text: 5 },
      { op: 'send', to: '#lobby', text: 'hi', sticker: 'wave' },
      { op: 'send', to: '#lobby', text: 'hi', file: { id: 'f' } },
      { op: 'send', to: '#lobby', file: { id: 7 } },
      { op: 'send', to: '#lobby', file: 'f' },
      { op: 'send', to: '#lobby', text: 'hi', cid: '' },
      { op: 'send', to: '#lobby', text: 'hi', cid: 'c'.repeat(65) },
      { op: 'send', to: ['#lobby'], text: 'hi' },
      { op: 'history' },
      { op: 'history', conv: '#lobby', limit: 0 },
      { op: 'history', conv: '#lobby', limit: 1.5 },
      { op: 'history', conv: '#lobby', limit: '5' },
      { op: 'history', conv: '#lobby', before: -1 },
      { op: 'history', conv: '#lobby', after: 2 ** 60 },
      { op: 'typing' },
      { op: 'typing', to: 3 },
      { op: 'hello', client: 'c'.repeat(201) },
      { op: 'mute' },
      { op: 'mute', user: 'bob', minutes: 0 },
      { op: 'mute', user: 'bob', minutes: -5 },
      { op: 'mute', user: 'bob', minutes: '10' },
      { op: 'mute', user: 'bob', reason: 'r'.repeat(1001) },
      { op: 'kick', user: null },
      { op: 'notice', text: '' },
      { op: 'notice' },
    ];
    let n = 100;
    for (const c of cases) {
      const id = ++n % 2 === 0 ? n : `s${n}`;
      const text = JSON.stringify({ id, ...c });
      assert.match(refused(parseRequest(text), id, text), new RegExp(`^${String(c.op)}: `));
    }
  });

  it('refuses unknown extra fields, echoing the id', () => {
    const cases: Record<string, unknown>[] = [
      { op: 'ping', x: 1 },
      { op: 'ping', extra: null },
      { op: 'hello', client: 'c', version: 2 },
      { op: 'who', all: true },
      { op: 'send', to: '#lobby', text: 'hi', html: '<b>' },
      { op: 'send', to: '#lobby', file: { id: 'f', name: 'x' } },
      { op: 'login', token: 't', remember: true },
      { op: 'login', user: 'bob', password: 'correct-horse-1', admin: true },
      { op: 'history', conv: '#lobby', reverse: true },
      { op: 'ping', re: 1 },
      { op: 'ping', ev: 'msg' },
    ];
    for (const [i, c] of cases.entries()) {
      const text = JSON.stringify({ id: i, ...c });
      refused(parseRequest(text), i, text);
    }
    // Keys JSON can carry but a JavaScript object literal could not: still unknown fields.
    for (const key of ['__proto__', 'constructor', 'prototype', 'toString']) {
      const text = `{"id":"k","op":"ping","${key}":{"polluted":true}}`;
      refused(parseRequest(text), 'k', text);
      assert.equal(({} as Record<string, unknown>).polluted, undefined, 'no prototype pollution');
    }
  });

  it('parses well-formed requests into op and body, without id and op in the body', () => {
    const cases: [Record<string, unknown>, Record<string, unknown>][] = [
      [{ id: 1, op: 'hello', client: 'cli' }, { client: 'cli' }],
      [{ id: 2, op: 'register', user: 'bob', password: 'pw' }, { user: 'bob', password: 'pw' }],
      [{ id: 3, op: 'login', token: 'tok' }, { token: 'tok' }],
      [{ id: 4, op: 'send', to: '#lobby', text: 'hi 中文 😀', cid: 'c1' }, { to: '#lobby', text: 'hi 中文 😀', cid: 'c1' }],
      [{ id: 5, op: 'send', to: '@bob', file: { id: 'f' } }, { to: '@bob', file: { id: 'f' } }],
      [{ id: 6, op: 'history', conv: '#lobby', before: 10, after: 2, limit: 500 }, { conv: '#lobby', before: 10, after: 2, limit: 500 }],
      [{ op: 'typing', to: '#lobby' }, { to: '#lobby' }],
      [{ id: 'm', op: 'mute', user: 'bob', minutes: 0.5, reason: 'spam' }, { user: 'bob', minutes: 0.5, reason: 'spam' }],
    ];
    for (const [req, body] of cases) {
      const r = parseRequest(JSON.stringify(req));
      assert.ok(r.ok, JSON.stringify(req) + (r.ok ? '' : `: ${r.error.message}`));
      assert.equal(r.request.id, req.id);
      assert.equal(r.request.op, req.op);
      assert.deepEqual(r.request.body, body);
    }
  });

  it('tolerates whitespace around the JSON and any key order', () => {
    const r = parseRequest(' \t{ "op" : "ping" , "id" : 9 } ');
    assert.ok(r.ok);
    assert.equal(r.request.id, 9);
  });

  // A request line may be up to 64 KiB: room for ~32000 levels of nesting. Every part of
  // parseRequest must cope with that without throwing (the server calls it on raw input).
  const deep = (depth: number): string => '['.repeat(depth) + ']'.repeat(depth);
  for (const [where, make] of [
    ['the whole request', (d: string) => d],
    ['id', (d: string) => `{"id":${d},"op":"ping"}`],
    ['an unknown field', (d: string) => `{"id":1,"op":"ping","x":${d}}`],
    ['a known field', (d: string) => `{"id":1,"op":"hello","client":${d}}`],
    ['a nested field', (d: string) => `{"id":1,"op":"send","to":"#lobby","file":{"id":${d}}}`],
    ['op', (d: string) => `{"id":1,"op":${d}}`],
  ] as const) {
    it(`does not throw on deeply nested JSON in ${where} (a 64 KiB line can nest ~32000 deep)`, () => {
      const text = make(deep(20_000));
      assert.ok(Buffer.byteLength(text) <= MAX_LINE_BYTES);
      let result: ParseResult;
      try {
        result = parseRequest(text);
      } catch (err) {
        return assert.fail(`parseRequest threw ${String(err)}; it must never throw`);
      }
      assert.equal(result.ok, false);
      if (!result.ok) assert.equal(result.error.code, 'BAD_REQUEST');
    });
  }

  it('property: never throws, and any refusal is BAD_REQUEST with a valid id echoed', () => {
    const field = fc.constantFrom('id', 'op', 'user', 'password', 'token', 'to', 'text', 'sticker', 'file', 'cid', 'conv', 'before', 'after', 'limit', 'minutes', 'reason', 'client', 'x');
    const value = fc.oneof(fc.jsonValue({ maxDepth: 3 }), fc.constantFrom(...OPS), fc.integer(), fc.string({ maxLength: 70 }));
    const objectText = fc.dictionary(field, value, { maxKeys: 6 }).map((o) => JSON.stringify(o));
    const text = fc.oneof(fc.string({ unit: 'binary' }), fc.json(), objectText);
    fc.assert(
      fc.property(text, (t) => {
        const r = parseRequest(t);
        let parsed: unknown;
        try {
          parsed = JSON.parse(t);
        } catch {
          parsed = undefined;
        }
        const obj = typeof parsed === 'object' && parsed !== null && !Array.isArray(parsed) ? (parsed as Record<string, unknown>) : null;
        const rawId = obj?.id;
        const validId = (typeof rawId === 'number' && Number.isSafeInteger(rawId)) || (typeof rawId === 'string' && rawId.length >= 1 && rawId.length <= 64);
        if (r.ok) {
          assert.ok(obj, 'only objects are requests');
          assert.ok(obj.id === undefined || validId);
          assert.equal(r.request.id, obj.id);
          assert.equal(r.request.op, obj.op);
          assert.ok(!('id' in r.request.body) && !('op' in r.request.body));
        } else {
          assert.equal(r.error.code, 'BAD_REQUEST');
          assert.equal(r.id, validId ? rawId : undefined);
        }
      }),
      { numRuns: 300 },
    );
  });
});

// ---------------------------------------------------------------------------------------------
// codec: encoders
// ---------------------------------------------------------------------------------------------

describe('encoders', () => {
  it('encodeLine gives one JSON line: a single trailing "\\n", none inside', () => {
    const line = encodeLine({ text: 'multi\nline\r\ntext \u2028\u2029', n: 1 });
    assert.ok(line.endsWith('\n'));
    assert.equal(line.indexOf('\n'), line.length - 1);
    assert.ok(!line.includes('\r'));
    assert.deepEqual(JSON.parse(line), { text: 'multi\nline\r\ntext \u2028\u2029', n: 1 });
  });

  it('encodeEvent puts "ev" first, with the body fields', () => {
    const line = encodeEvent('msg', { conv: '#lobby', seq: 3, ts: 10, from: 'bob', text: 'hi' });
    assert.equal(line, '{"ev":"msg","conv":"#lobby","seq":3,"ts":10,"from":"bob","text":"hi"}\n');
    assert.equal(encodeEvent('ping', {}), '{"ev":"ping"}\n');
  });

  it('encodeOk and encodeError answer with "re", or an error event when there is no id', () => {
    assert.equal(encodeOk(5, { user: 'bob' }), '{"re":5,"ok":true,"user":"bob"}\n');
    assert.equal(encodeOk('abc', {}), '{"re":"abc","ok":true}\n');
    const error = { code: 'BAD_REQUEST' as const, message: 'nope' };
    assert.equal(encodeError(7, error), '{"re":7,"ok":false,"error":{"code":"BAD_REQUEST","message":"nope"}}\n');
    assert.equal(encodeError('x', { code: 'RATE_LIMITED', message: 'slow', retry_after: 1.5 }), '{"re":"x","ok":false,"error":{"code":"RATE_LIMITED","message":"slow","retry_after":1.5}}\n');
    assert.equal(encodeError(undefined, error), '{"ev":"error","error":{"code":"BAD_REQUEST","message":"nope"}}\n');
    assert.equal(encodeError(0, error), '{"re":0,"ok":false,"error":{"code":"BAD_REQUEST","message":"nope"}}\n', 'id 0 is an id');
  });

  it('property: what the encoders write, LineDecoder reads back unchanged, lone surrogates included', () => {
    // Strings with any UTF-16 code unit, lone surrogates too: JSON.stringify escapes those, so
    // what goes on the wire is always valid UTF-8.
    const anyString = fc.string({ unit: fc.oneof(anyCodePoint, fc.integer({ min: 0xd800, max: 0xdfff }).map((c) => String.fromCharCode(c))), maxLength: 30 });
    const value = fc.letrec<{ v: unknown }>((tie) => ({
      v: fc.oneof({ depthSize: 'small' }, anyString, fc.integer(), fc.boolean(), fc.constant(null), fc.array(tie('v'), { maxLength: 3 }), fc.dictionary(anyString, tie('v'), { maxKeys: 3 })),
    })).v;
    const body = fc.dictionary(anyString.filter((k) => k !== 're' && k !== 'ok' && k !== 'ev' && k !== 'error'), value, { maxKeys: 5 });
    const id = fc.oneof(fc.integer(), fc.string({ minLength: 1, maxLength: 64 }));
    const code = fc.constantFrom(...ERROR_CODES);
    fc.assert(
      fc.property(body, id, code, anyString, fc.array(fc.nat(), { maxLength: 5 }), (b, re, c, message, cuts) => {
        const wire = [encodeLine(b), encodeOk(re, b), encodeError(re, { code: c, message }), encodeError(undefined, { code: c, message }), encodeEvent('notice', { text: message, ts: 1 })];
        const input = utf8(wire.join(''));
        const { decoder: d, lines, errors } = decoder();
        feedCut(d, input, cuts.map((x) => x % (input.length + 1)));
        assert.deepEqual(errors, []);
        assert.equal(lines.length, wire.length);
        const decoded = lines.map((l) => JSON.parse(l) as Record<string, unknown>);
        assert.deepEqual(decoded, wire.map((w) => JSON.parse(w) as unknown));
        assert.deepEqual(decoded[0], JSON.parse(JSON.stringify(b)));
        assert.equal(decoded[1]!.re, re);
        assert.equal(decoded[1]!.ok, true);
        assert.deepEqual(decoded[2], { re, ok: false, error: { code: c, message } });
        assert.deepEqual(decoded[3], { ev: 'error', error: { code: c, message } });
      }),
      { numRuns: 200 },
    );
  });
});

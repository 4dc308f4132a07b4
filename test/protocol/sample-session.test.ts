import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { after, before, describe, it } from 'node:test';
import { RawSocket } from '../helpers/raw-socket.js';
import { startTestServer, type TestServer } from '../helpers/server.js';
import { scenarioPause } from '../helpers/wait.js';

/**
 * docs/protocol.md §9 is the contract's worked example: this replays it line by line against a
 * fresh server. Values that differ from run to run (times, tokens, the HTTP port) are matched
 * consistently instead: one value in the document stands for one value on the wire everywhere
 * it appears, so a reply's `ts` must still equal its `msg` event's, and step 9 logs in with the
 * token step 2 really got.
 */
const DOC = new URL('../../../docs/protocol.md', import.meta.url);
const VOLATILE = new Set(['ts', 'since', 'last_ts', 'edited_ts', 'token', 'http_port']);
/**
 * BANTER_WRITE_SAMPLE=1: writes what this run sent and received back into §9 (one recording, so
 * its times and tokens agree with each other), keeping the document's HTTP port.
 */
const REWRITE = process.env.BANTER_WRITE_SAMPLE === '1';

type Step = { conn: string; kind: 'send' | 'expect'; json: string } | { conn: string; kind: 'close' };

function sampleSession(): Step[] {
  const text = readFileSync(DOC, 'utf8');
  const section = text.slice(text.indexOf('## 9. Sample session'), text.indexOf('## 10. '));
  const steps: Step[] = [];
  for (const block of section.split('```').filter((_, i) => i % 2 === 1)) {
    for (const line of block.split('\n')) {
      const m = /^([A-Z]) ([<>]) (.*)$/.exec(line);
      if (m) steps.push({ conn: m[1]!, kind: m[2] === '>' ? 'send' : 'expect', json: m[3]! });
      else if (/^[A-Z] closes the connection$/.test(line)) steps.push({ conn: line[0]!, kind: 'close' });
      else assert.equal(line.trim(), '', `a line of §9 this test cannot read: ${line}`);
    }
  }
  return steps;
}

describe('the sample session of docs/protocol.md §9', () => {
  let server: TestServer;
  before(async () => {
    server = await startTestServer();
  });
  after(() => server.dispose());

  it('replays line for line on a fresh server', { timeout: 60_000 }, async () => {
    const steps = sampleSession();
    assert.ok(steps.length > 60, `the session has its ${steps.length} lines`);
    const conns = new Map<string, { socket: RawSocket; read: number }>();
    const docToWire = new Map<string, unknown>();
    const open = async (name: string) => {
      let c = conns.get(name);
      if (!c) conns.set(name, (c = { socket: await RawSocket.open(server.tcpPort), read: 0 }));
      return c;
    };
    // Volatile values: the document's stands for the wire's, the same one every time.
    const wireToDoc = new Map<string, string>();
    const matchVolatile = (wire: unknown, doc: unknown, where: string): unknown => {
      const key = JSON.stringify(doc);
      const seen = JSON.stringify(wire);
      if (!docToWire.has(key) && !wireToDoc.has(seen)) {
        docToWire.set(key, wire);
        wireToDoc.set(seen, key);
      }
      // Both ways: the same value in the document is the same on the wire, and different ones differ.
      if (REWRITE) return doc;
      assert.deepEqual(wire, docToWire.get(key), `${where}: ${key} stood for ${JSON.stringify(docToWire.get(key))} before`);
      assert.equal(wireToDoc.get(seen), key, `${where}: the wire's ${seen} was ${wireToDoc.get(seen)} before, not ${key}`);
      return doc;
    };
    /** The wire's value with each volatile field replaced by the document's (once they are matched). */
    const normalise = (wire: unknown, doc: unknown, where: string): unknown => {
      if (Array.isArray(wire)) return wire.map((v, i) => normalise(v, Array.isArray(doc) ? doc[i] : undefined, where));
      if (wire === null || typeof wire !== 'object') return wire;
      const d = (doc ?? {}) as Record<string, unknown>;
      return Object.fromEntries(Object.entries(wire).map(([k, v]) => [k, VOLATILE.has(k) && k in d ? matchVolatile(v, d[k], where) : normalise(v, d[k], where)]));
    };
    const recorded: string[] = [];
    for (const [i, step] of steps.entries()) {
      const where = `§9 line ${i + 1} (${step.conn} ${step.kind === 'send' ? '>' : step.kind === 'expect' ? '<' : 'closes'})`;
      const c = await open(step.conn);
      if (step.kind === 'close') {
        c.socket.destroy();
        recorded.push(`${step.conn} closes the connection`);
        continue;
      }
      if (step.kind === 'send') {
        // What the document sent with its own token (or time) goes out with the real one.
        let line = step.json;
        for (const [doc, wire] of docToWire) if (typeof wire === 'string') line = line.replaceAll(doc, JSON.stringify(wire));
        // A few ms apart, as a person types: two requests in one millisecond would share a time
        // the document shows as two.
        await scenarioPause(3);
        c.socket.write(`${line}\n`);
        recorded.push(`${step.conn} > ${line}`);
        continue;
      }
      await c.socket.waitFor(() => c.socket.lines.length > c.read, 5000).catch(() => assert.fail(`${where}: nothing arrived; expected ${step.json}`));
      const wire = c.socket.lines[c.read++]!;
      const expected = JSON.parse(step.json) as unknown;
      recorded.push(`${step.conn} < ${JSON.stringify(wire, (k, v: unknown) => (k === 'http_port' ? (expected as { http_port?: number }).http_port : v))}`);
      // Key order too: the document shows lines exactly as they are sent.
      assert.equal(JSON.stringify(normalise(wire, expected, where)), JSON.stringify(expected), `${where}`);
    }
    await scenarioPause(200); // the window in which presence may still come (up to 50 ms late, §5.2)
    for (const [name, c] of conns) assert.deepEqual(c.socket.lines.slice(c.read), [], `connection ${name} got nothing the document does not show`);
    for (const c of conns.values()) c.socket.destroy();
    if (REWRITE) rewriteSample(recorded);
  });
});

/** Puts the recorded lines in place of §9's, in order, leaving its prose as it is. */
function rewriteSample(recorded: string[]): void {
  const text = readFileSync(DOC, 'utf8');
  const from = text.indexOf('## 9. Sample session');
  const to = text.indexOf('## 10. ');
  let next = 0;
  const section = text
    .slice(from, to)
    .split('\n')
    .map((line) => (/^[A-Z] ([<>] |closes the connection$)/.test(line) ? recorded[next++]! : line))
    .join('\n');
  assert.equal(next, recorded.length);
  writeFileSync(DOC, text.slice(0, from) + section + text.slice(to));
}

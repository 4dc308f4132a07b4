import assert from 'node:assert/strict';
import { rmSync } from 'node:fs';
import { after, before, describe, it } from 'node:test';
import fc from 'fast-check';
import type { BanterClient } from '../../src/client/index.js';
import { ERROR_CODES, LOBBY, MAX_LINE_BYTES, OPS, STICKER_NAMES, parseRequest, type ChatMessage, type ErrorCode, type Op } from '../../src/protocol/index.js';
import { PASSWORD, newUser, nextEvent, record, uniqueName, waitUntil } from '../helpers/clients.js';
import { RawSocket } from '../helpers/raw-socket.js';
import { spawnServer, startTestServer, tempDir, type TestServer } from '../helpers/server.js';
import { scenarioPause } from '../helpers/wait.js';

// Codes a request may be refused with. Connection-level codes (framing, slow consumer, timeout,
// shutdown) and INTERNAL (a handler crashed) are never a correct answer to a request.
const REQUEST_CODES: readonly ErrorCode[] = ERROR_CODES.filter(
  (c) => !['INTERNAL', 'FRAME_TOO_LARGE', 'BAD_ENCODING', 'SLOW_CONSUMER', 'TIMEOUT', 'SHUTTING_DOWN'].includes(c),
);
// Events a connection may see besides replies and errors while others chat around it.
const BACKGROUND_EVENTS = new Set(['msg', 'presence', 'typing', 'notice', 'ping', 'read', 'update', 'joined', 'left', 'members', 'topic', 'owner', 'room_muted']);

type Line = Record<string, unknown>;

/** Opens a raw connection logged in as a new user. */
async function rawUser(port: number): Promise<{ sock: RawSocket; name: string }> {
  const sock = await RawSocket.open(port);
  const name = uniqueName('raw');
  assert.equal((await sock.request({ id: 'reg', op: 'register', user: name, password: PASSWORD })).ok, true);
  assert.equal((await sock.request({ id: 'login', op: 'login', user: name, password: PASSWORD })).ok, true);
  return { sock, name };
}

/**
 * One user chatting in the lobby while the test does something else: sends a message, waits for
 * its ack, pauses briefly, again. `finish` checks every message was acked quickly and reached the
 * sender and the listener exactly once, in order.
 */
function chatThroughout(sender: BanterClient, senderName: string, listener: BanterClient, tag: string) {
  const seenBySender = record(sender, 'msg');
  const seenByListener = record(listener, 'msg');
  const sent: { text: string; seq: number }[] = [];
  let slowest = 0;
  let stopped = false;
  let failure: unknown = null;
  const loop = (async () => {
    for (let n = 0; !stopped; n++) {
      const text = `${tag} ${n} 中文 😀`;
      const t0 = Date.now();
      try {
        const ack = await sender.request('send', { to: LOBBY, text });
        sent.push({ text, seq: ack.seq });
      } catch (err) {
        failure = err;
        return;
      }
      slowest = Math.max(slowest, Date.now() - t0);
      await scenarioPause(10); // a person chatting, not a flood
    }
  })();
  return {
    async finish(minMessages: number): Promise<void> {
      stopped = true;
      await loop;
      assert.equal(failure, null, `the chatting user's send failed: ${String(failure)}`);
      assert.ok(sent.length >= minMessages, `only ${sent.length} messages were chatted meanwhile`);
      assert.ok(slowest < 3000, `a send took ${slowest} ms to be acknowledged`);
      const mine = (seen: ChatMessage[]) => seen.filter((m) => m.from === senderName && m.text?.startsWith(`${tag} `) && m.text !== `${tag} end`);
      // One more after the rest: a duplicate of any of them would arrive before it.
      const end = await sender.request('send', { to: LOBBY, text: `${tag} end` });
      await waitUntil(() => [seenByListener, seenBySender].every((seen) => seen.some((m) => m.seq === end.seq)), 'the last chat message to arrive');
      for (const [who, seen] of [
        ['listener', seenByListener],
        ['sender', seenBySender],
      ] as const) {
        const got = mine(seen);
        assert.deepEqual(got.map((m) => m.text), sent.map((s) => s.text), `${who} got every chat message once, in order`);
        assert.deepEqual(got.map((m) => m.seq), sent.map((s) => s.seq), `${who} saw the acknowledged seqs`);
        assert.ok(got.every((m) => m.conv === LOBBY));
      }
      for (let i = 1; i < sent.length; i++) assert.ok(sent[i]!.seq > sent[i - 1]!.seq, 'seqs increase');
    },
  };
}

// ---------------------------------------------------------------------------------------------
// Garbage generators
// ---------------------------------------------------------------------------------------------

const FIELDS = ['user', 'password', 'token', 'to', 'text', 'sticker', 'file', 'cid', 'conv', 'before', 'after', 'limit', 'minutes', 'reason', 'client'];

const plausible = fc.constantFrom(
  LOBBY, '#other', '#', '@', '@nobody', '@admin', 'admin', '', ' ', '\t', 'wave', 'x'.repeat(4001), 'é'.repeat(300),
  'correct-horse-1', '😀', '\u0000', '\u202e', '{}', 'null', 0, -1, 1.5, 2 ** 53, 1e308, true, null, [], {}, { id: 'f' }, { id: 7 },
);
const anyValue: fc.Arbitrary<unknown> = fc.oneof(
  { weight: 3, arbitrary: plausible },
  { weight: 2, arbitrary: fc.string() },
  { weight: 1, arbitrary: fc.string({ unit: 'binary', maxLength: 30 }) },
  { weight: 1, arbitrary: fc.integer() },
  { weight: 1, arbitrary: fc.double() },
  { weight: 1, arbitrary: fc.jsonValue({ maxDepth: 2 }) },
);

type IdKind = { kind: 'valid' } | { kind: 'absent' } | { kind: 'invalid'; value: unknown };
const idKind: fc.Arbitrary<IdKind> = fc.oneof(
  { weight: 6, arbitrary: fc.constant({ kind: 'valid' as const }) },
  { weight: 2, arbitrary: fc.constant({ kind: 'absent' as const }) },
  {
    weight: 1,
    arbitrary: fc
      .oneof(fc.double().filter((d) => !Number.isSafeInteger(d)), fc.constantFrom(null, true, '', [], {}, [1], 2 ** 53, 'i'.repeat(65)))
      .map((value) => ({ kind: 'invalid' as const, value })),
  },
);

interface GarbageObject {
  id: IdKind;
  op: unknown;
  fields: Record<string, unknown>;
  unknown: Record<string, unknown>;
}
type Garbage = { text: string } | { object: GarbageObject };

/** A request-like object: an op (mostly a real one), an id of some kind, known and unknown fields. */
function randomObject(ops: readonly Op[]): fc.Arbitrary<GarbageObject> {
  return fc.record({
    id: idKind,
    op: fc.oneof(
      { weight: 8, arbitrary: fc.constantFrom<unknown>(...ops) },
      { weight: 1, arbitrary: fc.string() },
      { weight: 1, arbitrary: fc.jsonValue({ maxDepth: 1 }) },
      { weight: 1, arbitrary: fc.constant(undefined) },
    ),
    fields: fc.dictionary(fc.constantFrom(...FIELDS), anyValue, { maxKeys: 4 }),
    unknown: unknownFields,
  });
}

const unknownFields = fc.oneof(
  { weight: 8, arbitrary: fc.constant({}) },
  { weight: 1, arbitrary: fc.dictionary(fc.string().filter((k) => k !== 'id' && k !== 'op'), fc.jsonValue({ maxDepth: 1 }), { maxKeys: 2 }) },
);

// Values that mostly pass the shape checks, so the requests reach the handlers and their rules.
const nameish = fc.oneof(
  fc.stringMatching(/^[a-z][a-z0-9_.-]{0,12}$/),
  fc.constantFrom('admin', 'nobody', '小明', 'a b', 'x'.repeat(33), '@x', 'ADMIN'),
  fc.string({ minLength: 1, maxLength: 20 }),
);
const roomName = fc.oneof(fc.constantFrom('#fuzz', '#FUZZ', '#lobby', '#', '#a b', '#other'), nameish.map((n) => `#${n}`));
const destination = fc.oneof(fc.constant(LOBBY), fc.constant('#other'), fc.constant('#fuzz'), nameish.map((n) => `@${n}`), fc.string({ minLength: 1, maxLength: 10 }));
const text = fc.oneof(
  fc.string({ unit: 'binary', minLength: 1, maxLength: 40 }),
  fc.constantFrom(' ', '\n\t', 'x'.repeat(4001), '😀'.repeat(4000), '中'.repeat(4001), 'hi'),
);
const seq = fc.oneof(fc.nat({ max: 100 }), fc.constant(Number.MAX_SAFE_INTEGER));
const opt = <T>(a: fc.Arbitrary<T>) => fc.option(a, { nil: undefined });
// Ops added later and not listed here are still fuzzed, by randomObject only.
const SHAPES: Partial<Record<Op, fc.Arbitrary<Record<string, unknown>>>> = {
  hello: fc.record({ client: opt(fc.string({ maxLength: 30 })) }),
  ping: fc.constant({}),
  pong: fc.constant({}),
  register: fc.record({ user: nameish, password: fc.oneof(fc.constant('correct-horse-1'), fc.string({ maxLength: 12 })) }),
  login: fc.oneof(fc.record({ user: nameish, password: fc.string({ maxLength: 12 }) }), fc.record({ token: fc.string({ minLength: 1, maxLength: 40 }) })),
  send: fc
    .record({
      to: destination,
      body: fc.oneof(
        text.map((t) => ({ text: t })),
        fc.oneof(fc.constantFrom(...STICKER_NAMES), fc.string({ maxLength: 10 })).map((sticker) => ({ sticker })),
        fc.string({ minLength: 1, maxLength: 10 }).map((id) => ({ file: { id } })),
      ),
      cid: opt(fc.string({ minLength: 1, maxLength: 8 })),
    })
    .map(({ to, body, cid }) => ({ to, ...body, cid })),
  history: fc.record({ conv: destination, before: opt(seq), after: opt(seq), limit: opt(fc.integer({ min: 1, max: 1000 })) }),
  who: fc.constant({}),
  convs: fc.constant({}),
  typing: fc.record({ to: destination }),
  logout: fc.constant({}),
  mute: fc.record({ user: nameish, minutes: opt(fc.double({ min: 0.01, max: 1e5, noNaN: true })), reason: opt(fc.string({ maxLength: 20 })) }),
  unmute: fc.record({ user: nameish }),
  kick: fc.record({ user: nameish, reason: opt(fc.string({ maxLength: 20 })) }),
  ban: fc.record({ user: nameish, reason: opt(fc.string({ maxLength: 20 })) }),
  unban: fc.record({ user: nameish }),
  notice: fc.record({ text: fc.string({ minLength: 1, maxLength: 20 }) }),
  audit: fc.record({ limit: opt(fc.integer({ min: -1, max: 500 })) }),
  read: fc.record({ conv: destination, seq }),
  edit: fc.record({ conv: destination, seq, text }),
  delete: fc.record({ conv: destination, seq }),
  react: fc.record({ conv: destination, seq, emoji: fc.oneof(fc.constantFrom('👍', '👨‍👩‍👧', '🇫🇷', 'x', '👍👍', ''), fc.string({ maxLength: 4 })) }),
  rooms: fc.constant({}),
  create: fc.record({ room: roomName, topic: opt(text), private: opt(fc.boolean()) }),
  join: fc.record({ room: roomName }),
  leave: fc.record({ room: roomName }),
  invite: fc.record({ room: roomName, user: nameish }),
  remove: fc.record({ room: roomName, user: nameish }),
  topic: fc.record({ room: roomName, topic: text }),
  members: fc.record({ room: roomName }),
  owner: fc.record({ room: roomName, user: nameish }),
  room_mute: fc.record({ room: roomName, user: nameish, minutes: opt(fc.double({ min: 0.01, max: 1e5, noNaN: true })) }),
  room_unmute: fc.record({ room: roomName, user: nameish }),
  file_url: fc.record({ file: fc.oneof(fc.string({ minLength: 1, maxLength: 30 }), fc.constantFrom('../../etc/passwd', '%00', 'x'.repeat(200))) }),
};

/** A request of a real op with mostly well-formed fields, sometimes with one thing broken. */
function plausibleObject(ops: readonly Op[]): fc.Arbitrary<GarbageObject> {
  const shaped = ops.filter((op) => SHAPES[op] !== undefined);
  return fc
    .constantFrom(...shaped)
    .chain((op) =>
      fc.record({
        id: idKind,
        op: fc.constant<unknown>(op),
        fields: SHAPES[op]!.map((f) => Object.fromEntries(Object.entries(f).filter(([, v]) => v !== undefined))),
        breakage: fc.oneof(
          { weight: 8, arbitrary: fc.constant(null) },
          { weight: 1, arbitrary: fc.record({ drop: fc.nat() }) },
          { weight: 1, arbitrary: fc.record({ retype: fc.nat(), value: anyValue }) },
        ),
        unknown: unknownFields,
      }),
    )
    .map(({ breakage, fields, ...rest }) => {
      const keys = Object.keys(fields);
      const out = { ...fields };
      if (breakage && keys.length > 0) {
        const key = keys[('drop' in breakage ? breakage.drop : breakage.retype) % keys.length]!;
        if ('drop' in breakage) delete out[key];
        else out[key] = breakage.value;
      }
      return { ...rest, fields: out };
    });
}

function garbage(ops: readonly Op[]): fc.Arbitrary<Garbage> {
  const noNewline = (s: string) => s.replaceAll('\n', '');
  return fc.oneof(
    { weight: 2, arbitrary: fc.string({ maxLength: 60 }).map((s) => ({ text: noNewline(s) })) },
    { weight: 1, arbitrary: fc.string({ unit: 'binary', maxLength: 60 }).map((s) => ({ text: noNewline(s) })) },
    { weight: 2, arbitrary: fc.json({ maxDepth: 3 }).map((text) => ({ text })) },
    {
      weight: 1,
      arbitrary: fc.constantFrom('{', '}', '[', '{"op":', '{"id":1,"op":"send"', 'null', '""', '{}', '[]', '{"id":null}', '\r', '   ', '{"op":"ping"}}').map((text) => ({ text })),
    },
    { weight: 4, arbitrary: randomObject(ops).map((object) => ({ object })) },
    { weight: 14, arbitrary: plausibleObject(ops).map((object) => ({ object })) },
  );
}

interface FuzzStats {
  runs: number;
  /** How many lines were answered how: refused by the parser, ok, or a reply/event error code. */
  outcomes: Map<string, number>;
}

/**
 * Sends garbage lines on one connection and checks each answer. After every line a `ping` with a
 * fresh id follows; its reply closes the window of output that belongs to the line. What the line
 * must get, judged by how the server sees it (UTF-8 as sent, one trailing "\r" dropped):
 *  - nothing, if it is empty;
 *  - a refusal that parseRequest cannot get past: exactly that BAD_REQUEST, synchronously, as a
 *    reply when the id was valid and as an error event otherwise;
 *  - a request with a valid id: exactly one reply, now or later, ok or refused with a request code;
 *  - a well-formed request without an id: at most one error event, now or later.
 * The connection must stay open, and nothing else may appear.
 */
async function fuzzConnection(sock: RawSocket, ops: readonly Op[], label: string, numRuns: number, timeLimitMs: number): Promise<FuzzStats> {
  const outcomes = new Map<string, number>();
  const count = (what: string) => outcomes.set(what, (outcomes.get(what) ?? 0) + 1);
  let cursor = sock.lines.length;
  let mayStillFail = 0; // well-formed id-less requests that may still answer with one error event
  const due = new Map<string, string>(); // JSON of a valid id -> the line, for replies still due
  let n = 0;
  let runs = 0;

  const account = (window: Line[], expected: Line | null, sent: string): void => {
    let matched = expected === null;
    for (const l of window) {
      if (!matched && expected !== null && isDeepStrictEqual(l, expected)) {
        matched = true;
        count('refused by the parser');
        continue;
      }
      if ('re' in l) {
        const key = JSON.stringify(l.re);
        assert.ok(due.has(key), `reply to an id with no reply due: ${JSON.stringify(l)} (after ${sent})`);
        checkReply(l, due.get(key)!);
        count(l.ok === true ? 'ok' : `reply ${(l.error as { code: string }).code}`);
        due.delete(key);
      } else if (l.ev === 'error') {
        assert.ok(mayStillFail > 0, `error event nothing asked for: ${JSON.stringify(l)} (after ${JSON.stringify(sent)})`);
        mayStillFail--;
        const code = (l.error as { code: ErrorCode }).code;
        assert.ok(REQUEST_CODES.includes(code), `error event ${JSON.stringify(l)} after ${JSON.stringify(sent)}`);
        count(`event ${code}`);
      } else {
        assert.ok(BACKGROUND_EVENTS.has(String(l.ev)), `unexpected line ${JSON.stringify(l)} after ${JSON.stringify(sent)}`);
      }
    }
    assert.ok(matched, `${JSON.stringify(sent)} should get ${JSON.stringify(expected)}; got ${JSON.stringify(window)}`);
  };

  const send = async (g: Garbage): Promise<void> => {
    runs++;
    const i = ++n;
    let text: string;
    if ('text' in g) text = g.text;
    else {
      const { id, op, fields, unknown } = g.object;
      const obj: Record<string, unknown> = { ...unknown, ...fields };
      if (op !== undefined) obj.op = op;
      if (id.kind === 'valid') obj.id = i % 2 === 0 ? 1_000_000 + i : `${label}-${i}`;
      else if (id.kind === 'invalid') obj.id = id.value;
      text = JSON.stringify(obj);
    }
    const sentinel = `sync-${label}-${i}`;
    sock.write(`${text}\n{"id":"${sentinel}","op":"ping"}\n`);
    const reply = await sock.waitFor((l) => l.re === sentinel, 5000).catch((err: Error) => {
      throw new Error(`no answer after ${JSON.stringify(text)} (socket ${sock.closed ? 'closed' : 'open'}): ${err.message}`);
    });
    const at = sock.lines.indexOf(reply);
    const window = sock.lines.slice(cursor, at);
    cursor = at + 1;
    assert.deepEqual(reply, { re: sentinel, ok: true });
    assert.equal(sock.closed, false, `the connection closed after ${JSON.stringify(text)}`);

    // How the server sees the line: the bytes as sent, decoded, less one trailing "\r".
    let seen = Buffer.from(text, 'utf8').toString('utf8');
    if (seen.endsWith('\r')) seen = seen.slice(0, -1);
    let expected: Line | null = null;
    if (seen.length > 0) {
      const parsed = parseRequest(seen);
      if (!parsed.ok) {
        const error = { code: 'BAD_REQUEST', message: parsed.error.message };
        expected = parsed.id === undefined ? { ev: 'error', error } : { re: parsed.id, ok: false, error };
      } else if (parsed.request.id !== undefined) {
        due.set(JSON.stringify(parsed.request.id), text);
      } else {
        mayStillFail++;
      }
    }
    account(window, expected, text);
  };

  await fc.assert(
    fc.asyncProperty(garbage(ops), send),
    { numRuns, interruptAfterTimeLimit: timeLimitMs, markInterruptAsFailure: false, endOnFailure: true },
  );

  // Replies still due (slow handlers: password hashing) must all arrive.
  sock.write('{"id":"final","op":"ping"}\n');
  await waitUntil(
    () => {
      const window = sock.lines.slice(cursor);
      cursor = sock.lines.length;
      account(window.filter((l) => l.re !== 'final'), null, '(late replies)');
      return due.size === 0 && sock.lines.some((l) => l.re === 'final');
    },
    { what: 'the replies still due', timeoutMs: 10_000, state: () => [...due.values()].slice(0, 5) },
  );
  assert.equal(sock.closed, false);
  return { runs, outcomes };
}

/** The fuzzing was not all parser refusals: requests reached login checks and handlers too. */
function reachedHandlers(t: { diagnostic(message: string): void }, { runs, outcomes }: FuzzStats): void {
  t.diagnostic(`${runs} lines: ${[...outcomes].map(([k, v]) => `${k} ${v}`).join(', ')}`);
  assert.ok(runs >= 50, `only ${runs} garbage lines were tried`);
  assert.ok((outcomes.get('refused by the parser') ?? 0) >= 10);
  assert.ok((outcomes.get('ok') ?? 0) >= 3, 'some requests succeeded');
  const handlerCodes = [...outcomes.keys()].filter((k) => /^(reply|event) /.test(k) && !/(BAD_REQUEST|NOT_AUTHENTICATED|FORBIDDEN)$/.test(k));
  assert.ok(handlerCodes.length >= 2, `refusals from inside handlers: ${handlerCodes.join(', ')}`);
}

function checkReply(l: Line, sent: string): void {
  if (l.ok === true) return;
  assert.equal(l.ok, false, `reply ${JSON.stringify(l)}`);
  const error = l.error as { code: ErrorCode; message: unknown };
  assert.ok(REQUEST_CODES.includes(error.code), `${JSON.stringify(sent)} got ${JSON.stringify(l)}`);
  assert.equal(typeof error.message, 'string');
}

function isDeepStrictEqual(a: unknown, b: unknown): boolean {
  try {
    assert.deepStrictEqual(a, b);
    return true;
  } catch {
    return false;
  }
}

// ---------------------------------------------------------------------------------------------

describe('robustness: garbage requests', () => {
  let server: TestServer;
  let alice: { client: BanterClient; name: string };
  let bob: { client: BanterClient; name: string };
  let authed: { sock: RawSocket; name: string };

  before(async () => {
    server = await startTestServer();
    // Log everyone in first: the fuzzing's failed logins will soon block logins from 127.0.0.1.
    alice = await newUser(server.tcpPort);
    bob = await newUser(server.tcpPort);
    authed = await rawUser(server.tcpPort);
  });
  after(async () => {
    alice.client.close();
    bob.client.close();
    authed.sock.destroy();
    await server.dispose();
  });

  it('answers garbage from an anonymous connection with replies or errors, never closing it, while others chat', async (t) => {
    const sock = await RawSocket.open(server.tcpPort);
    const chat = chatThroughout(alice.client, alice.name, bob.client, 'anon-fuzz');
    const stats = await fuzzConnection(sock, OPS, 'anon', 300, 6000);
    reachedHandlers(t, stats);
    await chat.finish(10);
    assert.equal(sock.closed, false);
    sock.destroy();
  });

  it('answers garbage from a logged-in connection the same way, while others chat', async (t) => {
    // Not "logout": it would end the login this test means to exercise (and cannot redo, see above).
    const ops = OPS.filter((op) => op !== 'logout');
    const chat = chatThroughout(bob.client, bob.name, alice.client, 'authed-fuzz');
    const stats = await fuzzConnection(authed.sock, ops, 'authed', 300, 6000);
    reachedHandlers(t, stats);
    await chat.finish(10);
    // Still logged in and useful.
    const who = await authed.sock.request({ id: 'who-after', op: 'who' });
    assert.equal(who.ok, true);
    assert.ok((who.users as { user: string }[]).some((u) => u.user === authed.name));
  });

  it('the server keeps serving everyone afterwards', async () => {
    const who = await alice.client.request('who', {});
    const names = who.users.map((u) => u.user);
    for (const n of [alice.name, bob.name, authed.name]) assert.ok(names.includes(n), n);
    const got = nextEvent(bob.client, 'msg', (m) => m.text === 'after the storm');
    await alice.client.request('send', { to: LOBBY, text: 'after the storm' });
    assert.equal((await got).from, alice.name);
  });
});

describe('robustness: framing violations', () => {
  let server: TestServer;
  let alice: { client: BanterClient; name: string };
  let bob: { client: BanterClient; name: string };
  let checks = 0;

  before(async () => {
    server = await startTestServer();
    alice = await newUser(server.tcpPort);
    bob = await newUser(server.tcpPort);
  });
  after(async () => {
    alice.client.close();
    bob.client.close();
    await server.dispose();
  });

  /** Other users are unaffected: a lobby message still goes round, both still online. */
  async function othersUnaffected(): Promise<void> {
    const text = `still fine ${++checks}`;
    const got = nextEvent(bob.client, 'msg', (m) => m.text === text, 5000);
    await alice.client.request('send', { to: LOBBY, text });
    assert.equal((await got).from, alice.name);
    const names = (await bob.client.request('who', {})).users.map((u) => u.user);
    assert.ok(names.includes(alice.name) && names.includes(bob.name));
    assert.ok(alice.client.isOpen && bob.client.isOpen);
  }

  /** Asserts the connection got exactly one error event with this code, and was closed. */
  async function refusedAndClosed(sock: RawSocket, code: ErrorCode, before: Line[] = []): Promise<void> {
    await sock.waitClosed(5000);
    for (const [i, l] of before.entries()) assert.deepEqual(sock.lines[i], l);
    // Others' chat and presence may come in meanwhile; anything else (a reply to a line after the
    // bad one, a second error) may not.
    const after = sock.lines.slice(before.length).filter((l) => !BACKGROUND_EVENTS.has(String(l.ev)));
    assert.equal(after.length, 1, `after the bad line: ${JSON.stringify(after).slice(0, 300)}`);
    assert.equal(sock.lines.at(-1), after[0], 'the error is the last line');
    const last = after[0]!;
    assert.deepEqual(Object.keys(last).sort(), ['error', 'ev']);
    assert.equal(last.ev, 'error');
    const error = last.error as { code: string; message: string };
    assert.equal(error.code, code);
    assert.equal(typeof error.message, 'string');
    assert.ok(error.message.length > 0);
  }

  it('refuses 1 MiB without a newline with FRAME_TOO_LARGE and closes, others unaffected', async () => {
    const sock = await RawSocket.open(server.tcpPort);
    const t0 = Date.now();
    sock.write(Buffer.alloc(1024 * 1024, 'a'));
    await refusedAndClosed(sock, 'FRAME_TOO_LARGE');
    assert.match((sock.lines[0]!.error as { message: string }).message, new RegExp(String(MAX_LINE_BYTES)));
    assert.ok(Date.now() - t0 < 3000, 'closed promptly');
    await othersUnaffected();
  });

  it('refuses a 1 MiB line streamed in 4 KiB writes, and closes', async () => {
    const { sock } = await rawUser(server.tcpPort);
    const before = [...sock.lines];
    const chunk = Buffer.alloc(4096, 'b');
    for (let sent = 0; sent < 1024 * 1024 && !sock.closed; sent += chunk.length) {
      sock.write(chunk);
      if (sent % (64 * 1024) === 0) await scenarioPause(1); // let the server read between writes
    }
    await refusedAndClosed(sock, 'FRAME_TOO_LARGE', before);
    await othersUnaffected();
  });

  it('refuses a line of 64 KiB + 1 bytes (a valid request padded with spaces) and closes', async () => {
    const { sock, name } = await rawUser(server.tcpPort);
    const before = [...sock.lines];
    const wentOffline = nextEvent(bob.client, 'presence', (p) => p.user === name && !p.online, 5000);
    const line = padded({ id: 1, op: 'send', to: LOBBY, text: 'never delivered' }, MAX_LINE_BYTES + 1);
    sock.write(line + '\n');
    await refusedAndClosed(sock, 'FRAME_TOO_LARGE', before);
    await wentOffline;
    const history = await alice.client.request('history', { conv: LOBBY, limit: 20 });
    assert.ok(!history.messages.some((m) => m.text === 'never delivered'));
    await othersUnaffected();
  });

  it('refuses a line of 64 KiB + 1 bytes followed by "\\r\\n", and nothing after it on the connection', async () => {
    const sock = await RawSocket.open(server.tcpPort);
    sock.write(`{"id":"first","op":"ping"}\n` + padded({ id: 2, op: 'ping' }, MAX_LINE_BYTES + 1) + '\r\n{"id":"next","op":"ping"}\n');
    await refusedAndClosed(sock, 'FRAME_TOO_LARGE', [{ re: 'first', ok: true }]);
    await othersUnaffected();
  });

  it('accepts a request line of exactly 64 KiB: a padded send is delivered, an over-long text is TOO_LONG', async () => {
    const { sock } = await rawUser(server.tcpPort);
    const got = nextEvent(bob.client, 'msg', (m) => m.text === 'sixty-four KiB', 5000);
    const exact = padded({ id: 'pad', op: 'send', to: LOBBY, text: 'sixty-four KiB' }, MAX_LINE_BYTES);
    assert.equal(Buffer.byteLength(exact), MAX_LINE_BYTES);
    sock.write(exact + '\n');
    const reply = await sock.waitFor((l) => l.re === 'pad');
    assert.equal(reply.ok, true, JSON.stringify(reply));
    assert.equal((await got).seq, reply.seq);

    // Also with "\r\n", sent in 1000-byte pieces, and a text of multi-byte characters: TOO_LONG.
    const text = '中'.repeat(20_000);
    const long = padded({ id: 'long', op: 'send', to: LOBBY, text }, MAX_LINE_BYTES);
    assert.equal(Buffer.byteLength(long), MAX_LINE_BYTES);
    const bytes = Buffer.from(long + '\r\n');
    for (let i = 0; i < bytes.length; i += 1000) sock.write(bytes.subarray(i, i + 1000));
    const tooLong = await sock.waitFor((l) => l.re === 'long');
    assert.equal(tooLong.ok, false);
    assert.equal((tooLong.error as { code: string }).code, 'TOO_LONG');
    assert.deepEqual(await sock.request({ id: 'alive', op: 'ping' }), { re: 'alive', ok: true });
    assert.equal(sock.closed, false);
    assert.ok(!sock.lines.some((l) => l.ev === 'error'), 'no framing error');
    sock.destroy();
    await othersUnaffected();
  });

  const INVALID: [string, number[]][] = [
    ['0xFF', [0xff]],
    ['an overlong NUL (C0 80)', [0xc0, 0x80]],
    ['an overlong 3-byte form (E0 80 AF)', [0xe0, 0x80, 0xaf]],
    ['a CESU-8 surrogate (ED A0 80)', [0xed, 0xa0, 0x80]],
    ['a CESU-8 surrogate pair (ED A0 BD ED B8 80)', [0xed, 0xa0, 0xbd, 0xed, 0xb8, 0x80]],
    ['a truncated sequence (E4 B8)', [0xe4, 0xb8]],
  ];
  for (const [name, bad] of INVALID) {
    it(`refuses invalid UTF-8 (${name}) inside a request with BAD_ENCODING and closes, others unaffected`, async () => {
      const { sock, name: user } = await rawUser(server.tcpPort);
      const before = [...sock.lines];
      const wentOffline = nextEvent(bob.client, 'presence', (p) => p.user === user && !p.online, 5000);
      sock.write(
        Buffer.concat([
          Buffer.from('{"id":"bad","op":"send","to":"#lobby","text":"x'),
          Buffer.from(bad),
          Buffer.from('y"}\n{"id":"after","op":"ping"}\n'),
        ]),
      );
      await refusedAndClosed(sock, 'BAD_ENCODING', before);
      await wentOffline;
      await othersUnaffected();
    });
  }

  it('refuses invalid UTF-8 split across writes, outside any JSON', async () => {
    const sock = await RawSocket.open(server.tcpPort);
    sock.write(Buffer.from([0x7b, 0xf0, 0x9f]));
    await scenarioPause(20); // the two writes reach the server as two reads
    sock.write(Buffer.from([0x98, 0x0a])); // 😀 is F0 9F 98 80; 0x0a cuts it short
    await refusedAndClosed(sock, 'BAD_ENCODING');
    await othersUnaffected();
  });
});

/** Waits for the reply to `id`; false if none comes within 5 s or `gone()` turns true. */
async function answerOrExit(sock: RawSocket, id: string, gone: () => boolean): Promise<boolean> {
  const answered = () => sock.lines.some((l) => l.re === id);
  await waitUntil(() => answered() || gone(), { what: `the reply to ${id}`, timeoutMs: 5000 }).catch(() => undefined);
  return answered();
}

/** JSON of the value with spaces inserted after the first "{", to exactly `bytes` bytes. */
function padded(value: object, bytes: number): string {
  const json = JSON.stringify(value);
  const pad = bytes - Buffer.byteLength(json);
  assert.ok(pad >= 0, `${json.length} bytes already`);
  return '{' + ' '.repeat(pad) + json.slice(1);
}

describe('robustness: deeply nested JSON (separate server process)', () => {
  // Run as a child process: if a line crashes the server, it must not take the test runner down.
  it('a line nesting arrays 20000 deep, in any field, is refused without killing the server', async () => {
    const dataDir = tempDir();
    const server = await spawnServer(['--data', dataDir]);
    let exitCode: number | string | null = null;
    void server.exited.then((c) => (exitCode = c));
    try {
      const sock = await RawSocket.open(server.port);
      const deep = '['.repeat(20_000) + ']'.repeat(20_000);
      const cases: [string, string][] = [
        ['the whole line', deep],
        ['id', `{"id":${deep},"op":"ping"}`],
        ['an unknown field', `{"id":"f1","op":"ping","x":${deep}}`],
        ['a known field', `{"id":"f2","op":"hello","client":${deep}}`],
        ['op', `{"id":"f3","op":${deep}}`],
      ];
      for (const [i, [where, line]] of cases.entries()) {
        assert.ok(Buffer.byteLength(line) <= MAX_LINE_BYTES);
        sock.write(line + '\n');
        const probe = `probe-${i}`;
        sock.write(`{"id":"${probe}","op":"ping"}\n`);
        const answered = await answerOrExit(sock, probe, () => exitCode !== null);
        if (!answered) {
          const stderr = server.stderr().split('\n').filter((l) => l.trim()).slice(0, 5).join(' / ');
          assert.fail(`nesting in ${where}: no answer afterwards; server ${exitCode === null ? 'alive' : `exited (${exitCode})`}; stderr: ${stderr}`);
        }
      }
      const errors = sock.lines.filter((l) => l.ev === 'error' || l.ok === false);
      assert.equal(errors.length, cases.length, JSON.stringify(errors).slice(0, 400));
      for (const e of errors) assert.equal((e.error as { code: string }).code, 'BAD_REQUEST');
      assert.equal(exitCode, null);
      sock.destroy();
    } finally {
      if (exitCode === null) {
        server.child.kill('SIGTERM');
        await server.exited;
      }
      rmSync(dataDir, { recursive: true, force: true });
    }
  });
});

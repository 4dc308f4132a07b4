import type { ErrorBody, EventBodies, EventName, Op, ReplyResults, RequestBody, ServerEvent } from '../../src/protocol/index.js';
import { LocalBus } from '../../src/server/bus/local/local-bus.js';
import { LocalPresence } from '../../src/server/bus/local/local-presence.js';
import { ChatService } from '../../src/server/core/chat-service.js';
import { DEFAULT_CORE_CONFIG, type CoreConfig, type Logger } from '../../src/server/core/config.js';
import { FileLinks, newFileLinkKey } from '../../src/server/core/file-links.js';
import type { Peer, PeerHandler } from '../../src/server/core/peer.js';
import { SqliteStore } from '../../src/server/store/sqlite/sqlite-store.js';

/**
 * The chat core in this process, without sockets: ChatService on the local bus and presence and
 * an in-memory SQLite store, reached through in-memory peers that speak the wire protocol (request
 * lines in, reply and event lines out). Tests of domain rules run here in milliseconds.
 *
 * Everything that constructs the core is in this file, so a change of its constructor, store port
 * or bus is adapted here once. Tests use only the wire protocol (HarnessConnection).
 */

export const HARNESS_PASSWORD = 'correct-horse-1';
export const HARNESS_ADMIN_PASSWORD = 'admin-pass-123';
/** How long next() and request() wait before failing the test (a bound, never a pause). */
export const WAIT_MS = 5000;

/** argon2id at its cheapest: the same code path as production, at a fraction of a millisecond. */
const CHEAP_PASSWORDS = { memoryCost: 64, timeCost: 1 };

/** One line the core wrote, parsed: a reply (`re`) or an event (`ev`). */
export type Line = Record<string, unknown>;
/** An event line, narrowed by its `ev`. */
export type Event = ServerEvent;

/** A request the core answered with `ok: false`: its error body as it came. */
export class Refused extends Error {
  readonly code: ErrorBody['code'];
  constructor(
    readonly op: string,
    readonly body: ErrorBody,
  ) {
    super(`${op} refused: ${body.code}: ${body.message}`);
    this.code = body.code;
  }
}

/** The error body a request ends in; fails if it succeeds. */
export async function refusal(promise: Promise<unknown>): Promise<ErrorBody> {
  const err = await promise.then(
    (value) => {
      throw new Error(`expected a refusal, got ${JSON.stringify(value)}`);
    },
    (e: unknown) => e,
  );
  if (!(err instanceof Refused)) throw err;
  return err.body;
}

/** The code a request ends in: 'OK' or the error's code. */
export function outcome(promise: Promise<unknown>): Promise<string> {
  return promise.then(
    () => 'OK',
    (e: unknown) => {
      if (e instanceof Refused) return e.code;
      throw e;
    },
  );
}

interface Waiter {
  match: (line: Line) => boolean;
  resolve: (line: Line) => void;
  reject: (err: Error) => void;
  timer: NodeJS.Timeout;
  what: string;
}

/** What a transport would be: records what the core writes, and tells the core when the client hangs up. */
class MemoryPeer implements Peer {
  readonly transport = 'memory';
  handler: PeerHandler | undefined;
  closing = false;

  constructor(
    readonly id: string,
    readonly address: string,
    private readonly onBytes: (data: Buffer) => void,
    private readonly onClose: () => void,
  ) {}

  write(data: Buffer): void {
    if (!this.closing) this.onBytes(data);
  }

  // `last` is a Buffer before the core's OutboundEvent and an OutboundEvent (its v1 bytes) after:
  // taking either keeps the harness compiling across that change.
  close(last?: Buffer | { readonly v1: Buffer }): void {
    if (this.closing) return;
    if (last) this.onBytes(Buffer.isBuffer(last) ? last : last.v1);
    this.closing = true;
    this.onClose();
    // As TransportPeer does: never inside the core's own call (it may be a fan-out loop).
    queueMicrotask(() => this.handler?.closed());
  }

  /** The client hung up. */
  gone(): void {
    if (this.closing) return;
    this.closing = true;
    this.onClose();
    this.handler?.closed();
  }
}

/** One connection to the core, as a client sees it: request lines out, reply and event lines in. */
export class HarnessConnection {
  /** Set once logged in. */
  name: string | undefined;
  token: string | undefined;
  /** Every line the core wrote to this connection, parsed, in order. */
  readonly lines: Line[] = [];
  private readonly taken = new Set<Line>();
  private readonly waiters: Waiter[] = [];
  private nextId = 1;
  private isClosed = false;
  private readonly closedPromise: Promise<void>;
  private markClosed!: () => void;

  constructor(private readonly peer: MemoryPeer) {
    this.closedPromise = new Promise((resolve) => (this.markClosed = resolve));
  }

  /** Lines from the peer: a write may hold several (a batch of presence, say). */
  ingest(data: Buffer): void {
    for (const text of data.toString('utf8').split('\n')) {
      if (text === '') continue;
      const line = JSON.parse(text) as Line;
      this.lines.push(line);
      for (const w of [...this.waiters]) {
        if (this.taken.has(line) || !w.match(line)) continue;
        this.settle(w);
        w.resolve(line);
      }
    }
  }

  /** The core closed the connection (or the client did): nothing more will come. */
  ended(): void {
    this.isClosed = true;
    this.markClosed();
    for (const w of [...this.waiters]) {
      this.settle(w);
      w.reject(new Error(`connection closed while waiting for ${w.what}; got ${this.describe()}`));
    }
  }

  get closed(): boolean {
    return this.isClosed;
  }

  /** Resolves once the connection is closed (by the core, or by close()). */
  whenClosed(): Promise<void> {
    return this.closedPromise;
  }

  /** Every event received so far, in order. */
  get events(): Event[] {
    return this.lines.filter((l) => typeof l.ev === 'string') as Event[];
  }

  /** The events of one kind received so far. */
  eventsOf<E extends EventName>(ev: E): EventBodies[E][] {
    return this.lines.filter((l) => l.ev === ev).map(body) as EventBodies[E][];
  }

  /** Sends one line as it is (malformed ones included). */
  sendLine(text: string): void {
    if (this.isClosed) throw new Error('the connection is closed');
    this.peer.handler!.receive(text);
  }

  /** Sends a request object (an id is added unless it has one) and resolves with its reply line, ok or not. */
  async reply(request: Record<string, unknown>): Promise<Line> {
    const id = request.id ?? `h${this.nextId++}`;
    const reply = this.wait((l) => l.re === id && !('ev' in l), `the reply to ${JSON.stringify(request).slice(0, 100)}`, false);
    this.sendLine(JSON.stringify({ ...request, id }));
    return reply;
  }

  /** A request; resolves with its result, rejects with Refused. */
  async request<O extends Op>(op: O, fields: RequestBody<O>): Promise<ReplyResults[O]> {
    const line = await this.reply({ op, ...(fields as object) });
    if (line.ok === true) {
      const { re: _re, ok: _ok, ...result } = line;
      return result as unknown as ReplyResults[O];
    }
    throw new Refused(op, line.error as ErrorBody);
  }

  /**
   * The next event of a kind (that matches `filter`) not already taken by an earlier next():
   * one that came before the call counts, so there is no race with the request that causes it.
   */
  next<E extends EventName>(ev: E, filter: (b: EventBodies[E]) => boolean = () => true, timeoutMs = WAIT_MS): Promise<EventBodies[E]> {
    return this.wait((l) => l.ev === ev && filter(body(l) as EventBodies[E]), `a ${ev} event`, true, timeoutMs).then((l) => body(l) as EventBodies[E]);
  }

  /**
   * Waits for a marker event (something sent after whatever must not arrive), then fails if any
   * event before it matches `unwanted`: the in-process barrier for "this did not happen".
   * Resolves with the events before the marker.
   */
  async nothingBefore<E extends EventName>(ev: E, marker: (b: EventBodies[E]) => boolean, unwanted: (e: Event) => boolean, what = 'an unwanted event'): Promise<Event[]> {
    const markerLine = await this.wait((l) => l.ev === ev && marker(body(l) as EventBodies[E]), `the marker ${ev} event`, false);
    const before = this.lines.slice(0, this.lines.indexOf(markerLine)).filter((l) => typeof l.ev === 'string') as Event[];
    const bad = before.filter(unwanted);
    if (bad.length > 0) throw new Error(`${what} arrived before the marker: ${JSON.stringify(bad)}`);
    return before;
  }

  /** The client hangs up. */
  close(): void {
    this.peer.gone();
  }

  private wait(match: (l: Line) => boolean, what: string, take: boolean, timeoutMs = WAIT_MS): Promise<Line> {
    const found = this.lines.find((l) => !this.taken.has(l) && match(l));
    if (found) {
      if (take) this.taken.add(found);
      return Promise.resolve(found);
    }
    if (this.isClosed) return Promise.reject(new Error(`connection closed; no ${what} among ${this.describe()}`));
    return new Promise((resolve, reject) => {
      const w: Waiter = {
        match,
        what,
        resolve: (line) => {
          if (take) this.taken.add(line);
          resolve(line);
        },
        reject,
        timer: setTimeout(() => {
          this.settle(w);
          reject(new Error(`no ${what} within ${timeoutMs} ms; got ${this.describe()}`));
        }, timeoutMs),
      };
      this.waiters.push(w);
    });
  }

  private settle(w: Waiter): void {
    clearTimeout(w.timer);
    this.waiters.splice(this.waiters.indexOf(w), 1);
  }

  private describe(): string {
    const text = this.lines.map((l) => JSON.stringify(l)).join('\n  ');
    return this.lines.length === 0 ? 'nothing' : `\n  ${text.length > 4000 ? `…${text.slice(-4000)}` : text}`;
  }
}

function body(line: Line): Record<string, unknown> {
  const { ev: _ev, ...rest } = line;
  return rest;
}

export interface CoreHarness {
  /** A new anonymous connection; `address` is the remote address the core sees. */
  connect(address?: string): HarnessConnection;
  /** Registers `name` and returns a connection logged in as them. */
  user(name: string): Promise<HarnessConnection>;
  /** Another connection of an existing user, logged in with the password. */
  login(name: string, password?: string): Promise<HarnessConnection>;
  /** A connection logged in as the administrator. */
  admin(): Promise<HarnessConnection>;
  /** What the core logged at error level: a test fails on close if there is any. */
  readonly errors: object[];
  /** Shuts the core down and closes the store; fails if the core logged an error. */
  close(): Promise<void>;
}

/** Starts a core. `config` overrides the defaults (flood control and registration limits are off unless set). */
export async function coreHarness(config: Partial<CoreConfig> = {}): Promise<CoreHarness> {
  const store = new SqliteStore(':memory:', { synchronous: 'normal' });
  const bus = new LocalBus();
  const presence = new LocalPresence(bus);
  const errors: object[] = [];
  const logger: Logger = { debug() {}, info() {}, warn() {}, error: (obj, msg) => errors.push({ ...obj, msg }) };
  const chat = new ChatService({
    store,
    bus,
    presence,
    logger,
    fileLinks: new FileLinks(newFileLinkKey()),
    config: { ...DEFAULT_CORE_CONFIG, sendRatePerSec: 10_000, sendBurst: 10_000, registerPerHour: 1_000_000, passwordCost: CHEAP_PASSWORDS, ...config },
  });
  await chat.accounts.ensureAdmin(HARNESS_ADMIN_PASSWORD, () => HARNESS_ADMIN_PASSWORD);
  let peers = 0;

  const connect = (address = '127.0.0.1'): HarnessConnection => {
    // The callbacks run once the core has the peer, after `conn` exists.
    const peer = new MemoryPeer(
      `mem-${++peers}`,
      address,
      (data) => conn.ingest(data),
      () => queueMicrotask(() => conn.ended()),
    );
    const conn = new HarnessConnection(peer);
    peer.handler = chat.connect(peer);
    return conn;
  };

  const login = async (name: string, password = HARNESS_PASSWORD, address?: string): Promise<HarnessConnection> => {
    const conn = connect(address);
    const result = await conn.request('login', { user: name, password });
    conn.name = result.user;
    conn.token = result.token;
    return conn;
  };

  return {
    connect,
    login: (name, password) => login(name, password),
    async user(name) {
      const conn = connect();
      await conn.request('register', { user: name, password: HARNESS_PASSWORD });
      const result = await conn.request('login', { user: name, password: HARNESS_PASSWORD });
      conn.name = result.user;
      conn.token = result.token;
      return conn;
    },
    admin: () => login('admin', HARNESS_ADMIN_PASSWORD),
    errors,
    async close() {
      chat.shutdown();
      await presence.close();
      await bus.close();
      await store.close();
      if (errors.length > 0) throw new Error(`the core logged errors: ${JSON.stringify(errors)}`);
    },
  };
}

import {
  ProtocolError,
  encodeError,
  encodeOk,
  parseRequest,
  parseRequestBody,
  type ErrorBody,
  type Op,
  type ReplyResults,
  type RequestId,
} from '../../protocol/index.js';
import type { CommandContext, CommandDomain } from './commands/command.js';
import { COMMANDS } from './commands/index.js';
import type { OnlineUser } from './online-users.js';
import { OutboundEvent } from '../shared/outbound-event.js';
import { writeEvent, type Peer, type PeerHandler } from './peer.js';
import type { LoginOutcome } from './accounts.js';
import type { ChatMetrics } from './metrics.js';
import { SendOrder } from './sending.js';
import { ReadGate } from './read-gate.js';

/** What a session needs of the chat core that owns it (ChatService): the domain, and its own bookkeeping. */
export interface SessionHost extends CommandDomain {
  readonly metrics: ChatMetrics;
  /** Writes what the session is owed of the broadcast journal (before anything else is written to it). */
  catchUp(session: ClientSession): void;
  logIn(session: ClientSession, outcome: LoginOutcome, quiet: boolean): Promise<ReplyResults['login']>;
  logOut(session: ClientSession): Promise<void>;
  sessionClosed(session: ClientSession): void;
}

/**
 * One connection's protocol state: anonymous until login, then bound to an online user.
 * Requests are checked against the command table (auth level, shape) before any handler runs.
 */
export class ClientSession implements PeerHandler, CommandContext {
  user: OnlineUser<ClientSession> | null = null;
  tokenHash: string | null = null;
  /** ms since the epoch when the connection opened (the admin's `sessions` shows it). */
  readonly connectedAt = Date.now();
  /** ms since the epoch of the last line heard; the heartbeat sweep reads it. */
  lastHeard = Date.now();
  pinged = false;
  private inFlight = 0;
  private loggingIn = false;
  private isClosed = false;
  /** How far this session has read the broadcast journal (ChatService.catchUp). */
  journalPos = 0;
  /**
   * Logged in with `presence: false`, for one command (a script's `banter send`): not announced,
   * not listed by `who`, and no live events, only its replies (and a last kicked/banned).
   */
  quiet = false;
  /** Sends from this connection reach the store in the order they arrived (Sending.send). */
  readonly sendOrder = new SendOrder();
  /** Read ops wait here for the user's read allowance and the connection's outbound budget. */
  private readonly reads: ReadGate;

  constructor(
    readonly chat: SessionHost,
    readonly peer: Peer,
  ) {
    this.reads = new ReadGate(
      chat.config,
      () => this.user?.readBucket,
      () => peer.outbound?.(),
    );
  }

  get domain(): CommandDomain {
    return this.chat;
  }

  /** True once the connection is gone. */
  get ended(): boolean {
    return this.isClosed;
  }

  receive(text: string): void {
    try {
      this.handle(text);
    } catch (err) {
      // A bug must cost one request, never the connection or the process.
      this.chat.logger.error({ err, peer: this.peer.id }, 'request handling failed');
      this.fail(undefined, { code: 'INTERNAL', message: 'the server could not handle this line' });
    }
  }

  private handle(text: string): void {
    if (this.isClosed) return;
    this.heard();
    const parsed = parseRequest(text);
    if (!parsed.ok) return this.fail(parsed.id, parsed.error.toBody());
    const { id, op, body } = parsed.request;
    const refused = this.refusal(op);
    if (refused) return this.fail(id, refused.toBody());
    this.start(op, body, (value, error) => {
      if (error) this.fail(id, error.toBody());
      else if (id !== undefined && !this.isClosed) this.write(Buffer.from(encodeOk(id, value!)));
    });
  }

  /** Counts as activity for the heartbeat; transports whose lines are not all requests call it. */
  heard(): void {
    this.lastHeard = Date.now();
    this.pinged = false;
  }

  /**
   * Runs one request for a transport that speaks another protocol (the IRC gateway): the same
   * shape checks, auth checks, limits and handlers as a request line, without the JSON. Resolves
   * with the result; rejects with a ProtocolError (what a reply's `error` would carry).
   */
  request<O extends Op>(op: O, fields: object): Promise<ReplyResults[O]> {
    if (this.isClosed) return Promise.reject(new ProtocolError('BAD_REQUEST', 'the connection is closed'));
    const body = parseRequestBody(op, fields);
    if (body instanceof ProtocolError) return Promise.reject(body);
    const refused = this.refusal(op);
    if (refused) return Promise.reject(refused);
    return new Promise((resolve, reject) =>
      this.start(op, body, (value, error) => {
        // The gateway writes its reply itself: the broadcast lines this session has not had yet
        // go first, as they do before a v1 reply (write), so a reply never overtakes them.
        this.willWrite();
        if (error) reject(error);
        else resolve(value as ReplyResults[O]);
      }),
    );
  }

  /** The checks before a handler, in protocol order: login, role, requests in progress. */
  private refusal(op: Op): ProtocolError | undefined {
    const denied = this.authRefusal(op);
    if (denied) return denied;
    if (this.inFlight >= this.chat.config.maxInFlight) return new ProtocolError('RATE_LIMITED', 'too many requests in progress on this connection');
    return undefined;
  }

  private authRefusal(op: Op): ProtocolError | undefined {
    const command = COMMANDS[op];
    if (command.auth !== 'none' && !this.user) return new ProtocolError('NOT_AUTHENTICATED', 'log in first');
    if (command.auth === 'admin' && this.user?.record.role !== 'admin') return new ProtocolError('FORBIDDEN', `${op} is for administrators`);
    return undefined;
  }

  /** Starts a request that passed the checks (a read once its gate lets it); `settle` gets its result or its error. */
  private start(op: Op, body: unknown, settle: (value: object | undefined, error?: ProtocolError) => void): void {
    this.inFlight++;
    if (COMMANDS[op].allowance !== 'read') return this.run(op, body, settle);
    const refused = this.reads.enter((done) => {
      // The wait may have outlasted the login.
      const denied = this.authRefusal(op);
      const finish = (value: object | undefined, error?: ProtocolError): void => {
        settle(value, error);
        done();
      };
      if (!denied) return this.run(op, body, finish);
      this.inFlight--;
      this.chat.metrics.request(op, denied.code);
      finish(undefined, denied);
    });
    if (refused) {
      this.inFlight--;
      this.chat.metrics.request(op, refused.code);
      settle(undefined, refused);
    }
  }

  /** Runs a handler; `settle` gets its result or its error. */
  private run(op: Op, body: unknown, settle: (value: object | undefined, error?: ProtocolError) => void): void {
    let result: Promise<object>;
    try {
      // Handlers run synchronously up to their first await, so requests start in arrival order.
      result = Promise.resolve((COMMANDS[op].run as (c: CommandContext, b: unknown) => object | Promise<object>)(this, body));
    } catch (err) {
      result = Promise.reject(err);
    }
    result.then(
      (value) => {
        this.inFlight--;
        this.chat.metrics.request(op, undefined);
        settle(value);
      },
      (err: unknown) => {
        this.inFlight--;
        const error = this.toErrorBody(err, op);
        this.chat.metrics.request(op, error.code);
        settle(undefined, err instanceof ProtocolError ? err : new ProtocolError(error.code, error.message));
      },
    );
  }

  /** Guards against two logins racing on one connection. */
  beginLogin(): void {
    if (this.user) throw new ProtocolError('ALREADY_AUTHENTICATED', `already logged in as ${this.user.record.name}; log out first`);
    if (this.loggingIn) throw new ProtocolError('BAD_REQUEST', 'a login is already in progress');
    this.loggingIn = true;
  }

  endLogin(): void {
    this.loggingIn = false;
  }

  logIn(outcome: LoginOutcome, quiet = false): Promise<ReplyResults['login']> {
    return this.chat.logIn(this, outcome, quiet);
  }

  logOut(): Promise<void> {
    return this.chat.logOut(this);
  }

  /**
   * For an adapter that writes lines of its own to its client (the IRC gateway's replies and
   * notices): call it before each. What the core still owes this session goes first, so the
   * adapter's line never overtakes an event that came before it.
   */
  willWrite(): void {
    if (!this.isClosed) this.chat.catchUp(this);
  }

  sendEvent(event: OutboundEvent): void {
    if (this.isClosed) return;
    this.chat.catchUp(this);
    writeEvent(this.peer, event);
  }

  /** Writes to the peer after the broadcast lines this session has not had yet, which came first. */
  private write(bytes: Buffer): void {
    this.chat.catchUp(this);
    this.peer.write(bytes);
  }

  /** Sends an error event and closes; used for protocol violations and timeouts. */
  closeWithError(error: ErrorBody): void {
    this.peer.close(OutboundEvent.of('error', { error }));
  }

  closed(): void {
    if (this.isClosed) return;
    this.isClosed = true;
    this.reads.close();
    this.chat.sessionClosed(this);
  }

  private fail(id: RequestId | undefined, error: ErrorBody): void {
    if (!this.isClosed) this.write(Buffer.from(encodeError(id, error)));
  }

  private toErrorBody(err: unknown, op: string): ErrorBody {
    if (err instanceof ProtocolError) return err.toBody();
    this.chat.logger.error({ err, op, peer: this.peer.id }, 'request failed');
    return { code: 'INTERNAL', message: 'the server could not complete this request' };
  }
}

import { randomBytes } from 'node:crypto';
import { ProtocolError, nameKey, type ReplyResults } from '../../../protocol/index.js';
import type { ClientSession } from '../../core/client-session.js';
import { TokenBucket } from '../../core/rate-limit.js';
import { activeMute } from '../../core/rooms.js';
import { COMMANDS } from './commands/table.js';
import type { GatewayContext } from './context.js';
import type { OutboundEvent } from '../../shared/outbound-event.js';
import type { CoreEventSink, IrcPeer } from './irc-peer.js';
import type { LineEvent } from './line-reader.js';
import { formatMessage, parseMessage, type IrcMessage } from './message.js';
import { ERR } from './numerics.js';
import { userSource, type LineStyle } from './render.js';
import type { RoomView } from './rooms.js';
import { closingLines, translateEvent } from './translate.js';
import { welcome } from './welcome.js';

/** Lines a client may send at once, then per second; beyond, lines wait (fake lag). */
const FLOOD_BURST = 40;
const FLOOD_RATE = 10;
/** Lines waiting beyond the allowance before the client is dropped for flooding. */
const MAX_QUEUED_LINES = 200;
/** Core events held for a client between login and the end of its registration. */
const MAX_HELD_EVENTS = 2000;
const REGISTRATION_TIMEOUT_MS = 60_000;
/**
 * Commands that do not make a user less idle (WHOIS 317): keep-alives, and the queries clients
 * send on their own on a timer (WeeChat's WHO for away states, irssi's ISON for its notify list).
 */
const NOT_ACTIVITY = new Set(['PING', 'PONG', 'WHO', 'WHOIS', 'WHOWAS', 'ISON', 'USERHOST']);

/**
 * One IRC connection: registration (CAP, SASL, PASS/NICK/USER), then IRC commands run through
 * the command table into the core session, and core events translated back into IRC lines.
 */
export class IrcSession implements CoreEventSink {
  readonly core: ClientSession;
  registered = false;
  /** The nick the client asked for (before registration); the account name once logged in. */
  requestedNick: string | undefined;
  user: { username: string; realname: string } | undefined;
  password: string | undefined;
  readonly caps = new Set<string>();
  capVersion = 0;
  capNegotiating = false;
  /** SASL exchange in progress: the mechanism and the base64 received so far. */
  sasl: { mechanism: 'PLAIN'; data: string } | undefined;
  /** In #lobby (every Banter user is; an IRC client may PART it and not see its traffic). */
  joined = false;
  /** Rooms shown as joined channels, by room key (rooms.ts). */
  readonly rooms = new Map<string, RoomView>();
  /** Rooms this connection's JOIN is joining: their own `joined` event is left to the JOIN. */
  readonly pendingJoins = new Set<string>();
  /** PART reasons, for the PART line the room's `left` event brings. */
  readonly partReasons = new Map<string, string>();
  muteReason: string | undefined;
  /** Every send carries a cid with this prefix, so this connection knows its own messages. */
  readonly cidPrefix = `irc-${randomBytes(9).toString('base64url')}-`;
  private cidCounter = 0;
  private readonly flood = new TokenBucket(FLOOD_RATE, FLOOD_BURST);
  private readonly queue: string[] = [];
  private paused = false;
  private drainTimer: NodeJS.Timeout | undefined;
  private held: OutboundEvent[] = [];
  /** Core events go out once the welcome burst (with the JOIN) has; until then they are held. */
  private welcomed = false;
  private readonly registrationTimer: NodeJS.Timeout;
  private isClosed = false;
  /** The user key this session registered as (ircUsers counts it until the session ends). */
  private registeredKey: string | undefined;

  constructor(
    readonly ctx: GatewayContext,
    readonly peer: IrcPeer,
  ) {
    // Attached before the core sees the peer: the core may close it at once (server full).
    peer.attach(this);
    this.core = ctx.chat.connect(peer);
    ctx.sessions.add(this);
    this.registrationTimer = setTimeout(() => {
      if (!this.registered) this.quit('Registration timed out');
    }, REGISTRATION_TIMEOUT_MS);
    this.registrationTimer.unref();
  }

  /** The nick the client is known by: the account's name once registered, `*` before a NICK. */
  get nick(): string {
    return this.core.user?.record.name ?? this.requestedNick ?? '*';
  }

  get account(): string | undefined {
    return this.core.user?.record.name;
  }

  get isAdmin(): boolean {
    return this.core.user?.record.role === 'admin';
  }

  /** Muted server-wide now: what the user says (reasons, away text) is not shown to others. */
  get isMuted(): boolean {
    return activeMute(this.core.user?.record.mutedUntil ?? null) !== null;
  }

  get style(): LineStyle {
    return { serverTime: this.caps.has('server-time'), messageTags: this.caps.has('message-tags') };
  }

  /** A fresh cid for a send: `n` marks one sent as a NOTICE, so IRC recipients get a NOTICE. */
  nextCid(kind: 'PRIVMSG' | 'NOTICE'): string {
    return `${this.cidPrefix}${kind === 'NOTICE' ? 'n' : 'm'}${++this.cidCounter}`;
  }

  // ---- input ----

  onLine(e: LineEvent): void {
    if (this.isClosed || this.peer.isClosing) return;
    this.core.heard();
    if (e.kind === 'too-long') return this.numeric(ERR.INPUTTOOLONG, 'Input line was too long');
    if (e.kind === 'bad-utf8') return this.line(this.ctx.serverName, 'FAIL', [e.command, 'INVALID_UTF8', 'Message rejected: this server accepts UTF-8 only']);
    if (this.queue.length >= MAX_QUEUED_LINES) return this.quit('Excess Flood');
    this.queue.push(e.text);
    this.drain();
  }

  private drain(): void {
    while (!this.paused && !this.isClosed && this.queue.length > 0) {
      const allowance = this.flood.take();
      if (!allowance.ok) {
        if (!this.drainTimer) {
          this.drainTimer = setTimeout(() => {
            this.drainTimer = undefined;
            this.drain();
          }, Math.ceil(allowance.retryAfter * 1000));
        }
        return;
      }
      this.dispatch(this.queue.shift()!);
    }
  }

  private dispatch(text: string): void {
    const msg = parseMessage(text);
    if (!msg) return;
    const command = COMMANDS.get(msg.command);
    if (!command) return this.numeric(ERR.UNKNOWNCOMMAND, msg.command, 'Unknown command');
    if (this.registeredKey !== undefined && !NOT_ACTIVITY.has(msg.command)) this.ctx.ircUsers.active(this.registeredKey, this.user!.realname);
    if (command.registered && !this.registered) return this.numeric(ERR.NOTREGISTERED, 'You have not registered');
    if (msg.params.length < command.minParams) return this.numeric(ERR.NEEDMOREPARAMS, msg.command, 'Not enough parameters');
    let result: void | Promise<void>;
    try {
      result = command.run(this, msg);
    } catch (err) {
      return this.internalError(err, msg);
    }
    if (!result) return;
    // Replies go out in the order the commands came (clients use PING as a barrier): the next
    // line waits until this command has written its last reply. Messages too: a refused PRIVMSG's
    // 401 must come before the PONG of a PING sent after it.
    this.paused = true;
    result
      .catch((err: unknown) => this.internalError(err, msg))
      .finally(() => {
        this.paused = false;
        this.drain();
      });
  }

  private internalError(err: unknown, msg: IrcMessage): void {
    this.ctx.logger.error({ err, peer: this.peer.id, command: msg.command }, 'IRC command failed');
    this.line(this.ctx.serverName, 'FAIL', [msg.command, 'INTERNAL', 'The server could not handle this command']);
  }

  /** Runs a Banter request on the core session, with every check a v1 client gets. */
  request<O extends keyof ReplyResults>(op: O, fields: object): Promise<ReplyResults[O]> {
    return this.core.request(op, fields);
  }

  // ---- registration ----

  /** Completes registration once NICK, USER and CAP END are in: logs in with PASS unless SASL did. */
  async tryRegister(): Promise<void> {
    if (this.registered || this.requestedNick === undefined || !this.user || this.capNegotiating) return;
    if (!this.core.user) {
      if (this.password === undefined) {
        this.numeric(ERR.PASSWDMISMATCH, 'Password required: log in with your Banter password (PASS or SASL PLAIN)');
        return this.quit('Password required');
      }
      try {
        await this.request('login', { user: this.requestedNick, password: this.password });
      } catch (err) {
        return this.refuseLogin(err);
      } finally {
        this.password = undefined;
      }
    }
    if (this.isClosed || !this.core.user) return;
    this.registered = true;
    this.registeredKey = this.core.user.record.key;
    this.ctx.ircUsers.opened(this.registeredKey, this.user.realname);
    clearTimeout(this.registrationTimer);
    await welcome(this);
    this.welcomed = true;
    const held = this.held;
    this.held = [];
    for (const event of held) translateEvent(this, event);
  }

  /** A failed PASS login: the standard numeric, then the connection ends (nothing is let in). */
  private refuseLogin(err: unknown): void {
    const e = err instanceof ProtocolError ? err : new ProtocolError('INTERNAL', 'login failed');
    if (e.code === 'BANNED') {
      this.numeric(ERR.YOUREBANNEDCREEP, e.message);
      return this.quit(e.message);
    }
    this.numeric(ERR.PASSWDMISMATCH, e.code === 'BAD_CREDENTIALS' ? 'Password incorrect' : e.message);
    this.quit(e.code === 'BAD_CREDENTIALS' ? 'Bad password' : e.message);
  }

  // ---- output ----

  line(source: string | undefined, command: string, params: readonly string[], tags?: string): void {
    this.peer.send(Buffer.from(formatMessage(source, command, params, tags)));
  }

  numeric(code: string, ...params: string[]): void {
    this.line(this.ctx.serverName, code, [this.nick, ...params]);
  }

  /** A NOTICE from the server to this client. */
  notice(text: string): void {
    this.line(this.ctx.serverName, 'NOTICE', [this.nick, text]);
  }

  /** `ERROR` and close: QUIT, a refused login, flooding. */
  quit(reason: string): void {
    this.peer.finish(Buffer.from(formatMessage(undefined, 'ERROR', [`Closing Link: ${this.peer.address} (${reason})`])));
  }

  /**
   * The real name shown for a user (WHOIS, WHOWAS, WHO): this connection's USER real name for
   * oneself, else that of the user's latest active IRC session on this node, else their name.
   */
  realnameOf(name: string): string {
    if (this.isMe(name) && this.user) return this.user.realname;
    return this.ctx.ircUsers.get(nameKey(name))?.realname ?? name;
  }

  isMe(name: string): boolean {
    return this.core.user !== null && nameKey(name) === this.core.user.record.key;
  }

  // ---- from the core ----

  fromCore(event: OutboundEvent): void {
    if (this.isClosed) return;
    if (!this.welcomed && event.name !== 'ping') {
      // Logged in but not yet welcomed: keep what arrives, up to a bound, for after the welcome.
      if (this.held.length < MAX_HELD_EVENTS) this.held.push(event);
      return;
    }
    translateEvent(this, event);
  }

  lastWords(last: OutboundEvent | undefined): Buffer {
    return Buffer.from(closingLines(this, last?.event));
  }

  awayChanged(userName: string, message: string | undefined): void {
    if (!this.welcomed || !this.caps.has('away-notify') || this.isMe(userName)) return;
    // After the presence still waiting for this session: the user's JOIN comes before their AWAY.
    this.core.willWrite();
    this.line(userSource(userName), 'AWAY', message === undefined ? [] : [message]);
  }

  closed(): void {
    if (this.isClosed) return;
    this.isClosed = true;
    clearTimeout(this.registrationTimer);
    clearTimeout(this.drainTimer);
    this.queue.length = 0;
    this.held = [];
    this.ctx.sessions.delete(this);
    if (this.registeredKey !== undefined) this.ctx.ircUsers.closed(this.registeredKey);
    this.core.closed();
  }

}

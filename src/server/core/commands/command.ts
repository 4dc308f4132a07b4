import type { Op, ReplyResults, RequestBody } from '../../../protocol/index.js';
import type { Presence } from '../../bus/port.js';
import type { Accounts, LoginOutcome } from '../accounts.js';
import type { CoreConfig, Logger } from '../config.js';
import type { FileLinks } from '../file-links.js';
import type { Files } from '../files.js';
import type { MessageChanges } from '../message-changes.js';
import type { Messages } from '../messages.js';
import type { Moderation } from '../moderation.js';
import type { OnlineUser } from '../online-users.js';
import type { People } from '../people.js';
import type { ReadMarkers } from '../read-markers.js';
import type { Rooms } from '../rooms.js';
import type { SendOrder, Sending } from '../sending.js';

/** Who may run a command: anyone connected, a logged-in user, or an administrator. */
export type Auth = 'none' | 'user' | 'admin';

/** The domain services commands act through (the chat core provides them). */
export interface CommandDomain {
  readonly config: CoreConfig;
  readonly logger: Logger;
  /** Where this node's HTTP API listens, once it does (told in `hello`). */
  readonly httpPort: number | undefined;
  readonly accounts: Accounts;
  readonly messages: Messages;
  readonly sending: Sending;
  readonly changes: MessageChanges;
  readonly readMarkers: ReadMarkers;
  readonly rooms: Rooms;
  readonly people: People;
  readonly moderation: Moderation;
  readonly files: Files;
  readonly fileLinks: FileLinks;
  readonly presence: Pick<Presence, 'list'>;
  /** The admin's `sessions`: every logged-in session on this node. */
  sessions(): ReplyResults['sessions'];
  /** The admin's `stats` for this node. */
  stats(): ReplyResults['stats'];
}

/**
 * What a command handler gets: the caller (their connection and, once logged in, their user),
 * the caller's session-level state, and the domain services. Commands with auth `user` or
 * `admin` run only with a user.
 */
export interface CommandContext {
  readonly peer: { readonly id: string; readonly address: string };
  readonly user: OnlineUser<unknown> | null;
  /** The hash of the token this connection logged in with (null before login). */
  readonly tokenHash: string | null;
  /** The order of this connection's sends (Sending.send). */
  readonly sendOrder: SendOrder;
  readonly domain: CommandDomain;
  /** Guards against two logins racing on one connection; endLogin when the attempt is over. */
  beginLogin(): void;
  endLogin(): void;
  /**
   * Binds the connection to the user who logged in; resolves with the login's reply. A quiet
   * session (`presence: false`) is not announced and hears no live events (§8.18).
   */
  logIn(outcome: LoginOutcome, quiet?: boolean): Promise<ReplyResults['login']>;
  /** Ends the login (its token included); the connection stays, anonymous. */
  logOut(): Promise<void>;
}

export interface Command<O extends Op> {
  auth: Auth;
  /**
   * `read`: the op reads (its reply can be big) and goes through the connection's read gate
   * first: a token of the user's read allowance, a few at a time, within the outbound budget
   * (read-gate.ts). Ops that change something take the send allowance themselves (guards.ts).
   */
  allowance?: 'read';
  run(context: CommandContext, body: RequestBody<O>): ReplyResults[O] | Promise<ReplyResults[O]>;
}

export type CommandTable<K extends Op> = { [O in K]: Command<O> };

import type { Op, ReplyResults, RequestBody } from '../../../protocol/index.js';
import type { ClientSession } from '../client-session.js';

/** Who may run a command: anyone connected, a logged-in user, or an administrator. */
export type Auth = 'none' | 'user' | 'admin';

export interface Command<O extends Op> {
  auth: Auth;
  run(session: ClientSession, body: RequestBody<O>): ReplyResults[O] | Promise<ReplyResults[O]>;
}

export type CommandTable<K extends Op> = { [O in K]: Command<O> };

import type { IrcMessage } from '../message.js';
import type { IrcSession } from '../session.js';

/**
 * One IRC command and what the session checks before its handler runs: registration
 * (451 ERR_NOTREGISTERED) and the number of parameters (461 ERR_NEEDMOREPARAMS).
 */
export interface IrcCommand {
  minParams: number;
  /** Only after registration (001). */
  registered: boolean;
  run(s: IrcSession, m: IrcMessage): void | Promise<void>;
}

export type IrcCommandTable = Record<string, IrcCommand>;

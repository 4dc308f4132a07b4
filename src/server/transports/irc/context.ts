import type { ChatService } from '../../core/chat-service.js';
import type { Logger } from '../../core/config.js';
import type { IrcUsers } from './irc-users.js';
import type { ReasonMemory } from './reasons.js';

/** What every IRC session of one gateway shares. */
export interface GatewayContext {
  chat: ChatService;
  logger: Logger;
  /** The server's name on IRC: the source of its numerics and notices. */
  serverName: string;
  /** A file's download link for IRC users: absolute, signed, long-lived (IRC users keep logs). */
  fileLink(id: string): string;
  version: string;
  createdAt: Date;
  /** AWAY messages by user key, set from IRC (Banter's other clients have no away state). */
  away: Map<string, string>;
  /** QUIT, PART and KICK reasons given on this node, until their events arrive (reasons.ts). */
  reasons: ReasonMemory;
  /** Real names and idle times of the users with an IRC session on this node, for WHOIS. */
  ircUsers: IrcUsers;
  /** Every IRC session of this node, for away-notify. */
  sessions: Set<{ awayChanged(userName: string, message: string | undefined): void }>;
}

import { LOBBY } from '../../../protocol/index.js';
import { ERR, RPL } from './numerics.js';
import { userSource } from './render.js';
import type { IrcSession } from './session.js';

/** #lobby on IRC: the channel everyone is in, with a fixed topic and the online users as names. */
export const TOPIC = 'Banter #lobby: everyone is here. /msg <nick> for a private conversation.';

/** JOIN, the topic and the names: the burst of RFC 2812 §3.2.1. */
export async function joinLobby(s: IrcSession): Promise<void> {
  if (s.joined) return;
  s.joined = true;
  s.line(userSource(s.nick), 'JOIN', [LOBBY]);
  topic(s);
  await names(s);
}

export function topic(s: IrcSession): void {
  s.numeric(RPL.TOPIC, LOBBY, TOPIC);
  s.numeric(RPL.TOPICWHOTIME, LOBBY, s.ctx.serverName, String(Math.floor(s.ctx.createdAt.getTime() / 1000)));
}

/** RPL_NAMREPLY lines that fit 512 bytes, then RPL_ENDOFNAMES. Administrators show as `@`. */
export async function names(s: IrcSession): Promise<void> {
  const { users } = await s.request('who', {});
  const head = `:${s.ctx.serverName} ${RPL.NAMREPLY} ${s.nick} = ${LOBBY} :`;
  let batch: string[] = [];
  let bytes = Buffer.byteLength(head) + 2;
  for (const u of users) {
    const entry = `${u.role === 'admin' ? '@' : ''}${s.caps.has('userhost-in-names') ? userSource(u.user) : u.user}`;
    const add = Buffer.byteLength(entry) + 1;
    if (bytes + add > 512 && batch.length > 0) {
      s.numeric(RPL.NAMREPLY, '=', LOBBY, batch.join(' '));
      batch = [];
      bytes = Buffer.byteLength(head) + 2;
    }
    batch.push(entry);
    bytes += add;
  }
  if (batch.length > 0) s.numeric(RPL.NAMREPLY, '=', LOBBY, batch.join(' '));
  s.numeric(RPL.ENDOFNAMES, LOBBY, 'End of /NAMES list');
}

/** `#lobby` in any case; IRC channel names are case-insensitive. */
export function isLobby(name: string): boolean {
  return name.toLowerCase() === LOBBY;
}

export function noSuchChannel(s: IrcSession, name: string): void {
  s.numeric(ERR.NOSUCHCHANNEL, name, 'No such channel');
}

import { LOBBY, MAX_NAME_CHARS, MAX_REASON_CHARS, MAX_TOPIC_CHARS, roomKey } from '../../../protocol/index.js';
import { allRooms, roomBurst, viewOf } from './rooms.js';
import { MAX_HISTORY_PAGE } from './commands/chathistory.js';
import { ERR, RPL } from './numerics.js';
import { userSource } from './render.js';
import type { IrcSession } from './session.js';
import { untilText } from './translate.js';

export const TOPIC = 'Banter #lobby: everyone is here. /msg <nick> for a private conversation.';

/** RPL_ISUPPORT tokens (modern.ircdocs.horse "Feature Advertisement"). */
export function isupportTokens(): string[] {
  return [
    `AWAYLEN=${MAX_REASON_CHARS}`,
    'CASEMAPPING=ascii',
    'CHANLIMIT=#:',
    'CHANMODES=bq,,,int',
    'CHANNELLEN=32',
    'CHANTYPES=#',
    `CHATHISTORY=${MAX_HISTORY_PAGE}`,
    'ELIST=',
    `KICKLEN=${MAX_REASON_CHARS}`,
    'MAXTARGETS=4',
    'MODES=1',
    'MSGREFTYPES=msgid,timestamp',
    'NETWORK=Banter',
    `NICKLEN=${MAX_NAME_CHARS}`,
    'PREFIX=(o)@',
    'TARGMAX=INVITE:1,JOIN:20,KICK:1,NAMES:1,NOTICE:4,PART:20,PRIVMSG:4,TAGMSG:1,WHOIS:1',
    `TOPICLEN=${MAX_TOPIC_CHARS}`,
    `USERLEN=${MAX_NAME_CHARS}`,
    'UTF8ONLY',
  ];
}

/** 001-005, LUSERS, MOTD, then #lobby: what a client needs to consider itself connected. */
export async function welcome(s: IrcSession): Promise<void> {
  const { serverName, version, createdAt } = s.ctx;
  s.numeric(RPL.WELCOME, `Welcome to the Banter IRC gateway, ${userSource(s.nick)}`);
  s.numeric(RPL.YOURHOST, `Your host is ${serverName}, running version ${version}`);
  s.numeric(RPL.CREATED, `This server was created ${createdAt.toUTCString()}`);
  s.numeric(RPL.MYINFO, serverName, version, 'i', 'bnot');
  const tokens = isupportTokens();
  for (let i = 0; i < tokens.length; i += 12) s.numeric(RPL.ISUPPORT, ...tokens.slice(i, i + 12), 'are supported by this server');
  await lusers(s);
  motd(s);
  await joinLobby(s);
  await joinMyRooms(s);
  const record = s.core.user?.record;
  const until = record ? s.ctx.chat.activeMute(record) : null;
  if (until !== null) s.notice(`You are muted ${untilText(until)}`);
}

/** A JOIN burst for every room the user is a member of: on IRC as in Banter, they are in them. */
async function joinMyRooms(s: IrcSession): Promise<void> {
  for (const r of await allRooms(s, true)) if (!s.rooms.has(roomKey(r.room))) await roomBurst(s, viewOf(r));
}

export async function lusers(s: IrcSession): Promise<void> {
  const { users } = await s.request('who', {});
  const admins = users.filter((u) => u.role === 'admin').length;
  s.numeric(RPL.LUSERCLIENT, `There are ${users.length} users and 0 invisible on 1 servers`);
  s.numeric(RPL.LUSEROP, String(admins), 'operator(s) online');
  // #lobby and the rooms this user can see (private rooms of others are not told).
  const rooms = await allRooms(s);
  s.numeric(RPL.LUSERCHANNELS, String(rooms.length + 1), 'channels formed');
  s.numeric(RPL.LUSERME, `I have ${users.length} clients and 1 servers`);
}

export function motd(s: IrcSession): void {
  s.numeric(RPL.MOTDSTART, `- ${s.ctx.serverName} Message of the day -`);
  for (const line of [
    'This is Banter. Everyone is in #lobby; /msg <nick> <text> is a private conversation',
    'with any Banter user, on IRC or not. Your nick is your Banter account name.',
    'Rooms are channels: /list shows them, /join #name joins one (or creates it).',
    'Files, stickers and voice from other clients arrive as text with a link.',
  ]) {
    s.numeric(RPL.MOTD, `- ${line}`);
  }
  s.numeric(RPL.ENDOFMOTD, 'End of /MOTD command.');
}

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

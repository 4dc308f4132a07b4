import { MAX_NAME_CHARS, MAX_REASON_CHARS, MAX_TOPIC_CHARS, roomKey, untilText } from '../../../protocol/index.js';
import { allRooms, roomBurst, viewOf } from './rooms.js';
import { MAX_HISTORY_PAGE } from './commands/chathistory.js';
import { joinLobby } from './lobby.js';
import { RPL } from './numerics.js';
import { userSource } from './render.js';
import type { IrcSession } from './session.js';

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
    // Client-only tags are not relayed, except those the gateway gives a meaning: +typing goes
    // out again as typing, +draft/react becomes a Banter reaction.
    'CLIENTTAGDENY=*,-typing,-draft/react',
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

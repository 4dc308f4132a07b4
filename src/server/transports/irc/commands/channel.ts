import { LOBBY, isValidName, isValidRoomName, nameKey, roomKey } from '../../../../protocol/index.js';
import { ERR, RPL } from '../numerics.js';
import { USER_HOST, userSource } from '../render.js';
import type { IrcSession } from '../session.js';
import { TOPIC, isLobby, joinLobby, names, noSuchChannel, topic } from '../lobby.js';
import type { IrcCommandTable } from './command.js';
import { banOrMute } from './admin.js';
import { isRoomChannel } from '../rooms.js';
import { joinRoom, listRooms, namesRoom, partRoom, roomMode, topicCommand, whoRoom } from './room-commands.js';

/** Channels one JOIN or PART takes (the rest of a longer list is ignored). */
const MAX_JOIN_TARGETS = 20;

export const channelCommands: IrcCommandTable = {
  JOIN: {
    minParams: 1,
    registered: true,
    run: async (s, m) => {
      if (m.params[0] === '0') return partAll(s);
      for (const name of m.params[0]!.split(',').slice(0, MAX_JOIN_TARGETS)) {
        if (isLobby(name)) await joinLobby(s);
        else if (name.startsWith('#')) await joinRoom(s, name);
        else s.numeric(ERR.BADCHANMASK, name, 'Bad Channel Mask');
      }
    },
  },
  PART: {
    minParams: 1,
    registered: true,
    run: async (s, m) => {
      for (const name of m.params[0]!.split(',').slice(0, MAX_JOIN_TARGETS)) {
        if (isRoomChannel(name)) await partRoom(s, name, m.params[1]);
        else if (!isLobby(name)) noSuchChannel(s, name);
        else if (!s.joined) s.numeric(ERR.NOTONCHANNEL, LOBBY, "You're not on that channel");
        else part(s, m.params[1]);
      }
    },
  },
  NAMES: {
    minParams: 0,
    registered: true,
    run: async (s, m) => {
      const name = m.params[0]?.split(',')[0];
      if (name === undefined || isLobby(name)) return names(s);
      if (isRoomChannel(name)) return namesRoom(s, name);
      s.numeric(RPL.ENDOFNAMES, name, 'End of /NAMES list');
    },
  },
  TOPIC: {
    minParams: 1,
    registered: true,
    run: async (s, m) => {
      if (isRoomChannel(m.params[0]!)) return topicCommand(s, m.params[0]!, m.params[1]);
      if (!isLobby(m.params[0]!)) return noSuchChannel(s, m.params[0]!);
      if (m.params.length > 1) return s.numeric(ERR.CHANOPRIVSNEEDED, LOBBY, "You're not channel operator: the topic of #lobby is fixed");
      topic(s);
    },
  },
  LIST: {
    minParams: 0,
    registered: true,
    run: async (s, m) => {
      // LIST #a,#b lists those channels only (RFC 2812 §3.2.6); names no channel has match nothing.
      const wanted = m.params[0]?.split(',');
      const rooms = wanted && new Set(wanted.filter((n) => !isLobby(n) && isValidRoomName(n)).map(roomKey));
      s.numeric(RPL.LISTSTART, 'Channel', 'Users  Name');
      if (!wanted || wanted.some(isLobby)) {
        const { users } = await s.request('who', {});
        s.numeric(RPL.LIST, LOBBY, String(users.length), TOPIC);
      }
      if (!rooms || rooms.size > 0) await listRooms(s, rooms);
      s.numeric(RPL.LISTEND, 'End of /LIST');
    },
  },
  MODE: { minParams: 1, registered: true, run: mode },
  WHO: { minParams: 0, registered: true, run: who },
};

/** JOIN 0 (RFC 2812 §3.2.1): out of every channel, so out of every room, for real. */
async function partAll(s: IrcSession): Promise<void> {
  part(s, 'Left all channels');
  for (const view of [...s.rooms.values()]) await partRoom(s, view.name, 'Left all channels');
}

function part(s: IrcSession, reason: string | undefined): void {
  if (!s.joined) return;
  s.joined = false;
  s.line(userSource(s.nick), 'PART', reason ? [LOBBY, reason] : [LOBBY]);
}

async function mode(s: IrcSession, m: { params: string[] }): Promise<void> {
  const target = m.params[0]!;
  if (isRoomChannel(target)) return roomMode(s, target, m.params[1], m.params[2], m.params[3]);
  if (target.startsWith('#')) {
    if (!isLobby(target)) return noSuchChannel(s, target);
    const change = m.params[1];
    if (change === undefined) {
      s.numeric(RPL.CHANNELMODEIS, LOBBY, '+nt');
      return s.numeric(RPL.CREATIONTIME, LOBBY, String(Math.floor(s.ctx.createdAt.getTime() / 1000)));
    }
    // A ban list query (clients send it on join): Banter's bans are of accounts, listed by `banter admin audit`.
    if (/^[+-]?b$/.test(change) && m.params[2] === undefined) return s.numeric(RPL.ENDOFBANLIST, LOBBY, 'End of channel ban list');
    if (!s.isAdmin) return s.numeric(ERR.CHANOPRIVSNEEDED, LOBBY, "You're not channel operator");
    const flag = /^([+-])([bq])$/.exec(change);
    if (flag && m.params[2] !== undefined) return banOrMute(s, flag[1] === '+', flag[2] as 'b' | 'q', m.params[2], m.params[3]);
    return s.numeric(ERR.UNKNOWNMODE, change.replace(/^[+-]/, '').charAt(0) || change, 'is unknown mode char to me: #lobby takes +b/-b (ban) and +q/-q (mute) <nick>');
  }
  if (!s.isMe(target)) return s.numeric(ERR.USERSDONTMATCH, "Can't change mode for other users");
  if (m.params[1] !== undefined && !/^[+-]i*$/.test(m.params[1])) return s.numeric(ERR.UMODEUNKNOWNFLAG, 'Unknown MODE flag');
  s.numeric(RPL.UMODEIS, '+i');
}

/** WHO #lobby, WHO <nick> or WHO <mask>: RPL_WHOREPLY per online user, then RPL_ENDOFWHO. */
async function who(s: IrcSession, m: { params: string[] }): Promise<void> {
  const mask = m.params[0] ?? '*';
  if (isRoomChannel(mask)) return whoRoom(s, mask);
  const { users } = await s.request('who', {});
  const channelQuery = isLobby(mask);
  const matcher = channelQuery ? () => true : maskMatcher(mask);
  for (const u of users) {
    if (!matcher(u.user)) continue;
    const away = s.ctx.away.has(nameKey(u.user));
    const flags = `${away ? 'G' : 'H'}${u.role === 'admin' ? '*@' : ''}`;
    s.numeric(RPL.WHOREPLY, channelQuery || mask === '*' ? LOBBY : '*', u.user, USER_HOST, s.ctx.serverName, u.user, flags, `0 ${s.realnameOf(u.user)}`);
  }
  s.numeric(RPL.ENDOFWHO, mask, 'End of WHO list');
}

/** A nick or a glob (`*`, `?`) compared the way Banter compares names. */
function maskMatcher(mask: string): (name: string) => boolean {
  if (!/[*?]/.test(mask)) return isValidName(mask) ? (name) => nameKey(name) === nameKey(mask) : () => false;
  const pattern = [...nameKey(mask)];
  return (name) => globMatch(pattern, [...nameKey(name)]);
}

/**
 * `*` and `?` matching in O(pattern x text) at worst, with one backtrack point: a RegExp built
 * from a mask like `*a*a*a*…!` backtracks exponentially and would stall the server.
 */
function globMatch(p: string[], t: string[]): boolean {
  let i = 0;
  let j = 0;
  let star = -1;
  let mark = 0;
  while (j < t.length) {
    if (i < p.length && (p[i] === '?' || p[i] === t[j])) {
      i++;
      j++;
    } else if (i < p.length && p[i] === '*') {
      star = i++;
      mark = j;
    } else if (star >= 0) {
      i = star + 1;
      j = ++mark;
    } else return false;
  }
  while (i < p.length && p[i] === '*') i++;
  return i === p.length;
}

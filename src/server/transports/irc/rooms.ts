import { ProtocolError, isValidRoomName, nameKey, roomKey, type RoomInfo } from '../../../protocol/index.js';
import { ERR, RPL } from './numerics.js';
import { userSource } from './render.js';
import type { IrcSession } from './session.js';

/**
 * Banter rooms as IRC channels. The core's membership is the truth: a session shows a room as a
 * joined channel from the room's `joined` event (or a JOIN reply) until its `left` event. What a
 * session keeps is only what IRC lines need and the events do not carry: the spelling, the owner
 * (for `@` and MODE -o), privacy and the topic.
 */
export interface RoomView {
  /** "#" + the name as created: what every line says. */
  name: string;
  owner: string;
  private: boolean;
  topic: string;
}

/** A channel name other than #lobby. */
export function isRoomChannel(name: string): boolean {
  return name.startsWith('#') && name.toLowerCase() !== '#lobby';
}

export function viewOf(info: RoomInfo): RoomView {
  return { name: info.room, owner: info.owner, private: info.private, topic: info.topic };
}

/**
 * Every room `rooms` lists for this session's user (with `joined`, only the rooms they are in),
 * page by page: one reply lists at most MAX_ROOMS_LIMIT, and a room past the first page is as
 * real as any other.
 */
export async function allRooms(s: IrcSession, joined = false): Promise<RoomInfo[]> {
  const all: RoomInfo[] = [];
  let after: string | undefined;
  do {
    const page = await s.request('rooms', { ...(joined ? { joined } : {}), ...(after === undefined ? {} : { after }) });
    all.push(...page.rooms);
    after = page.next;
  } while (after !== undefined);
  return all;
}

/** The room's display name if this session shows it, else the name as given. */
export function shownName(s: IrcSession, name: string): string {
  return isValidRoomName(name) ? (s.rooms.get(roomKey(name))?.name ?? name) : name;
}

/** JOIN, the topic and NAMES: RFC 2812 §3.2.1. */
export async function roomBurst(s: IrcSession, view: RoomView): Promise<void> {
  s.rooms.set(roomKey(view.name), view);
  s.line(userSource(s.nick), 'JOIN', [view.name]);
  joinTopic(s, view);
  await roomNames(s, view.name);
}

/** The topic in a JOIN burst: RPL_TOPIC, and nothing when there is none (Modern, JOIN). */
function joinTopic(s: IrcSession, view: RoomView): void {
  if (view.topic !== '') s.numeric(RPL.TOPIC, view.name, view.topic);
}

/** TOPIC #room: RPL_TOPIC, or RPL_NOTOPIC when there is none. */
export function roomTopic(s: IrcSession, view: RoomView): void {
  if (view.topic === '') s.numeric(RPL.NOTOPIC, view.name, 'No topic is set');
  else s.numeric(RPL.TOPIC, view.name, view.topic);
}

/** RPL_NAMREPLY from `members` (the owner as `@`), then RPL_ENDOFNAMES; only the end for a non-member. */
export async function roomNames(s: IrcSession, name: string): Promise<void> {
  const view = s.rooms.get(roomKey(name));
  const shown = view?.name ?? name;
  let members: { user: string; owner: boolean }[] = [];
  try {
    members = (await s.request('members', { room: name })).members;
  } catch (err) {
    if (!(err instanceof ProtocolError)) throw err;
  }
  namesLines(s, view?.private ? '*' : '=', shown, members.map((m) => `${m.owner ? '@' : ''}${s.caps.has('userhost-in-names') ? userSource(m.user) : m.user}`));
}

/** RPL_NAMREPLY lines that fit 512 bytes, then RPL_ENDOFNAMES. */
export function namesLines(s: IrcSession, symbol: string, channel: string, entries: string[]): void {
  const head = Buffer.byteLength(`:${s.ctx.serverName} ${RPL.NAMREPLY} ${s.nick} ${symbol} ${channel} :\r\n`);
  let batch: string[] = [];
  let bytes = head;
  for (const entry of entries) {
    const add = Buffer.byteLength(entry) + 1;
    if (bytes + add > 512 && batch.length > 0) {
      s.numeric(RPL.NAMREPLY, symbol, channel, batch.join(' '));
      batch = [];
      bytes = head;
    }
    batch.push(entry);
    bytes += add;
  }
  if (batch.length > 0) s.numeric(RPL.NAMREPLY, symbol, channel, batch.join(' '));
  s.numeric(RPL.ENDOFNAMES, channel, 'End of /NAMES list');
}

/** A room the core says this session's user is now in (joined elsewhere, or invited; `info` from its `joined` event): show it. */
export async function roomArrived(s: IrcSession, info: RoomInfo): Promise<void> {
  if (s.rooms.has(roomKey(info.room))) return;
  await roomBurst(s, viewOf(info));
}

/** A refused room request as IRC says it; `nick` is the user the request was about, if any. */
export function roomRefused(s: IrcSession, channel: string, err: unknown, nick?: string): void {
  const e = err instanceof ProtocolError ? err : new ProtocolError('INTERNAL', 'the request failed');
  const shown = shownName(s, channel);
  switch (e.code) {
    case 'NO_SUCH_ROOM':
    case 'INVALID_NAME':
      return s.numeric(ERR.NOSUCHCHANNEL, channel, 'No such channel');
    case 'FORBIDDEN':
      return s.numeric(ERR.CHANOPRIVSNEEDED, shown, `You're not channel operator (${e.message})`);
    case 'MUTED':
      return s.numeric(ERR.CANNOTSENDTOCHAN, shown, `Cannot send to channel (${e.message})`);
    case 'NO_SUCH_USER':
      return s.numeric(ERR.NOSUCHNICK, nick ?? channel, 'No such nick/channel');
    case 'TOO_MANY_ROOMS':
      return s.numeric(ERR.TOOMANYCHANNELS, shown, `You have joined too many channels (${e.message})`);
    case 'NOT_A_MEMBER':
      if (nick !== undefined && !s.isMe(nick) && s.rooms.has(roomKey(channel))) return s.numeric(ERR.USERNOTINCHANNEL, nick, shown, "They aren't on that channel");
      return s.numeric(ERR.NOTONCHANNEL, shown, "You're not on that channel");
    default:
      return s.notice(`${shown}: ${e.message}`);
  }
}

export function sameUser(a: string, b: string): boolean {
  return nameKey(a) === nameKey(b);
}

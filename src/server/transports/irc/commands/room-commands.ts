import { ProtocolError, isValidName, isValidRoomName, nameKey, roomKey, type RoomInfo } from '../../../../protocol/index.js';
import { ERR, RPL } from '../numerics.js';
import { kickKey, partKey } from '../reasons.js';
import { USER_HOST } from '../render.js';
import { allRooms, roomBurst, roomNames, roomRefused, roomTopic, shownName, viewOf } from '../rooms.js';
import type { IrcSession } from '../session.js';

const BAD_ROOM = 'No such channel: a room name is # and 1-32 letters, digits, _ . -';

/**
 * JOIN #room: Banter `join`; a room that does not exist is created (public, the joiner its owner),
 * as IRC servers create channels. A private room without an invitation is 473.
 */
export async function joinRoom(s: IrcSession, name: string): Promise<void> {
  if (!isValidRoomName(name)) return s.numeric(ERR.NOSUCHCHANNEL, name, BAD_ROOM);
  const key = roomKey(name);
  if (s.rooms.has(key)) return; // JOIN of a channel you are in: nothing (and no request)
  s.pendingJoins.add(key);
  let info: RoomInfo;
  try {
    info = await joinOrCreate(s, name);
  } catch (err) {
    if (err instanceof ProtocolError && err.code === 'NOT_A_MEMBER') return s.numeric(ERR.INVITEONLYCHAN, name, `Cannot join channel (+i): ${err.message}`);
    return roomRefused(s, name, err);
  } finally {
    s.pendingJoins.delete(key);
  }
  if (s.rooms.has(key)) return; // shown meanwhile (its `joined` event came another way)
  await roomBurst(s, viewOf(info));
}

async function joinOrCreate(s: IrcSession, name: string): Promise<RoomInfo> {
  try {
    return await s.request('join', { room: name });
  } catch (err) {
    if (!(err instanceof ProtocolError) || err.code !== 'NO_SUCH_ROOM') throw err;
  }
  try {
    return await s.request('create', { room: name });
  } catch (err) {
    // Someone created it in between: join theirs.
    if (err instanceof ProtocolError && err.code === 'ROOM_EXISTS') return s.request('join', { room: name });
    throw err;
  }
}

/** PART #room: Banter `leave`; the PART line comes with the room's `left` event (translate.ts). */
export async function partRoom(s: IrcSession, name: string, reason: string | undefined): Promise<void> {
  if (!isValidRoomName(name)) return s.numeric(ERR.NOSUCHCHANNEL, name, BAD_ROOM);
  const key = roomKey(name);
  const reasonKey = partKey(key, nameKey(s.nick));
  // For the other members' sessions on this node (reasons.ts); none given, none shown. A user
  // muted server-wide or in this room still leaves, but their reason is shown to nobody else.
  const shown = reason && !(await s.core.domain.rooms.mutedIn(s.core.user!.record, name)) ? reason : undefined;
  if (reason) s.partReasons.set(key, reason);
  if (shown) s.ctx.reasons.set(reasonKey, shown);
  else s.ctx.reasons.delete(reasonKey);
  try {
    await s.request('leave', { room: name });
  } catch (err) {
    s.partReasons.delete(key);
    s.ctx.reasons.delete(reasonKey);
    roomRefused(s, name, err);
  }
}

/** TOPIC #room: 332/331; TOPIC #room :text sets it (owner), the TOPIC line coming with the `topic` event. */
export async function topicCommand(s: IrcSession, name: string, text: string | undefined): Promise<void> {
  if (!isValidRoomName(name)) return s.numeric(ERR.NOSUCHCHANNEL, name, BAD_ROOM);
  if (text === undefined) {
    const view = s.rooms.get(roomKey(name));
    if (view) return roomTopic(s, view);
    const info = (await allRooms(s)).find((r) => roomKey(r.room) === roomKey(name));
    if (!info) return s.numeric(ERR.NOSUCHCHANNEL, name, 'No such channel');
    return roomTopic(s, viewOf(info));
  }
  await s.request('topic', { room: name, topic: text }).catch((err: unknown) => roomRefused(s, name, err));
}

/** INVITE nick #room: Banter `invite` (owner), which makes the user a member at once. */
export async function inviteCommand(s: IrcSession, nick: string, name: string): Promise<void> {
  if (!isValidRoomName(name)) return s.numeric(ERR.NOSUCHCHANNEL, name, BAD_ROOM);
  const inRoom = s.rooms.has(roomKey(name));
  // Banter's invite of a member changes nothing and says so to no one; IRC says 443 (Modern).
  if (inRoom && isValidName(nick)) {
    const members = await s.request('members', { room: name }).then((r) => r.members, () => []);
    if (members.some((m) => nameKey(m.user) === nameKey(nick))) return s.numeric(ERR.USERONCHANNEL, nick, shownName(s, name), 'is already on channel');
  }
  try {
    const r = await s.request('invite', { room: name, user: nick });
    s.numeric(RPL.INVITING, r.user, shownName(s, r.room));
  } catch (err) {
    // Not being in the channel comes before not being its operator (RFC 2812 §3.2.7, Modern).
    if (err instanceof ProtocolError && err.code === 'FORBIDDEN' && !inRoom) return s.numeric(ERR.NOTONCHANNEL, name, "You're not on that channel");
    roomRefused(s, name, err, nick);
  }
}

/**
 * KICK #room nick [:comment]: Banter `remove` (owner or administrator); the KICK line comes with
 * `left`, with the comment for this node's IRC sessions (reasons.ts).
 */
export async function kickFromRoom(s: IrcSession, name: string, nick: string, comment: string | undefined): Promise<void> {
  if (!isValidRoomName(name)) return s.numeric(ERR.NOSUCHCHANNEL, name, BAD_ROOM);
  const reasonKey = isValidName(nick) ? kickKey(roomKey(name), nameKey(nick)) : undefined;
  if (reasonKey) {
    if (comment) s.ctx.reasons.set(reasonKey, comment);
    else s.ctx.reasons.delete(reasonKey);
  }
  await s.request('remove', { room: name, user: nick }).catch((err: unknown) => {
    if (reasonKey) s.ctx.reasons.delete(reasonKey);
    roomRefused(s, name, err, nick);
  });
}

/** MODE #room: +i shows a private room; +q/-q nick [minutes] room mute; +o nick hands the room over. */
export async function roomMode(s: IrcSession, name: string, change: string | undefined, nick: string | undefined, extra: string | undefined): Promise<void> {
  if (!isValidRoomName(name)) return s.numeric(ERR.NOSUCHCHANNEL, name, BAD_ROOM);
  const shown = shownName(s, name);
  if (change === undefined) {
    let view = s.rooms.get(roomKey(name));
    if (!view) {
      const info = (await allRooms(s)).find((r) => roomKey(r.room) === roomKey(name));
      if (!info) return s.numeric(ERR.NOSUCHCHANNEL, name, 'No such channel');
      view = viewOf(info);
    }
    return s.numeric(RPL.CHANNELMODEIS, view.name, view.private ? '+int' : '+nt');
  }
  if (/^[+-]?b$/.test(change) && nick === undefined) return s.numeric(RPL.ENDOFBANLIST, shown, 'End of channel ban list');
  const flag = /^([+-])([qo])$/.exec(change);
  if (!flag || nick === undefined || (flag[2] === 'o' && flag[1] === '-')) {
    return s.numeric(ERR.UNKNOWNMODE, change.replace(/^[+-]/, '').charAt(0) || change, `is unknown mode char to me: rooms take +q/-q <nick> (mute), +o <nick> (hand over); +i is set at creation`);
  }
  const minutes = extra !== undefined && /^\d+(\.\d+)?$/.test(extra) ? Number(extra) : undefined;
  try {
    if (flag[2] === 'o') await s.request('owner', { room: name, user: nick });
    else if (flag[1] === '-') await s.request('room_unmute', { room: name, user: nick });
    else await s.request('room_mute', minutes === undefined ? { room: name, user: nick } : { room: name, user: nick, minutes });
  } catch (err) {
    roomRefused(s, name, err, nick);
  }
}

/** WHO #room: RPL_WHOREPLY per member (H here, G away or offline; @ the owner). */
export async function whoRoom(s: IrcSession, name: string): Promise<void> {
  const shown = shownName(s, name);
  try {
    const { members } = await s.request('members', { room: name });
    for (const m of members) {
      const flags = `${m.online && !s.ctx.away.has(nameKey(m.user)) ? 'H' : 'G'}${m.owner ? '@' : ''}`;
      s.numeric(RPL.WHOREPLY, shown, m.user, USER_HOST, s.ctx.serverName, m.user, flags, `0 ${s.realnameOf(m.user)}`);
    }
  } catch (err) {
    // Refused (a private room one is not in, no such room): the answer is an empty list.
    if (!(err instanceof ProtocolError)) throw err;
  }
  s.numeric(RPL.ENDOFWHO, name, 'End of WHO list');
}

export async function namesRoom(s: IrcSession, name: string): Promise<void> {
  if (!isValidRoomName(name)) return s.numeric(RPL.ENDOFNAMES, name, 'End of /NAMES list');
  await roomNames(s, name);
}

/** 322 lines for the rooms `rooms` lists (the public ones and the private ones the user is in), or those of them whose keys are given. */
export async function listRooms(s: IrcSession, only?: ReadonlySet<string>): Promise<void> {
  // Page by page: one `rooms` reply lists at most MAX_ROOMS_LIMIT.
  let after: string | undefined;
  do {
    const { rooms, next } = await s.request('rooms', after === undefined ? {} : { after });
    for (const r of rooms) if (!only || only.has(roomKey(r.room))) s.numeric(RPL.LIST, r.room, String(r.members), `${r.private ? '[+int] ' : '[+nt] '}${r.topic}`);
    after = next;
  } while (after !== undefined);
}

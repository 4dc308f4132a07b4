import { nameKey, roomKey, untilText, type ServerEvent } from '../../../protocol/index.js';
import { kickKey, partKey } from './reasons.js';
import { userSource } from './render.js';
import { roomArrived } from './rooms.js';
import type { IrcSession } from './session.js';

type RoomEvent = Extract<ServerEvent, { ev: 'joined' | 'left' | 'members' | 'topic' | 'owner' | 'room_muted' }>;

/** A room event as IRC lines: JOIN/PART/KICK from the users concerned, TOPIC, MODE +o/+q. */
export function roomEvent(s: IrcSession, e: RoomEvent): void {
  const key = roomKey(e.room);
  const server = s.ctx.serverName;
  switch (e.ev) {
    case 'joined':
      // In again: an old PART reason or KICK comment must not explain a later leave.
      s.ctx.reasons.delete(partKey(key, nameKey(e.user)));
      s.ctx.reasons.delete(kickKey(key, nameKey(e.user)));
      if (!s.isMe(e.user)) return s.line(userSource(e.user), 'JOIN', [e.room]);
      if (e.by !== undefined && !s.isMe(e.by)) s.line(userSource(e.by), 'INVITE', [s.nick, e.room]);
      // This connection's own JOIN shows the burst from its reply; anything else (another device,
      // an invitation) is shown here.
      if (s.pendingJoins.has(key) || s.rooms.has(key)) return;
      // A failure here is the connection closing meanwhile (the request is refused): nothing to show.
      void roomArrived(s, e.info).catch((err: unknown) => s.ctx.logger.debug({ err, peer: s.peer.id }, 'IRC room burst not sent'));
      return;
    case 'left': {
      const removed = e.by !== undefined && e.by.toLowerCase() !== e.user.toLowerCase();
      if (s.isMe(e.user)) {
        if (!s.rooms.delete(key)) return;
      }
      const userKey = nameKey(e.user);
      if (removed) {
        // The KICK comment given on this node, else RFC 2812's default: the kicker's nick.
        const comment = s.ctx.reasons.get(kickKey(key, userKey)) ?? e.by!;
        return s.line(userSource(e.by!), 'KICK', [e.room, e.user, comment]);
      }
      // The reason of this connection's PART (the event may come after the `leave` reply), or
      // of another member's PART given on this node (reasons.ts).
      const reason = s.isMe(e.user) ? s.partReasons.get(key) : s.ctx.reasons.get(partKey(key, userKey));
      if (s.isMe(e.user)) s.partReasons.delete(key);
      return s.line(userSource(e.user), 'PART', reason ? [e.room, reason] : [e.room]);
    }
    case 'members':
      // A big room's joins and leaves, batched: the names listed, as JOIN and PART; `more` (the
      // changes not listed) shows nothing, NAMES has the full list.
      for (const name of e.joined) if (!s.isMe(name)) s.line(userSource(name), 'JOIN', [e.room]);
      for (const name of e.left) if (!s.isMe(name)) s.line(userSource(name), 'PART', [e.room]);
      return;
    case 'topic': {
      const view = s.rooms.get(key);
      if (view) view.topic = e.topic;
      return s.line(userSource(e.by), 'TOPIC', [e.room, e.topic]);
    }
    case 'owner': {
      const view = s.rooms.get(key);
      const old = view?.owner;
      if (view) view.owner = e.owner;
      if (old && old.toLowerCase() !== e.owner.toLowerCase()) return s.line(userSource(e.by), 'MODE', [e.room, '-o+o', old, e.owner]);
      return s.line(userSource(e.by), 'MODE', [e.room, '+o', e.owner]);
    }
    case 'room_muted':
      s.line(server, 'MODE', [e.room, e.until === null ? '-q' : '+q', e.user]);
      if (s.isMe(e.user)) s.notice(e.until === null ? `You are no longer muted in ${e.room}` : `You are muted in ${e.room} ${untilText(e.until)}`);
      return;
  }
}

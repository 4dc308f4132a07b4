import { LOBBY, nameKey, untilText, type ChatMessage, type ServerEvent } from '../../../protocol/index.js';
import type { OutboundEvent } from '../../shared/outbound-event.js';
import { formatMessage, formatTags } from './message.js';
import { renderMessage, renderShared, userSource } from './render.js';
import type { IrcSession } from './session.js';
import { splitBytes } from './text.js';
import { quitKey } from './reasons.js';
import { roomEvent } from './room-events.js';
import { updateEvent } from './updates.js';

/** One core event as IRC lines for this session (nothing for what IRC has no use for). */
export function translateEvent(s: IrcSession, event: OutboundEvent): void {
  const e = event.event;
  const server = s.ctx.serverName;
  switch (e.ev) {
    case 'msg': {
      if (e.conv === LOBBY && !s.joined) return;
      // Without echo-message a client does not get back what it sent itself (other connections
      // of the same user do: that is how a bouncer shows what you said elsewhere).
      if (!s.caps.has('echo-message') && e.cid?.startsWith(s.cidPrefix)) return;
      const m: ChatMessage = e;
      s.peer.send(renderShared(event, s.style, () => renderMessage(m, s.nick, s.style, s.ctx.fileLink)));
      return;
    }
    case 'presence': {
      if (s.isMe(e.user)) return;
      if (!e.online) s.ctx.away.delete(nameKey(e.user));
      if (!s.joined) return;
      if (e.online) {
        // Back online: an old QUIT message must not explain a later disconnection.
        s.ctx.reasons.delete(quitKey(nameKey(e.user)));
        return s.line(userSource(e.user), 'JOIN', [LOBBY]);
      }
      // The QUIT message of the user's last connection, when it was given on this node.
      const reason = s.ctx.reasons.get(quitKey(nameKey(e.user)));
      s.line(userSource(e.user), 'QUIT', [reason === undefined ? 'Offline' : `Quit: ${reason}`]);
      return;
    }
    case 'notice': {
      const source = e.from === undefined ? server : userSource(e.from);
      const target = s.joined ? LOBBY : s.nick;
      const overhead = Buffer.byteLength(`:${source} NOTICE ${target} :\r\n`);
      const tags = s.style.serverTime ? formatTags([['time', new Date(e.ts).toISOString()]]) : undefined;
      for (const line of e.text.split('\n')) {
        for (const piece of splitBytes(line, 512 - overhead)) if (piece.trim() !== '') s.line(source, 'NOTICE', [target, piece], tags);
      }
      return;
    }
    case 'muted':
      s.muteReason = e.reason;
      s.notice(`You are muted ${untilText(e.until)}${e.reason ? `: ${e.reason}` : ''}`);
      return;
    case 'unmuted':
      s.muteReason = undefined;
      s.notice('You are no longer muted');
      return;
    case 'joined':
    case 'left':
    case 'members':
    case 'topic':
    case 'owner':
    case 'room_muted':
      return roomEvent(s, e);
    case 'update':
      return updateEvent(s, e);
    case 'typing': {
      if (!s.caps.has('message-tags')) return;
      const target = e.conv.startsWith('#') ? e.conv : s.nick;
      if (target === LOBBY && !s.joined) return;
      s.line(userSource(e.user), 'TAGMSG', [target], '+typing=active');
      return;
    }
    case 'ping':
      s.line(undefined, 'PING', [server]);
      return;
    case 'error':
      s.notice(e.error.message);
      return;
    default:
      return;
  }
}

/** The last lines before the core closes the connection: KICK/KILL and ERROR, as IRC servers end them. */
export function closingLines(s: IrcSession, e: ServerEvent | undefined): string {
  const server = s.ctx.serverName;
  const error = (reason: string): string => formatMessage(undefined, 'ERROR', [`Closing Link: ${s.peer.address} (${reason})`]);
  switch (e?.ev) {
    case 'kicked':
      return (s.joined ? formatMessage(server, 'KICK', [LOBBY, s.nick, e.reason]) : '') + error(`Kicked: ${e.reason}`);
    case 'banned':
      return formatMessage(server, 'KILL', [s.nick, `Banned: ${e.reason}`]) + error(`Banned: ${e.reason}`);
    case 'shutdown':
      return error(`Server shutting down: ${e.reason}`);
    case 'error': {
      const { code, message } = e.error;
      // The core's login deadline is IRC's registration timeout.
      if (code === 'TIMEOUT') return error(message.startsWith('not logged in') ? 'Registration timed out' : `Ping timeout: ${message}`);
      if (code === 'SLOW_CONSUMER') return error('SendQ exceeded');
      return error(message);
    }
    default:
      return error('Closed');
  }
}

import { LOBBY, ProtocolError, isValidName, isValidRoomName, nameKey, untilText } from '../../../../protocol/index.js';
import { ERR, RPL } from '../numerics.js';
import type { IrcMessage } from '../message.js';
import type { IrcSession } from '../session.js';
import { fromIrcText } from '../text.js';
import { seqOfMessageId } from '../render.js';
import { isLobby } from '../lobby.js';
import type { IrcCommandTable } from './command.js';

const MAX_TARGETS = 4;

export const messagingCommands: IrcCommandTable = {
  PRIVMSG: { minParams: 0, registered: true, run: (s, m) => message(s, m, true) },
  // RFC 2812 §3.3.2: no automatic reply to a NOTICE, from servers either.
  NOTICE: { minParams: 0, registered: true, run: (s, m) => message(s, m, false) },
  TAGMSG: {
    minParams: 1,
    registered: true,
    run: async (s, m) => {
      const to = destination(m.params[0]!);
      if (!to) return;
      const emoji = m.tags.get('+draft/react') ?? m.tags.get('+draft/unreact');
      const reply = m.tags.get('+draft/reply');
      if (emoji && reply) return react(s, to, reply, emoji, m.tags.has('+draft/react'));
      // A refused typing notice (muted, not a member) has no reply: TAGMSG gets none, as NOTICE.
      if (m.tags.get('+typing') === 'active') await s.request('typing', { to }).catch(() => undefined);
    },
  },
};

/** `#lobby` (any case), `#room` or `@nick`; undefined for what Banter has no conversation for. */
function destination(target: string): string | undefined {
  if (isLobby(target)) return LOBBY;
  if (target.startsWith('#')) return isValidRoomName(target) ? target : undefined;
  return isValidName(target) ? `@${target}` : undefined;
}

async function message(s: IrcSession, m: IrcMessage, replies: boolean): Promise<void> {
  const [targets, raw] = m.params;
  if (targets === undefined || targets === '') return void (replies && s.numeric(ERR.NORECIPIENT, `No recipient given (${m.command})`));
  if (raw === undefined || raw === '') return void (replies && s.numeric(ERR.NOTEXTTOSEND, 'No text to send'));
  const text = fromIrcText(raw);
  if (text === undefined) return; // a CTCP request other than ACTION: not a message
  if (text.trim() === '') return void (replies && s.numeric(ERR.NOTEXTTOSEND, 'No text to send'));
  const list = targets.split(',').slice(0, MAX_TARGETS);
  // One target after the other: their replies come in the order the targets were given.
  for (const target of list) await sendOne(s, target, text, replies ? 'PRIVMSG' : 'NOTICE');
}

async function sendOne(s: IrcSession, target: string, text: string, command: 'PRIVMSG' | 'NOTICE'): Promise<void> {
  const replies = command === 'PRIVMSG';
  const to = destination(target);
  if (!to) {
    if (replies) {
      if (target.startsWith('#')) s.numeric(ERR.NOSUCHCHANNEL, target, 'No such channel');
      else s.numeric(ERR.NOSUCHNICK, target, 'No such nick/channel');
    }
    return;
  }
  if (to === LOBBY && !s.joined) return void (replies && s.numeric(ERR.CANNOTSENDTOCHAN, LOBBY, 'Cannot send to channel (JOIN #lobby first)'));
  try {
    await s.request('send', { to, text, cid: s.nextCid(command) });
  } catch (err) {
    if (replies) refused(s, target, err);
    return;
  }
  const away = to.startsWith('#') ? undefined : s.ctx.away.get(nameKey(target));
  if (replies && away !== undefined) s.numeric(RPL.AWAY, target, away);
}

/** Why a message was not delivered, as IRC says it: 404 (muted, flood), 401 (no such user). */
function refused(s: IrcSession, target: string, err: unknown): void {
  const e = err instanceof ProtocolError ? err : new ProtocolError('INTERNAL', 'the message could not be sent');
  const room = target.startsWith('#') && !isLobby(target);
  switch (e.code) {
    case 'MUTED':
      if (room && e.details.room !== undefined) {
        s.numeric(ERR.CANNOTSENDTOCHAN, target, 'Cannot send to channel (you are muted in it)');
        s.notice(`${e.message}; your message was not delivered`);
        return;
      }
      s.numeric(ERR.CANNOTSENDTOCHAN, target, 'Cannot send to channel (you are muted)');
      s.notice(`You are muted ${untilText(e.extra.until ?? null)}${s.muteReason ? `: ${s.muteReason}` : ''}; your message was not delivered`);
      return;
    case 'RATE_LIMITED':
      s.numeric(ERR.CANNOTSENDTOCHAN, target, `Cannot send to channel (flood control: try again in ${e.extra.retry_after ?? 1} s)`);
      return;
    case 'NO_SUCH_ROOM':
      s.numeric(ERR.NOSUCHCHANNEL, target, 'No such channel');
      return;
    case 'NOT_A_MEMBER':
      s.numeric(ERR.CANNOTSENDTOCHAN, target, `Cannot send to channel (${e.message})`);
      return;
    case 'NO_SUCH_USER':
      s.numeric(ERR.NOSUCHNICK, target, 'No such nick/channel');
      return;
    default:
      s.numeric(ERR.CANNOTSENDTOCHAN, target, `Cannot send to channel (${e.message})`);
  }
}

/**
 * A `+draft/react` (or `+draft/unreact`) TAGMSG replying to a msgid: Banter's `react`, which
 * toggles, sent only when it changes the reaction the way the tag asks. Refusals are silent
 * (TAGMSG gets no replies, as NOTICE).
 */
async function react(s: IrcSession, conv: string, msgid: string, emoji: string, add: boolean): Promise<void> {
  const seq = seqOfMessageId(msgid);
  if (seq === undefined) return;
  try {
    const { messages } = await s.request('history', { conv, after: seq - 1, limit: 1 });
    const message = messages.find((x) => x.seq === seq);
    if (!message) return;
    const mine = (message.reactions?.[emoji] ?? []).some((u) => s.isMe(u));
    if (mine !== add) await s.request('react', { conv, seq, emoji });
  } catch {
    // not a message, not an emoji, muted: nothing to say on a TAGMSG
  }
}

import { LOBBY, nameKey, roomKey, type ChatMessage } from '../../../protocol/index.js';
import { EventFormat, type OutboundEvent } from '../../shared/outbound-event.js';
import { formatMessage, formatTags } from './message.js';
import { messageTexts, splitBytes, toIrcText } from './text.js';

/** The host part of every user's prefix: `nick!nick@banter`. */
export const USER_HOST = 'banter';

export function userSource(name: string): string {
  return `${name}!${name}@${USER_HOST}`;
}

/** Which optional parts of a line a client asked for (CAP REQ); lines differ only by these. */
export interface LineStyle {
  serverTime: boolean;
  messageTags: boolean;
}

export function styleKey(s: LineStyle): string {
  return `${s.serverTime ? 't' : ''}${s.messageTags ? 'm' : ''}`;
}

/**
 * A message id for IRCv3 `msgid` and CHATHISTORY: the conversation and the seq, the same for
 * both parties of a private conversation ('~' cannot occur in a Banter name).
 */
export function messageId(m: ChatMessage, viewerName: string): string {
  if (m.conv === LOBBY) return `lobby~${m.seq}`;
  if (m.conv.startsWith('#')) return `room~${roomKey(m.conv).slice(1)}~${m.seq}`;
  const [a, b] = [nameKey(m.from), nameKey(nameKey(m.from) === nameKey(viewerName) ? m.conv.slice(1) : viewerName)].sort();
  return `dm~${a}~${b}~${m.seq}`;
}

/** The seq a msgid names, if it is one of ours. */
export function seqOfMessageId(id: string): number | undefined {
  const m = /~(\d{1,15})$/.exec(id);
  return m ? Number(m[1]) : undefined;
}

/** Messages IRC users sent as NOTICE carry a cid the gateway made (session.nextCid): `irc-<12>-n<n>`. */
const NOTICE_CID = /^irc-[A-Za-z0-9_-]{12}-n\d+$/;

/** Where a message shows on IRC for this viewer: #lobby, the #room, or the other party's nick or the viewer's. */
export function ircTarget(m: ChatMessage, viewerName: string): string {
  if (m.conv.startsWith('#')) return m.conv;
  return nameKey(m.from) === nameKey(viewerName) ? m.conv.slice(1) : viewerName;
}

/**
 * One Banter message as IRC PRIVMSG lines (NOTICE for what an IRC user sent as one): one per text line, each cut to fit the 512-byte line
 * (tags aside), files and stickers as text with a link. `batch` tags history replays.
 */
export function renderMessage(m: ChatMessage, viewerName: string, style: LineStyle, fileLink: (id: string) => string, batch?: string): string {
  const source = userSource(m.from);
  const target = ircTarget(m, viewerName);
  const command = m.cid !== undefined && NOTICE_CID.test(m.cid) ? 'NOTICE' : 'PRIVMSG';
  const overhead = Buffer.byteLength(`:${source} ${command} ${target} :\r\n`);
  const tags: [string, string][] = [];
  if (batch !== undefined) tags.push(['batch', batch]);
  if (style.serverTime) tags.push(['time', new Date(m.ts).toISOString()]);
  if (style.messageTags) tags.push(['msgid', messageId(m, viewerName)]);
  let out = '';
  let first = true;
  for (const line of messageTexts(m, fileLink)) {
    const action = line.startsWith('/me ');
    const budget = 512 - overhead - (action ? 9 : 0);
    for (const piece of splitBytes(action ? line.slice(4) : line, budget)) {
      const text = action ? toIrcText(`/me ${piece}`) : piece;
      // Only the first piece carries the msgid: the others are parts of the same message.
      const lineTags = first ? tags : tags.filter(([k]) => k !== 'msgid');
      out += formatMessage(source, command, [target, text], lineTags.length > 0 ? formatTags(lineTags) : undefined);
      first = false;
    }
  }
  return out;
}

// The core hands one event object to every recipient: rendering it once per line style serves
// every IRC recipient of it (a lobby message to 5 000 IRC users is at most four renderings).
const formats = new Map<string, EventFormat<Buffer>>();

function formatOf(style: LineStyle): EventFormat<Buffer> {
  const key = styleKey(style);
  let format = formats.get(key);
  if (!format) formats.set(key, (format = new EventFormat<Buffer>(`irc-${key}`)));
  return format;
}

/**
 * The IRC rendering of an event for one line style, made once. Only for renderings that depend
 * on nothing but the event and the style: the core's event for a private message is already
 * per recipient user, so the viewer's own name is the same for every session that gets it.
 */
export function renderShared(event: OutboundEvent, style: LineStyle, render: () => string): Buffer {
  return event.encodedAs(formatOf(style), () => Buffer.from(render()));
}

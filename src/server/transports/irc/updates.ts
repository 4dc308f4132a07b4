import { LOBBY, type EventBodies } from '../../../protocol/index.js';
import { formatTags } from './message.js';
import { ircTarget, messageId, userSource } from './render.js';
import type { IrcSession } from './session.js';
import { splitBytes } from './text.js';

/**
 * An edit as a NOTICE "* alice edited: <text>", a delete as a NOTICE, a reaction as an IRCv3
 * `+draft/react` TAGMSG replying to the msgid (only to clients with message-tags: others get
 * nothing for reactions).
 */
export function updateEvent(s: IrcSession, e: EventBodies['update']): void {
  if (e.conv === LOBBY && !s.joined) return;
  const id = messageId(e, s.nick);
  const change = e.change;
  const target = ircTarget(e, s.nick);
  const tags: [string, string][] = [];
  if (s.style.serverTime) tags.push(['time', new Date().toISOString()]);
  if (s.style.messageTags) tags.push(['+draft/reply', id]);
  const tagText = tags.length > 0 ? formatTags(tags) : undefined;
  switch (change.kind) {
    case 'edit': {
      const source = userSource(e.from);
      const head = `* ${e.from} edited: `;
      const overhead = Buffer.byteLength(`:${source} NOTICE ${target} :${head}\r\n`);
      for (const line of (e.text ?? '').split('\n')) {
        for (const piece of splitBytes(line, 512 - overhead)) if (piece.trim() !== '') s.line(source, 'NOTICE', [target, `${head}${piece}`], tagText);
      }
      return;
    }
    case 'delete':
      return s.line(s.ctx.serverName, 'NOTICE', [target, `* a message from ${e.from} was deleted`], tagText);
    case 'react': {
      if (!s.style.messageTags) return;
      const to = (user: string): string => (e.conv.startsWith('#') ? e.conv : s.isMe(user) ? e.conv.slice(1) : s.nick);
      const send = (user: string, emoji: string, tag: string): void =>
        s.line(userSource(user), 'TAGMSG', [to(user)], formatTags([...(s.style.serverTime ? [['time', new Date().toISOString()] as [string, string]] : []), [tag, emoji], ['+draft/reply', id]]));
      return send(change.by, change.emoji, change.added ? '+draft/react' : '+draft/unreact');
    }
  }
}

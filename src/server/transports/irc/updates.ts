import { LOBBY, type ChatMessage } from '../../../protocol/index.js';
import type { GatewayContext } from './context.js';
import { formatTags } from './message.js';
import { ircTarget, messageId, userSource } from './render.js';
import type { IrcSession } from './session.js';
import { splitBytes } from './text.js';

/** Messages whose last state the gateway keeps, to tell what an `update` changed. */
const MAX_KNOWN_MESSAGES = 20_000;
/** An edit of a message the gateway has not seen is recognised by an `edited_ts` this recent. */
const RECENT_EDIT_MS = 30_000;

interface Known {
  editedTs: number | undefined;
  reactions: Record<string, string[]>;
}

type Change =
  | { kind: 'edit'; text: string }
  | { kind: 'delete' }
  | { kind: 'react'; added: [string, string][]; removed: [string, string][] }
  | { kind: 'unknown' };

export interface UpdateMemory {
  known: Map<string, Known>;
  /** What each change was, by msgid and useq: every recipient of one update gets the same answer. */
  changes: Map<string, Change>;
}

export function updateMemory(): UpdateMemory {
  return { known: new Map(), changes: new Map() };
}

function bounded<K, V>(map: Map<K, V>, key: K, value: V): void {
  map.delete(key);
  map.set(key, value);
  if (map.size > MAX_KNOWN_MESSAGES) map.delete(map.keys().next().value as K);
}

// Once per Buffer the core wrote, not once per recipient: a lobby message to thousands of IRC
// users is remembered once, an update classified once.
const remembered = new WeakSet<Buffer>();
const classified = new WeakMap<Buffer, { id: string; change: Change }>();

/** A message as a `msg` event showed it: the state later updates are compared with. */
export function rememberMessage(s: IrcSession, data: Buffer, m: ChatMessage): void {
  if (remembered.has(data)) return;
  remembered.add(data);
  const id = messageId(m, s.nick);
  if (!s.ctx.updates.known.has(id)) bounded(s.ctx.updates.known, id, { editedTs: m.edited_ts, reactions: m.reactions ?? {} });
}

/**
 * The v1 update event carries the message's whole new state, not what changed: the gateway
 * compares it with the state it last saw. Deleted: a delete. A new `edited_ts`: an edit. Else
 * the reactions that differ; for a message the gateway never saw, nothing is known (no lines).
 */
function classify(ctx: GatewayContext, id: string, m: ChatMessage & { useq?: number }): Change {
  const changeKey = `${id}@${m.useq ?? 0}`;
  const memo = ctx.updates.changes.get(changeKey);
  if (memo) return memo;
  const prev = ctx.updates.known.get(id);
  let change: Change;
  if (m.deleted) change = { kind: 'delete' };
  else if (m.edited_ts !== undefined && m.edited_ts !== prev?.editedTs && (prev !== undefined || Date.now() - m.edited_ts < RECENT_EDIT_MS) && m.text !== undefined) {
    change = { kind: 'edit', text: m.text };
  } else if (prev) {
    change = { kind: 'react', added: diff(m.reactions ?? {}, prev.reactions), removed: diff(prev.reactions, m.reactions ?? {}) };
  } else change = { kind: 'unknown' };
  bounded(ctx.updates.known, id, { editedTs: m.edited_ts, reactions: m.reactions ?? {} });
  bounded(ctx.updates.changes, changeKey, change);
  return change;
}

/** [user, emoji] pairs in `a` and not in `b`. */
function diff(a: Record<string, string[]>, b: Record<string, string[]>): [string, string][] {
  const out: [string, string][] = [];
  for (const [emoji, users] of Object.entries(a)) {
    const had = new Set((b[emoji] ?? []).map((u) => u.toLowerCase()));
    for (const u of users) if (!had.has(u.toLowerCase())) out.push([u, emoji]);
  }
  return out;
}

/**
 * An edit as a NOTICE "* alice edited: <text>", a delete as a NOTICE, a reaction as an IRCv3
 * `+draft/react` TAGMSG replying to the msgid (only to clients with message-tags: others get
 * nothing for reactions).
 */
export function updateEvent(s: IrcSession, data: Buffer, e: ChatMessage & { useq?: number }): void {
  if (e.conv === LOBBY && !s.joined) return;
  let done = classified.get(data);
  if (!done) {
    const id = messageId(e, s.nick);
    classified.set(data, (done = { id, change: classify(s.ctx, id, e) }));
  }
  const { id, change } = done;
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
      for (const line of change.text.split('\n')) {
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
      for (const [user, emoji] of change.added) send(user, emoji, '+draft/react');
      for (const [user, emoji] of change.removed) send(user, emoji, '+draft/unreact');
      return;
    }
    default:
      return;
  }
}

import type { ChatMessage, ConversationInfo, OnlineUser, RoomInfo } from '../../../src/protocol/messages.js';
import { LOBBY } from '../../../src/protocol/limits.js';

/** What the side list knows of one conversation: when it last moved and its newest message. */
export interface ConvSummary {
  conv: string;
  lastTs: number | null;
  lastSeq: number;
  /** The newest message, for the one-line preview (absent until fetched or received). */
  last?: ChatMessage;
}

export type Presence = 'on' | 'off' | 'unknown';

export interface ListEntry {
  conv: string;
  /** The name shown: a room without its "#", a person's name. */
  label: string;
  unread: number;
  lastTs: number | null;
  last?: ChatMessage;
  /** Private chats only: whether the other person is online (unknown while disconnected). */
  presence?: Presence;
  role?: string;
  private?: boolean;
}

export interface ConvList {
  lobby: ListEntry;
  rooms: ListEntry[];
  /** Every private chat with history (and the one open now), online or not. */
  people: ListEntry[];
  /** People online with no private chat yet, to start one; the user first. */
  online: ListEntry[];
}

const key = (conv: string) => conv.toLowerCase();

/** Newest first; conversations that never moved last, by name. */
function byActivity(a: ListEntry, b: ListEntry): number {
  return (b.lastTs ?? -1) - (a.lastTs ?? -1) || a.label.localeCompare(b.label);
}

/** A summary from the server's `convs` entry, keeping a fetched preview that is still the newest. */
export function summaryFromInfo(info: ConversationInfo, had: ConvSummary | undefined): ConvSummary {
  const last = had?.last && had.last.seq >= info.last_seq ? had.last : undefined;
  const newer = had && had.lastSeq > info.last_seq;
  return newer ? had : { conv: info.conv, lastTs: info.last_ts, lastSeq: info.last_seq, ...(last ? { last } : {}) };
}

/** The summary after a message (live or fetched), if it is the newest one. */
export function summaryWithMessage(had: ConvSummary | undefined, m: ChatMessage): ConvSummary {
  if (had && had.lastSeq > m.seq) return had;
  if (had?.last && had.last.seq === m.seq && (had.last.useq ?? 0) > (m.useq ?? 0)) return had;
  return { conv: m.conv, lastTs: Math.max(m.ts, had?.lastTs ?? 0), lastSeq: m.seq, last: m };
}

/**
 * The side list: the lobby, the rooms the user is in, every private chat (online or offline, with
 * its presence), and the people online to start a chat with. Within a section, newest activity first.
 */
export function buildConvList(input: {
  me: string;
  current: string;
  summaries: Readonly<Record<string, ConvSummary>>;
  unread: Readonly<Record<string, number>>;
  rooms: readonly RoomInfo[];
  online: readonly OnlineUser[];
  connected: boolean;
}): ConvList {
  const { me, current, summaries, unread, rooms, online, connected } = input;
  const unreadOf = new Map(Object.entries(unread).map(([c, n]) => [key(c), n]));
  const summaryOf = new Map(Object.values(summaries).map((s) => [key(s.conv), s]));
  const onlineOf = new Map(online.map((u) => [key(u.user), u]));
  const entry = (conv: string, label: string): ListEntry => {
    const s = summaryOf.get(key(conv));
    return { conv, label, unread: unreadOf.get(key(conv)) ?? 0, lastTs: s?.lastTs ?? null, ...(s?.last ? { last: s.last } : {}) };
  };
  const lobby = entry(LOBBY, LOBBY.slice(1));
  const roomEntries = rooms.map((r) => ({ ...entry(r.room, r.room.slice(1)), private: r.private })).sort(byActivity);

  // Private chats: every one the server listed or that a message started, plus unread ones and the open one.
  const peers = new Map<string, string>();
  for (const s of summaryOf.values()) if (s.conv.startsWith('@') && s.lastSeq > 0) peers.set(key(s.conv), s.conv);
  for (const [c] of unreadOf) if (c.startsWith('@') && !peers.has(c)) peers.set(c, Object.keys(unread).find((u) => key(u) === c)!);
  if (current.startsWith('@') && !peers.has(key(current))) peers.set(key(current), current);
  const people = [...peers.values()]
    .map((conv) => {
      const u = onlineOf.get(key(conv.slice(1)));
      const presence: Presence = !connected ? 'unknown' : u ? 'on' : 'off';
      return { ...entry(conv, u?.user ?? conv.slice(1)), presence, ...(u ? { role: u.role } : {}) };
    })
    .sort(byActivity);

  const onlineOnly = [...online]
    .filter((u) => !peers.has(key(`@${u.user}`)))
    .sort((a, b) => (a.user === me ? -1 : b.user === me ? 1 : a.user.localeCompare(b.user)))
    .map((u) => ({ ...entry(`@${u.user}`, u.user), presence: (connected ? 'on' : 'unknown') as Presence, role: u.role }));
  return { lobby, rooms: roomEntries, people, online: onlineOnly };
}

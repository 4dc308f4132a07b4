import type { ChatMessage } from '../protocol/index.js';
import type { Content } from './session.js';

/**
 * A conversation as a client shows it (the web and the terminal client alike): stored messages
 * merged from live events and history pages, kept current by updates (edits, deletes,
 * reactions), with rows still being sent and system rows (notices, room events, replies to
 * commands). Pure functions over immutable arrays, so a UI can compare by reference.
 */

/** How a system row reads: `info` a reply to the user, `notice` news, `warn` a refusal or trouble. */
export type Tone = 'info' | 'notice' | 'warn';

/**
 * One row of a conversation as the screen shows it. Rows are ordered by `key`: a stored message's
 * key is its seq; a system notice sits just after the newest message known when it arrived; a
 * message still being sent sits after everything.
 */
export type Item =
  | { kind: 'msg'; id: string; key: number; m: ChatMessage }
  | { kind: 'pending'; id: string; key: number; from: string; ts: number; content: Content; fileName?: string }
  | { kind: 'system'; id: string; key: number; ts: number; text: string; from?: string; tone: Tone };

const PENDING_BASE = 2 ** 52;

export function messageItem(m: ChatMessage): Item {
  return { kind: 'msg', id: `${m.conv}:${m.seq}`, key: m.seq, m };
}

let counter = 0;
export function pendingItem(from: string, content: Content, fileName?: string): Extract<Item, { kind: 'pending' }> {
  counter++;
  return { kind: 'pending', id: `pending:${counter}`, key: PENDING_BASE + counter, from, ts: Date.now(), content, ...(fileName ? { fileName } : {}) };
}

/** A system row placed after the newest stored message of `items`. */
export function systemItem(items: readonly Item[], text: string, tone: Tone, ts = Date.now(), from?: string): Item {
  counter++;
  let last = 0;
  for (let i = items.length - 1; i >= 0; i--) {
    const it = items[i]!;
    if (it.kind !== 'pending') {
      last = it.key;
      break;
    }
  }
  return { kind: 'system', id: `system:${counter}`, key: Math.floor(last) + 0.5 + (counter % 1e5) * 1e-6, ts, text, tone, ...(from ? { from } : {}) };
}

/**
 * Merges rows into a sorted timeline, dropping messages already there (same seq). Returns the
 * same array when nothing changes. Appending newer rows, the common case, costs no sort.
 */
export function mergeItems(items: readonly Item[], added: readonly Item[]): readonly Item[] {
  if (added.length === 0) return items;
  const have = new Set<number>();
  for (const it of items) if (it.kind === 'msg') have.add(it.m.seq);
  const fresh = added.filter((it) => it.kind !== 'msg' || !have.has(it.m.seq));
  if (fresh.length === 0) return items;
  fresh.sort((a, b) => a.key - b.key);
  const lastKey = items.length ? items[items.length - 1]!.key : -Infinity;
  if (fresh[0]!.key > lastKey) return [...items, ...fresh];
  const firstKey = items.length ? items[0]!.key : Infinity;
  if (fresh[fresh.length - 1]!.key < firstKey) return [...fresh, ...items];
  return [...items, ...fresh].sort((a, b) => a.key - b.key);
}

export function removeItem(items: readonly Item[], id: string): readonly Item[] {
  const at = items.findIndex((it) => it.id === id);
  return at === -1 ? items : [...items.slice(0, at), ...items.slice(at + 1)];
}

/** The smallest seq of the stored messages shown, for paging back. */
export function oldestSeq(items: readonly Item[]): number | undefined {
  for (const it of items) if (it.kind === 'msg') return it.m.seq;
  return undefined;
}

/** The n-th last stored message shown (1 = the last), optionally only among those that match. */
export function nthLastMessage(items: readonly Item[], n: number, match: (m: ChatMessage) => boolean = () => true): ChatMessage | undefined {
  let seen = 0;
  for (let i = items.length - 1; i >= 0; i--) {
    const it = items[i]!;
    if (it.kind === 'msg' && match(it.m) && ++seen === n) return it.m;
  }
  return undefined;
}

/** Whether a row starts a new group (another sender, or more than 5 minutes later). */
export function startsGroup(prev: Item | undefined, it: Item): boolean {
  if (it.kind === 'system' || !prev || prev.kind === 'system') return true;
  const from = (x: Item) => (x.kind === 'msg' ? x.m.from : x.kind === 'pending' ? x.from : '');
  const ts = (x: Item) => (x.kind === 'msg' ? x.m.ts : x.ts);
  return from(prev) !== from(it) || ts(it) - ts(prev) > 5 * 60_000;
}

/** The time a row shows. */
export function itemTime(it: Item): number {
  return it.kind === 'msg' ? it.m.ts : it.ts;
}

/** Whether a row starts a new calendar day (local time), so a day divider goes above it. */
export function startsDay(prev: Item | undefined, it: Item): boolean {
  return !prev || new Date(itemTime(prev)).toDateString() !== new Date(itemTime(it)).toDateString();
}

/**
 * Puts a message's new state (an edit, delete or reaction, as an `update` carries it) in place of
 * the row with its seq. A message not shown yet is left alone: its page, when fetched, has it
 * as it is now. Returns the same array when the row is absent or already newer.
 */
export function updateItem(items: readonly Item[], m: ChatMessage): readonly Item[] {
  const at = items.findIndex((it) => it.kind === 'msg' && it.m.seq === m.seq);
  if (at === -1) return items;
  const old = items[at] as Extract<Item, { kind: 'msg' }>;
  if ((old.m.useq ?? 0) > (m.useq ?? 0)) return items;
  const next = [...items];
  next[at] = { ...old, m };
  return next;
}

/** The reactions of a message as chips: emoji, count and whether `me` is among them, in the server's order. */
export function reactionChips(m: ChatMessage, me: string): { emoji: string; count: number; mine: boolean; users: string[] }[] {
  const lower = me.toLowerCase();
  return Object.entries(m.reactions ?? {})
    .filter(([, users]) => users.length > 0)
    .map(([emoji, users]) => ({ emoji, count: users.length, mine: users.some((u) => u.toLowerCase() === lower), users }));
}

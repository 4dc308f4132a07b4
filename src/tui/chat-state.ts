import type { ChatMessage } from '../protocol/index.js';

/** One row of a conversation on screen: a message, or a line from the client or server. */
export type Line =
  | { kind: 'msg'; key: string; m: ChatMessage }
  | { kind: 'system'; key: string; ts: number; text: string; tone: 'notice' | 'info' | 'error' };

let counter = 0;
export function systemLine(text: string, tone: 'notice' | 'info' | 'error' = 'info'): Line {
  return { kind: 'system', key: `s${++counter}`, ts: Date.now(), text, tone };
}

/** Merges messages into a conversation's lines: each seq once, messages in seq order. */
export function mergeMessages(lines: Line[], messages: ChatMessage[]): Line[] {
  // The common case, one new message after the last one shown, without scanning everything.
  const last = lastMessage(lines);
  if (messages.length === 1 && (!last || messages[0]!.seq > last.seq)) {
    const m = messages[0]!;
    return [...lines, { kind: 'msg', key: `${m.conv}#${m.seq}`, m }];
  }
  const have = new Set(lines.filter((l) => l.kind === 'msg').map((l) => (l as { m: ChatMessage }).m.seq));
  const fresh = messages.filter((m) => !have.has(m.seq));
  if (fresh.length === 0) return lines;
  const out = [...lines];
  for (const m of fresh) {
    const line: Line = { kind: 'msg', key: `${m.conv}#${m.seq}`, m };
    // Usually it goes last; history pages go first. Find the first message with a greater seq.
    let at = out.length;
    for (let i = out.length - 1; i >= 0; i--) {
      const l = out[i]!;
      if (l.kind === 'msg' && l.m.seq < m.seq) break;
      if (l.kind === 'msg') at = i;
    }
    out.splice(at, 0, line);
  }
  return out;
}

function lastMessage(lines: Line[]): ChatMessage | undefined {
  for (let i = lines.length - 1; i >= 0; i--) {
    const l = lines[i]!;
    if (l.kind === 'msg') return l.m;
  }
  return undefined;
}

/** Puts a message's new state (edit, delete, reaction) in place of the one shown; others stay as they are. */
export function applyUpdate(lines: Line[], m: ChatMessage): Line[] {
  const at = lines.findIndex((l) => l.kind === 'msg' && l.m.seq === m.seq);
  if (at === -1) return lines;
  const old = lines[at] as Extract<Line, { kind: 'msg' }>;
  if ((old.m.useq ?? 0) > (m.useq ?? 0)) return lines;
  const out = [...lines];
  out[at] = { ...old, m };
  return out;
}

/** The n-th last message shown (1 = the last), optionally only among those that match. */
export function nthLastMessage(lines: Line[], n: number, match: (m: ChatMessage) => boolean = () => true): ChatMessage | undefined {
  let seen = 0;
  for (let i = lines.length - 1; i >= 0; i--) {
    const l = lines[i]!;
    if (l.kind === 'msg' && match(l.m) && ++seen === n) return l.m;
  }
  return undefined;
}

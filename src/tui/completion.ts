/**
 * Tab completion in the chat screen's input line: names after "@" anywhere, the user argument of
 * the commands that take one (/msg, /invite, /mute...), and command names after a leading "/".
 * Names come from the server (`users`, protocol §4.35), so offline people complete too. One match
 * completes with a trailing space; several complete their common prefix and are listed as a hint;
 * Tab again, with the line as completion left it, cycles through them.
 */

/** What the word before the cursor completes to. */
export type CompletionKind = 'user' | 'command';

export interface CompletionTarget {
  kind: CompletionKind;
  /** Where the replaced text starts (code points; after the "@" or "/"). */
  from: number;
  /** What is typed of the name. */
  prefix: string;
}

export interface Completion {
  line: string;
  /** In code points, as the input line counts. */
  cursor: number;
  /** What the status line shows: the candidates, or why there are none. */
  hint?: string;
}

/** Candidates for a prefix, in the order to offer them; `more` when there are others not listed. */
export type Lookup = (kind: CompletionKind, prefix: string) => Promise<{ names: readonly string[]; more: boolean }>;

/** Commands whose first argument is a user name. */
export const USER_COMMANDS: ReadonlySet<string> = new Set(['msg', 'invite', 'remove', 'owner', 'mute', 'unmute', 'kick', 'ban', 'unban']);

/** Names compared as the server compares them (protocol §8.1): NFKC, case-insensitive. */
export const fold = (s: string): string => s.normalize('NFKC').toLowerCase();

/** The completable word that ends at the cursor, if there is one. */
export function completionTarget(line: string, cursor: number): CompletionTarget | undefined {
  const before = [...line].slice(0, cursor);
  let start = before.length;
  while (start > 0 && !/\s/.test(before[start - 1]!)) start--;
  const word = before.slice(start).join('');
  const head = before.slice(0, start).join('');
  if (start === 0 && word.startsWith('/')) return /^\/[\p{L}-]*$/u.test(word) ? { kind: 'command', from: 1, prefix: word.slice(1) } : undefined;
  if (word.startsWith('@')) return { kind: 'user', from: start + 1, prefix: word.slice(1) };
  const command = /^\/(\S+)\s+$/.exec(head)?.[1];
  if (command && USER_COMMANDS.has(command.toLowerCase())) return { kind: 'user', from: start, prefix: word };
  return undefined;
}

/** The longest start all names share, compared as names are, spelled as the first one is. */
export function commonPrefix(names: readonly string[]): string {
  const [first = [], ...rest] = names.map((n) => [...n]);
  let length = first.length;
  for (const other of rest) {
    let i = 0;
    while (i < length && i < other.length && fold(first[i]!) === fold(other[i]!)) i++;
    length = i;
  }
  return first.slice(0, length).join('');
}

interface Cycle {
  /** The line and cursor this completion left: Tab on exactly them cycles. */
  line: string;
  cursor: number;
  head: string;
  tail: string;
  names: readonly string[];
  index: number;
  more: boolean;
}

export class Completer {
  private cycle: Cycle | undefined;

  constructor(private readonly lookup: Lookup) {}

  /** Whether Tab here completes (otherwise it is free for something else). */
  wants(line: string, cursor: number): boolean {
    return this.cycling(line, cursor) !== undefined || completionTarget(line, cursor) !== undefined;
  }

  /** The line after Tab, or undefined when nothing before the cursor completes. */
  async complete(line: string, cursor: number): Promise<Completion | undefined> {
    const cycle = this.cycling(line, cursor);
    if (cycle) return this.next(cycle);
    this.cycle = undefined;
    const target = completionTarget(line, cursor);
    if (!target) return undefined;
    const chars = [...line];
    const head = chars.slice(0, target.from).join('');
    const tail = chars.slice(cursor).join('');
    const { names, more } = await this.lookup(target.kind, target.prefix);
    const what = target.kind === 'user' ? 'user' : 'command';
    if (names.length === 0) return { line, cursor, hint: `no ${what} starts with "${target.prefix}"` };
    if (names.length === 1 && !more) return finished(head, names[0]!, tail);
    const common = commonPrefix(names);
    const word = fold(common).startsWith(fold(target.prefix)) ? common : target.prefix;
    const done = { line: head + word + tail, cursor: [...head].length + [...word].length };
    this.cycle = { ...done, head, tail, names, index: -1, more };
    return { ...done, hint: listing(names, -1, more) };
  }

  private cycling(line: string, cursor: number): Cycle | undefined {
    const c = this.cycle;
    return c && c.line === line && c.cursor === cursor ? c : undefined;
  }

  private next(cycle: Cycle): Completion {
    const index = (cycle.index + 1) % cycle.names.length;
    const done = finished(cycle.head, cycle.names[index]!, cycle.tail);
    this.cycle = { ...cycle, line: done.line, cursor: done.cursor, index };
    return { ...done, hint: listing(cycle.names, index, cycle.more) };
  }
}

/** A whole name put in, followed by one space (the one already there, if any). */
function finished(head: string, name: string, tail: string): Completion {
  const rest = tail.startsWith(' ') ? tail : ` ${tail}`;
  return { line: head + name + rest, cursor: [...head].length + [...name].length + 1 };
}

/** The candidates for the status line, the one put in marked. */
function listing(names: readonly string[], index: number, more: boolean): string {
  return names.map((n, i) => (i === index ? `[${n}]` : n)).join('  ') + (more ? '  …' : '');
}

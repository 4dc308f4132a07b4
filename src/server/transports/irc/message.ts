/**
 * IRC messages (RFC 1459 §2.3.1, RFC 2812 §2.3, IRCv3 message-tags): parsing what clients send
 * and formatting what the gateway sends. `[@tags ][:source ]COMMAND[ params][ :trailing]`.
 */
export interface IrcMessage {
  tags: Map<string, string>;
  source: string | undefined;
  /** Upper-cased: commands are case-insensitive. */
  command: string;
  params: string[];
}

/** Parses one line (without CR LF). Undefined when there is no command at all. */
export function parseMessage(line: string): IrcMessage | undefined {
  let rest = line;
  const tags = new Map<string, string>();
  if (rest.startsWith('@')) {
    const end = rest.indexOf(' ');
    if (end < 0) return undefined;
    for (const tag of rest.slice(1, end).split(';')) {
      if (tag === '') continue;
      const eq = tag.indexOf('=');
      tags.set(eq < 0 ? tag : tag.slice(0, eq), eq < 0 ? '' : unescapeTagValue(tag.slice(eq + 1)));
    }
    rest = rest.slice(end + 1);
  }
  rest = rest.replace(/^ +/, '');
  let source: string | undefined;
  if (rest.startsWith(':')) {
    const end = rest.indexOf(' ');
    if (end < 0) return undefined;
    source = rest.slice(1, end);
    rest = rest.slice(end + 1);
  }
  const params: string[] = [];
  let command: string | undefined;
  while (rest.length > 0) {
    rest = rest.replace(/^ +/, '');
    if (rest.length === 0) break;
    if (command !== undefined && rest.startsWith(':')) {
      params.push(rest.slice(1));
      break;
    }
    const end = rest.indexOf(' ');
    const word = end < 0 ? rest : rest.slice(0, end);
    rest = end < 0 ? '' : rest.slice(end + 1);
    if (command === undefined) command = word;
    else params.push(word);
  }
  if (command === undefined || command === '') return undefined;
  return { tags, source, command: command.toUpperCase(), params };
}

/**
 * Formats one line, CR LF included. The last parameter is written as a trailing one (':') when
 * it needs it (empty, a space, a leading ':') and whenever it is not the only one: that is how
 * numerics and most servers write their final text, and every parser reads both forms alike.
 */
const LINE_BREAKERS = /[\r\n\0]/g;

export function formatMessage(source: string | undefined, command: string, params: readonly string[], tags?: string): string {
  let line = tags ? `@${tags} ` : '';
  if (source !== undefined) line += `:${source} `;
  line += command;
  for (let i = 0; i < params.length; i++) {
    // Whatever a parameter holds, it cannot end the line early (CR, LF) or cut it (NUL).
    const p = params[i]!.replace(LINE_BREAKERS, '');
    const last = i === params.length - 1;
    line += last && (p === '' || p.includes(' ') || p.startsWith(':') || i > 0) ? ` :${p}` : ` ${p}`;
  }
  return line + '\r\n';
}

/** Tag values escape ';', ' ', '\', CR and LF (IRCv3 message-tags, "Escaping values"). */
export function escapeTagValue(value: string): string {
  return value.replace(/[\\; \r\n]/g, (c) => ({ '\\': '\\\\', ';': '\\:', ' ': '\\s', '\r': '\\r', '\n': '\\n' })[c]!);
}

export function unescapeTagValue(value: string): string {
  return value.replace(/\\(.?)/g, (_m, c: string) => ({ ':': ';', s: ' ', '\\': '\\', r: '\r', n: '\n' })[c] ?? c);
}

/** `key=value;key2` from pairs, values escaped; empty values are written as the bare key. */
export function formatTags(tags: readonly (readonly [string, string])[]): string {
  return tags.map(([k, v]) => (v === '' ? k : `${k}=${escapeTagValue(v)}`)).join(';');
}

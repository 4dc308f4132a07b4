/** Text helpers every Banter client that prints to a terminal shares (the TUI, `banter listen`). */

/**
 * Text from other users made safe to print on one terminal row: line breaks become `newline`,
 * tabs stay, and every other control character is shown as \xHH, so no escape sequence another
 * user (or an older or hostile server) sent can move the cursor, retitle or clear the terminal.
 */
export function printable(text: string, newline = '\\n'): string {
  // eslint-disable-next-line no-control-regex
  return text.replace(/\r\n|[\u0000-\u0008\u000a-\u001f\u007f-\u009f]/g, (c) =>
    c === '\n' || c === '\r\n' ? newline : `\\x${c.charCodeAt(0).toString(16).padStart(2, '0')}`,
  );
}

const two = (n: number): string => String(n).padStart(2, '0');

/** Local time of day: `HH:MM`, or `HH:MM:SS` with seconds. */
export function clock(ts: number, seconds = false): string {
  const d = new Date(ts);
  return seconds ? `${two(d.getHours())}:${two(d.getMinutes())}:${two(d.getSeconds())}` : `${two(d.getHours())}:${two(d.getMinutes())}`;
}

/** Local date and time: `YYYY-MM-DD HH:MM:SS`. */
export function dateTime(ts: number): string {
  const d = new Date(ts);
  return `${d.getFullYear()}-${two(d.getMonth() + 1)}-${two(d.getDate())} ${clock(ts, true)}`;
}

/**
 * Reads `host:port` (`[v6 address]:port` for IPv6). Without `defaultPort` the port is required.
 * Returns the parts, or why the text is not an address.
 */
export function parseHostPort(text: string, defaultPort?: number): { host: string; port: number } | { error: string } {
  const m = /^(?:\[([^\]]+)\]|([^:[\]\s]+))(?::([^:]*))?$/.exec(text.trim());
  if (!m) return { error: text.trim() === '' ? 'it is empty' : 'it is malformed' };
  const host = m[1] ?? m[2] ?? '';
  const portText = m[3];
  if (portText === undefined || portText === '') {
    return defaultPort === undefined ? { error: 'the port is missing' } : { host, port: defaultPort };
  }
  if (!/^\d{1,5}$/.test(portText)) return { error: `the port ${JSON.stringify(portText)} is not a number` };
  const port = Number(portText);
  if (port < 1 || port > 65535) return { error: `the port ${port} is outside 1-65535` };
  return { host, port };
}

/** `host:port`, with IPv6 addresses in brackets. */
export function formatHostPort(host: string, port: number): string {
  return host.includes(':') ? `[${host}]:${port}` : `${host}:${port}`;
}

import { STICKERS, isSticker, type ChatMessage } from '../protocol/index.js';

const COLOURS = ['cyan', 'green', 'yellow', 'magenta', 'blue', 'red', 'cyanBright', 'greenBright', 'yellowBright', 'magentaBright'] as const;

/** A stable colour per user name, so a person keeps theirs across sessions. */
export function colourOf(name: string): (typeof COLOURS)[number] {
  let h = 0;
  for (const ch of name) h = (h * 31 + ch.codePointAt(0)!) >>> 0;
  return COLOURS[h % COLOURS.length]!;
}

export function clock(ts: number): string {
  const d = new Date(ts);
  return [d.getHours(), d.getMinutes()].map((n) => String(n).padStart(2, '0')).join(':');
}

/** What a message shows as text in a terminal: stickers as their emoji, files by name and size. */
export function bodyOf(m: ChatMessage): string {
  if (m.text !== undefined) return printable(m.text);
  if (m.sticker !== undefined) return isSticker(m.sticker) ? `${STICKERS[m.sticker]}  (:${m.sticker}:)` : `:${m.sticker}:`;
  if (m.file) return `📎 ${m.file.name} (${humanSize(m.file.size)})`;
  return '';
}

export function humanSize(bytes: number): string {
  if (bytes < 1024) return `${bytes} B`;
  if (bytes < 1024 ** 2) return `${(bytes / 1024).toFixed(1)} KiB`;
  if (bytes < 1024 ** 3) return `${(bytes / 1024 ** 2).toFixed(1)} MiB`;
  return `${(bytes / 1024 ** 3).toFixed(1)} GiB`;
}

export function untilText(until: number | 'forever'): string {
  return until === 'forever' ? 'until an admin unmutes you' : `until ${new Date(until).toLocaleString()}`;
}

/**
 * Text safe to print in a terminal on one row: line breaks shown as ⏎, tabs as spaces, and any
 * other control character (an escape sequence from an older or hostile server) made visible.
 */
export function printable(text: string): string {
  return text
    .replace(/\r?\n/g, ' ⏎ ')
    .replace(/\t/g, '  ')
    // eslint-disable-next-line no-control-regex
    .replace(/[\u0000-\u001f\u007f-\u009f]/g, (c) => `\\x${c.charCodeAt(0).toString(16).padStart(2, '0')}`);
}

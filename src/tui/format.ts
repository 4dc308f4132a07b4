import { clock, printable } from '../client/display.js';
import { STICKERS, isSticker, untilText as sharedUntilText, type ChatMessage } from '../protocol/index.js';

const COLOURS = ['cyan', 'green', 'yellow', 'magenta', 'blue', 'red', 'cyanBright', 'greenBright', 'yellowBright', 'magentaBright'] as const;

/** A stable colour per user name, so a person keeps theirs across sessions. */
export function colourOf(name: string): (typeof COLOURS)[number] {
  let h = 0;
  for (const ch of name) h = (h * 31 + ch.codePointAt(0)!) >>> 0;
  return COLOURS[h % COLOURS.length]!;
}


/** What a message shows as text in a terminal: stickers as their emoji, files by name and size. */
export function bodyOf(m: ChatMessage): string {
  if (m.deleted) return '(deleted)';
  if (m.text !== undefined) return printable(m.text, ' ⏎ ') + (m.edited_ts !== undefined ? ' (edited)' : '');
  if (m.sticker !== undefined) return isSticker(m.sticker) ? `${STICKERS[m.sticker]}  (:${m.sticker}:)` : `:${m.sticker}:`;
  if (m.file) return `📎 ${m.file.name} (${humanSize(m.file.size)})`;
  return '';
}

/** Reactions as one line: "👍 2 (alice, bob)  🎉 1 (carol)"; empty if none. */
export function reactionsOf(m: ChatMessage): string {
  return Object.entries(m.reactions ?? {})
    .map(([emoji, users]) => `${emoji} ${users.length} (${users.map((u) => printable(u, ' ')).join(', ')})`)
    .join('  ');
}

export function humanSize(bytes: number): string {
  if (bytes < 1024) return `${bytes} B`;
  if (bytes < 1024 ** 2) return `${(bytes / 1024).toFixed(1)} KiB`;
  if (bytes < 1024 ** 3) return `${(bytes / 1024 ** 2).toFixed(1)} MiB`;
  return `${(bytes / 1024 ** 3).toFixed(1)} GiB`;
}

/** When a mute ends, in local time. */
export function untilText(until: number | 'forever'): string {
  return sharedUntilText(until, (ms) => new Date(ms).toLocaleString());
}


/** A progress bar for the status line: ▕█████░░░░░▏ 48% 12.0/25.0 MiB */
export function progressBar(done: number, total: number | undefined, width = 20): string {
  if (!total) return `${humanSize(done)}`;
  const ratio = Math.min(1, done / total);
  const filled = Math.round(ratio * width);
  return `▕${'█'.repeat(filled)}${'░'.repeat(width - filled)}▏ ${Math.floor(ratio * 100)}% ${humanSize(done)} / ${humanSize(total)}`;
}

export { clock, printable };

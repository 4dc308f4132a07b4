/**
 * The 20 built-in stickers, shared by every client: the web client draws them, the terminal client
 * shows the emoji. Order is the picker order.
 */
export const STICKERS = {
  thumbsup: '👍',
  heart: '❤️',
  laugh: '😂',
  wow: '😮',
  sad: '😢',
  angry: '😠',
  party: '🎉',
  fire: '🔥',
  clap: '👏',
  wave: '👋',
  thinking: '🤔',
  cool: '😎',
  love: '😍',
  cry: '😭',
  ok: '👌',
  pray: '🙏',
  rocket: '🚀',
  coffee: '☕',
  cat: '🐱',
  snake: '🐍',
} as const;

export type StickerName = keyof typeof STICKERS;
export const STICKER_NAMES = Object.keys(STICKERS) as StickerName[];

export function isSticker(name: string): name is StickerName {
  return Object.prototype.hasOwnProperty.call(STICKERS, name);
}

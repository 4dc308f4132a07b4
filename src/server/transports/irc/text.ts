import { STICKERS, type ChatMessage, type FileRef } from '../../../protocol/index.js';

/** IRC formatting codes (bold, colour, italics, ...): Banter texts take no control characters. */
// eslint-disable-next-line no-control-regex
const FORMATTING = /\x03(\d{1,2}(,\d{1,2})?)?|\x04([0-9a-fA-F]{6}(,[0-9a-fA-F]{6})?)?|[\x02\x0f\x11\x16\x1d\x1e\x1f]/g;
// eslint-disable-next-line no-control-regex
const OTHER_CONTROLS = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f]/g;

const ACTION_PREFIX = '\x01ACTION ';

/**
 * An IRC message text as Banter stores it: formatting removed, CTCP ACTION ("/me waves") kept as
 * the text "/me waves". Other CTCP requests (VERSION, PING, ...) are not messages: undefined.
 */
export function fromIrcText(text: string): string | undefined {
  if (text.startsWith('\x01')) {
    if (!text.startsWith(ACTION_PREFIX)) return undefined;
    const body = text.slice(ACTION_PREFIX.length);
    text = `/me ${body.endsWith('\x01') ? body.slice(0, -1) : body}`;
  }
  return text.replace(FORMATTING, '').replace(OTHER_CONTROLS, '');
}

/** The text lines one Banter message becomes on IRC, before splitting at the line limit. */
export function messageTexts(m: ChatMessage, fileLink: (id: string) => string): string[] {
  if (m.sticker !== undefined) return [`${STICKERS[m.sticker]} [sticker: ${m.sticker}]`];
  if (m.file !== undefined) return [fileText(m.file, fileLink)];
  return (m.text ?? '').split('\n').filter((line) => line.trim() !== '');
}

/** The link is signed (server.ts): it downloads without a session, as IRC users have none over HTTP. */
function fileText(f: FileRef, fileLink: (id: string) => string): string {
  const kind = f.mime.startsWith('image/') ? 'image' : f.mime.startsWith('audio/') ? 'audio' : f.mime.startsWith('video/') ? 'video' : 'file';
  return `[${kind}] ${f.name} (${formatSize(f.size)}, ${f.mime}) ${fileLink(f.id)}`;
}

export function formatSize(bytes: number): string {
  if (bytes < 1024) return `${bytes} B`;
  if (bytes < 1024 * 1024) return `${Math.round((bytes / 1024) * 10) / 10} KiB`;
  if (bytes < 1024 ** 3) return `${Math.round((bytes / 1024 ** 2) * 10) / 10} MiB`;
  return `${Math.round((bytes / 1024 ** 3) * 10) / 10} GiB`;
}

/** A Banter "/me ..." text is a CTCP ACTION on IRC. */
export function toIrcText(line: string): string {
  return line.startsWith('/me ') ? `${ACTION_PREFIX}${line.slice(4)}\x01` : line;
}

const graphemes = new Intl.Segmenter(undefined, { granularity: 'grapheme' });

/**
 * Cuts a text into pieces of at most `maxBytes` UTF-8 bytes, never inside a character or a
 * grapheme (an emoji with its modifiers stays whole), at a space when one is near the end.
 */
export function splitBytes(text: string, maxBytes: number): string[] {
  if (Buffer.byteLength(text) <= maxBytes) return [text];
  const out: string[] = [];
  let piece = '';
  let pieceBytes = 0;
  let lastSpace = -1; // index in `piece` just after the last space
  for (const { segment } of graphemes.segment(text)) {
    const bytes = Buffer.byteLength(segment);
    if (pieceBytes + bytes > maxBytes && piece !== '') {
      if (lastSpace > piece.length * 0.6) {
        out.push(piece.slice(0, lastSpace));
        piece = piece.slice(lastSpace);
      } else {
        out.push(piece);
        piece = '';
      }
      pieceBytes = Buffer.byteLength(piece);
      lastSpace = -1;
    }
    // A single grapheme larger than the limit (absurd combining runs) is cut by code points.
    if (bytes > maxBytes) {
      for (const cp of segment) {
        const b = Buffer.byteLength(cp);
        if (pieceBytes + b > maxBytes) {
          out.push(piece);
          piece = '';
          pieceBytes = 0;
        }
        piece += cp;
        pieceBytes += b;
      }
      continue;
    }
    piece += segment;
    pieceBytes += bytes;
    if (segment === ' ') lastSpace = piece.length;
  }
  if (piece !== '') out.push(piece);
  return out;
}

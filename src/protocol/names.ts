import { MAX_NAME_CHARS } from './limits.js';

// Letters of any script, decimal digits, and _ . - ; combining marks may follow a first character
// (scripts such as Devanagari need them). No spaces, no '@', '#', ':' so names never clash with
// conversation syntax.
const NAME_RE = /^[\p{L}\p{Nd}_.-][\p{L}\p{M}\p{Nd}_.-]*$/u;

/** The canonical spelling of a user name as typed: NFC, so equal-looking names are equal bytes. */
export function normalizeName(name: string): string {
  return name.normalize('NFC');
}

export function isValidName(name: string): boolean {
  const n = normalizeName(name);
  const length = [...n].length;
  return length >= 1 && length <= MAX_NAME_CHARS && NAME_RE.test(n);
}

/** The key names are compared by: case-insensitive, compatibility-normalized. */
export function nameKey(name: string): string {
  return name.normalize('NFKC').toLowerCase().normalize('NFC');
}

/** The key rooms are compared by: "#" and the name's key ("#General" and "#general" are one room). */
export function roomKey(room: string): string {
  return `#${nameKey(room.slice(1))}`;
}

/** A room name: "#" and a name under the user-name rules (1-32 letters, digits, _ . -). */
export function isValidRoomName(room: string): boolean {
  return room.startsWith('#') && isValidName(room.slice(1));
}

/** One emoji as Unicode defines it (RGI: flags, skin tones and ZWJ sequences included). */
// Built at run time: the `v` flag is newer than the compiler's target, but Node 20 has it.
const EMOJI_RE = new RegExp('^\\p{RGI_Emoji}$', 'v');
export function isEmoji(text: string): boolean {
  return EMOJI_RE.test(text);
}

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

import unhomoglyph from 'unhomoglyph';

// Accents in the Combining Diacritical Marks block (U+0300-U+036F), the ones that turn a Latin,
// Greek or Cyrillic letter into a look-alike ("ń" and "n"). Other scripts' marks (Devanagari
// vowel signs, ...) make different names and stay.
const DIACRITICS = /[\u0300-\u036f]/g;

/**
 * What a user name looks like, for refusing look-alikes of existing names: Unicode's confusable
 * skeleton (UTS #39; mapping data from the package unhomoglyph, generated from confusables.txt)
 * of the name's key (NFKC, case folded, as names are compared), with accents removed too.
 * "admin", "ADMIN", "аdmin" (Cyrillic а), "admın" (dotless ı), "admiń" and "adrnin" have one
 * skeleton. Not for display: "m" becomes "rn".
 */
export function nameSkeleton(name: string): string {
  const bare = (s: string): string => s.normalize('NFD').replace(DIACRITICS, '');
  // Lower case again after mapping: "0" maps to an upper-case "O".
  return bare(unhomoglyph(bare(name.normalize('NFKC').toLowerCase())).toLowerCase()).normalize('NFC');
}

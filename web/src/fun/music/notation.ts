/**
 * A small text notation for the built-in tracks: space-separated notes, each a pitch (C4, F#3,
 * Bb5) or a rest (.), optionally followed by ":beats" (default one beat). Drum voices use `x`
 * for a hit and `.` for a rest.
 */

export interface Note {
  /** Hz, or null for a rest. */
  freq: number | null;
  /** Start, in beats from the start of the voice. */
  at: number;
  beats: number;
}

const SEMITONES: Record<string, number> = { C: -9, D: -7, E: -5, F: -4, G: -2, A: 0, B: 2 };

/** Frequency of a pitch name in equal temperament, A4 = 440 Hz. */
export function pitchToHz(name: string): number {
  const m = /^([A-G])(#|b)?(-?\d)$/.exec(name);
  if (!m) throw new SyntaxError(`not a pitch: "${name}"`);
  const semis = SEMITONES[m[1]!]! + (m[2] === '#' ? 1 : m[2] === 'b' ? -1 : 0) + (Number(m[3]) - 4) * 12;
  return 440 * 2 ** (semis / 12);
}

export function parseNotes(text: string): Note[] {
  const notes: Note[] = [];
  let at = 0;
  for (const token of text.trim().split(/\s+/).filter(Boolean)) {
    const [pitch = '', len] = token.split(':');
    const beats = len === undefined ? 1 : Number(len);
    if (!Number.isFinite(beats) || beats <= 0) throw new SyntaxError(`bad length in "${token}"`);
    const freq = pitch === '.' ? null : pitch === 'x' ? 0 : pitchToHz(pitch);
    notes.push({ freq, at, beats });
    at += beats;
  }
  return notes;
}

export function lengthInBeats(notes: readonly Note[]): number {
  const last = notes.at(-1);
  return last ? last.at + last.beats : 0;
}

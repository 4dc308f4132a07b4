/**
 * The four built-in tracks: short original compositions written for Banter, stored as notes and
 * rendered with the Web Audio API when first played (no audio files ship). Licence: CC0 1.0, like
 * the rest of their notes in this file.
 */

export type Instrument = 'square' | 'triangle' | 'sine' | 'sawtooth' | 'kick' | 'hat' | 'snare';

export interface Voice {
  instrument: Instrument;
  /** Peak level of each note, 0..1. */
  gain: number;
  /** Notation of notation.ts. A voice shorter than the track repeats to fill it. */
  notes: string;
}

export interface Track {
  id: string;
  title: string;
  bpm: number;
  /** Times the whole pattern plays. */
  repeats: number;
  voices: Voice[];
}

const rep = (s: string, n: number) => Array.from({ length: n }, () => s).join(' ');

export const TRACKS: readonly Track[] = [
  {
    id: 'lobby-loop',
    title: 'Lobby Loop',
    bpm: 116,
    repeats: 2,
    voices: [
      { instrument: 'square', gain: 0.16, notes: 'E5:0.5 G5:0.5 A5 G5:0.5 E5:0.5 D5 C5:0.5 D5:0.5 E5 E5:2 D5:0.5 E5:0.5 F5 E5:0.5 D5:0.5 C5 A4:0.5 C5:0.5 D5 C5:2' },
      { instrument: 'triangle', gain: 0.4, notes: 'C3 G3 C3 G3 A2 E3 A2 E3 F2 C3 F2 C3 G2 D3 G2 B2' },
      { instrument: 'kick', gain: 0.7, notes: 'x . x . ' },
      { instrument: 'hat', gain: 0.12, notes: '.:0.5 x:0.5' },
    ],
  },
  {
    id: 'night-shift',
    title: 'Night Shift',
    bpm: 80,
    repeats: 2,
    voices: [
      { instrument: 'sine', gain: 0.22, notes: 'A3:4 F3:4 C4:4 G3:4' },
      { instrument: 'sine', gain: 0.16, notes: 'C4:4 A3:4 E4:4 D4:4' },
      { instrument: 'triangle', gain: 0.3, notes: 'E5:1.5 D5:0.5 C5 A4 . C5:0.5 D5:0.5 E5 F5:2 E5 D5 C5:2 B4:0.5 C5:0.5 D5 .' },
      { instrument: 'kick', gain: 0.5, notes: 'x . . . x . . x' },
    ],
  },
  {
    id: 'pixel-chase',
    title: 'Pixel Chase',
    bpm: 148,
    repeats: 4,
    voices: [
      { instrument: 'square', gain: 0.14, notes: 'E5:0.5 E5:0.5 B4:0.5 E5:0.5 G5:0.5 F#5:0.5 E5:0.5 B4:0.5 D5:0.5 D5:0.5 A4:0.5 D5:0.5 F#5:0.5 E5:0.5 D5:0.5 A4:0.5 C5:0.5 C5:0.5 G4:0.5 C5:0.5 E5:0.5 D5:0.5 C5:0.5 G4:0.5 B4:0.5 C5:0.5 D5:0.5 E5:0.5 F#5:1 B5:1' },
      { instrument: 'sawtooth', gain: 0.1, notes: rep('E2:0.5 E3:0.5', 4) + ' ' + rep('D2:0.5 D3:0.5', 4) + ' ' + rep('C2:0.5 C3:0.5', 4) + ' ' + rep('B1:0.5 B2:0.5', 4) },
      { instrument: 'kick', gain: 0.7, notes: 'x . x . ' },
      { instrument: 'snare', gain: 0.25, notes: '. x . x' },
      { instrument: 'hat', gain: 0.1, notes: 'x:0.5 x:0.5' },
    ],
  },
  {
    id: 'tea-break',
    title: 'Tea Break',
    bpm: 132,
    repeats: 2,
    voices: [
      { instrument: 'triangle', gain: 0.32, notes: 'C5:2 A4 F4:2 A4 G4:2 Bb4 A4:3 C5:2 D5 C5:2 A4 G4:3 F4:3 A4:2 C5 F5:2 E5 D5:2 C5 Bb4:3 A4:2 G4 E4:3 F4:3 .:3' },
      { instrument: 'sine', gain: 0.3, notes: 'F3 A3 C4 F3 A3 C4 C3 G3 Bb3 F3 A3 C4 Bb2 D3 F3 F3 A3 C4 C3 E3 G3 F3 A3 C4 F3 A3 C4 Bb2 D3 F3 C3 G3 Bb3 F3 A3 C4 Bb2 D3 F3 Bb2 D3 F3 C3 E3 G3 F3 C3 F3' },
      { instrument: 'hat', gain: 0.08, notes: 'x . .' },
    ],
  },
];

import { describe, expect, it } from 'vitest';
import { lengthInBeats, parseNotes, pitchToHz } from './notation';
import { encodeWav, patternBeats, scheduleVoice, trackSeconds } from './synth';
import { TRACKS } from './tracks';

describe('music notation', () => {
  it('tunes A4 to 440 Hz and counts semitones', () => {
    expect(pitchToHz('A4')).toBeCloseTo(440, 6);
    expect(pitchToHz('A5')).toBeCloseTo(880, 6);
    expect(pitchToHz('C4')).toBeCloseTo(261.63, 1);
    expect(pitchToHz('C#4')).toBeCloseTo(pitchToHz('Db4'), 9);
    expect(() => pitchToHz('H2')).toThrow(SyntaxError);
  });

  it('parses lengths and rests', () => {
    const n = parseNotes('C4 .:0.5 E4:2 x');
    expect(n.map((x) => x.at)).toEqual([0, 1, 1.5, 3.5]);
    expect(n[1]!.freq).toBeNull();
    expect(lengthInBeats(n)).toBe(4.5);
    expect(() => parseNotes('C4:0')).toThrow(SyntaxError);
  });

  it('repeats a short voice to fill the track', () => {
    const n = scheduleVoice(parseNotes('x .'), 5);
    expect(n.map((x) => x.at)).toEqual([0, 1, 2, 3, 4]);
  });
});

describe('built-in tracks', () => {
  it('are four, with distinct ids, and every voice parses and fits the pattern evenly', () => {
    expect(TRACKS).toHaveLength(4);
    expect(new Set(TRACKS.map((t) => t.id)).size).toBe(4);
    for (const t of TRACKS) {
      const total = patternBeats(t);
      for (const v of t.voices) {
        const len = lengthInBeats(parseNotes(v.notes));
        expect(total % len, `${t.id} ${v.instrument} (${len} beats of ${total})`).toBe(0);
        expect(v.gain).toBeGreaterThan(0);
        expect(v.gain).toBeLessThanOrEqual(1);
      }
      const s = trackSeconds(t);
      expect(s, t.id).toBeGreaterThan(15);
      expect(s, t.id).toBeLessThan(120);
    }
  });
});

describe('WAV encoding', () => {
  it('writes a valid 16-bit PCM header and clips samples', () => {
    const wav = new DataView(encodeWav([new Float32Array([0, 1, -1, 2])], 8000));
    const tag = (at: number) => String.fromCharCode(...new Uint8Array(wav.buffer, at, 4));
    expect([tag(0), tag(8), tag(12), tag(36)]).toEqual(['RIFF', 'WAVE', 'fmt ', 'data']);
    expect(wav.getUint32(24, true)).toBe(8000);
    expect(wav.getUint32(40, true)).toBe(8);
    expect([0, 1, 2, 3].map((i) => wav.getInt16(44 + i * 2, true))).toEqual([0, 32767, -32768, 32767]);
  });
});

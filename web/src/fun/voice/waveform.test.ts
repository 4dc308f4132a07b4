import { describe, expect, it } from 'vitest';
import { peaks, rms } from './waveform';

describe('waveform', () => {
  it('takes the peak of each slice, the loudest scaled to 1', () => {
    const s = new Float32Array([0.1, -0.2, 0.4, -0.8, 0, 0, 0.2, 0.1]);
    expect(peaks(s, 4)).toEqual([0.25, 1, 0, 0.25]);
  });
  it('copes with silence, fewer samples than bars, and no bars', () => {
    expect(peaks(new Float32Array(10), 3)).toEqual([0, 0, 0]);
    expect(peaks(new Float32Array([0.5]), 3)).toHaveLength(3);
    expect(peaks(new Float32Array([0.5]), 0)).toEqual([]);
  });
  it('measures the level of a sine as 1/sqrt(2) of its amplitude', () => {
    const s = Float32Array.from({ length: 4800 }, (_, i) => 0.5 * Math.sin((2 * Math.PI * 440 * i) / 48000));
    expect(rms(s)).toBeCloseTo(0.5 / Math.SQRT2, 2);
    expect(rms(new Float32Array(0))).toBe(0);
  });
});

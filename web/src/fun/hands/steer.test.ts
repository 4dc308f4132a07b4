import { describe, expect, it } from 'vitest';
import { FingerSteer } from './steer';

describe('FingerSteer', () => {
  it('maps the four sides of a mirrored picture to directions', () => {
    const s = () => new FingerSteer();
    // Mirrored: a tip on the left of the raw frame is on the user's right.
    expect(s().update({ x: 0.1, y: 0.5 })).toBe('right');
    expect(s().update({ x: 0.9, y: 0.5 })).toBe('left');
    expect(s().update({ x: 0.5, y: 0.1 })).toBe('up');
    expect(s().update({ x: 0.5, y: 0.9 })).toBe('down');
    expect(new FingerSteer({ mirrored: false }).update({ x: 0.1, y: 0.5 })).toBe('left');
  });

  it('asks for nothing in the dead zone or without a hand', () => {
    const s = new FingerSteer({ deadZone: 0.1 });
    expect(s.update({ x: 0.52, y: 0.47 })).toBeNull();
    expect(s.update(null)).toBeNull();
    expect(s.update({ x: Number.NaN, y: 0.5 })).toBeNull();
  });

  it('does not flicker near a diagonal (hysteresis)', () => {
    const s = new FingerSteer({ hysteresis: 1.3, mirrored: false });
    expect(s.update({ x: 0.8, y: 0.5 })).toBe('right');
    // Slightly more vertical than horizontal, but not by the hysteresis factor: stays right.
    expect(s.update({ x: 0.75, y: 0.77 })).toBe('right');
    expect(s.update({ x: 0.76, y: 0.74 })).toBe('right');
    // Clearly vertical now.
    expect(s.update({ x: 0.6, y: 0.85 })).toBe('down');
    expect(s.update({ x: 0.76, y: 0.74 })).toBe('down');
  });

  it('keeps its direction just inside the dead zone edge once out', () => {
    const s = new FingerSteer({ deadZone: 0.1, hysteresis: 1.5, mirrored: false });
    expect(s.update({ x: 0.59, y: 0.5 })).toBeNull(); // 0.09 < 0.1: not out yet
    expect(s.update({ x: 0.62, y: 0.5 })).toBe('right');
    expect(s.update({ x: 0.58, y: 0.5 })).toBe('right'); // 0.08 > 0.1/1.5
    expect(s.update({ x: 0.55, y: 0.5 })).toBeNull();
  });
});

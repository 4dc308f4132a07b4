import type { Dir } from '../snake/engine';

/** A fingertip in picture coordinates: 0..1 from the left and top of the (unmirrored) camera frame. */
export interface Tip {
  x: number;
  y: number;
}

export interface SteerOptions {
  /** Radius around the centre, in picture widths, where the finger asks for nothing. */
  deadZone?: number;
  /**
   * How much the other axis must outweigh the current one before the direction flips between
   * horizontal and vertical: near a diagonal the answer would otherwise flicker each frame.
   */
  hysteresis?: number;
  /** The picture is shown mirrored (like a mirror), so "right" is the user's right. */
  mirrored?: boolean;
}

/**
 * Turns fingertip positions into snake directions, like a joystick around the picture's centre.
 * Returns null when there is no hand or the finger rests in the dead zone: the keys steer then.
 */
export class FingerSteer {
  private readonly deadZone: number;
  private readonly hysteresis: number;
  private readonly mirrored: boolean;
  private current: Dir | null = null;

  constructor(options: SteerOptions = {}) {
    this.deadZone = options.deadZone ?? 0.08;
    this.hysteresis = options.hysteresis ?? 1.3;
    this.mirrored = options.mirrored ?? true;
  }

  update(tip: Tip | null): Dir | null {
    if (tip === null || !Number.isFinite(tip.x) || !Number.isFinite(tip.y)) {
      this.current = null;
      return null;
    }
    const dx = (this.mirrored ? 1 - tip.x : tip.x) - 0.5;
    const dy = tip.y - 0.5;
    const ax = Math.abs(dx);
    const ay = Math.abs(dy);
    // Leaving the dead zone needs the full radius, staying out needs less (hysteresis on distance too).
    const radius = this.current === null ? this.deadZone : this.deadZone / this.hysteresis;
    if (Math.hypot(dx, dy) < radius) {
      this.current = null;
      return null;
    }
    const wasHorizontal = this.current === 'left' || this.current === 'right';
    const wasVertical = this.current === 'up' || this.current === 'down';
    let horizontal: boolean;
    if (wasHorizontal) horizontal = !(ay > ax * this.hysteresis);
    else if (wasVertical) horizontal = ax > ay * this.hysteresis;
    else horizontal = ax >= ay;
    this.current = horizontal ? (dx < 0 ? 'left' : 'right') : dy < 0 ? 'up' : 'down';
    return this.current;
  }
}

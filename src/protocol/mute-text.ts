import type { MutedUntil } from './messages.js';

/** A moment as the IRC gateway shows it: `2026-01-01 12:00:00 UTC` (the server's clock is not the user's). */
export function utcDateTime(ms: number): string {
  return new Date(ms).toISOString().replace('T', ' ').replace(/\.\d+Z$/, ' UTC');
}

/**
 * When a mute ends, as told to the muted user: `until <time>` (each client shows the time its own
 * way: local or UTC), `until an administrator unmutes you`, or '' for no mute. Told to someone
 * else (banter admin), the open-ended mute is worded as the server announces it.
 */
export function untilText(until: MutedUntil, time: (ms: number) => string = utcDateTime, forever = 'until an administrator unmutes you'): string {
  if (until === null) return '';
  return until === 'forever' ? forever : `until ${time(until)}`;
}

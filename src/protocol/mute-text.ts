import type { MutedUntil } from './messages.js';

/** A moment as the IRC gateway shows it: `2026-01-01 12:00:00 UTC` (the server's clock is not the user's). */
export function utcDateTime(ms: number): string {
  return new Date(ms).toISOString().replace('T', ' ').replace(/\.\d+Z$/, ' UTC');
}

/**
 * When a mute ends, worded the same by every client: `until <time>` (each shows the time its own
 * way: local or UTC), `until an administrator unmutes <whom>`, or '' for no mute.
 */
export function untilText(until: MutedUntil, time: (ms: number) => string = utcDateTime, whom = 'you'): string {
  if (until === null) return '';
  if (until === 'forever') return `until an administrator unmutes ${whom}`;
  return `until ${time(until)}`;
}

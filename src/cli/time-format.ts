import { dateTime } from '../client/display.js';

// The one way the scriptable commands show a time: `YYYY-MM-DD HH:MM:SS` in local time for people,
// ISO 8601 in UTC (`2025-01-31T17:04:05.123Z`) in `--json`, which jq and every language parse.

/** A time for people: local date and time, `YYYY-MM-DD HH:MM:SS`. */
export function localTime(ts: number): string {
  return dateTime(ts);
}

/** A time for programs: ISO 8601, UTC, with milliseconds. */
export function isoTime(ts: number): string {
  return new Date(ts).toISOString();
}

/** The fields that hold a time (ms since the epoch) in what the CLI prints as JSON. */
const TIME_FIELDS = ['ts', 'edited_ts', 'until'] as const;

/** A copy of an object with its time fields as ISO 8601 (non-numeric values, "forever" say, kept). */
export function withIsoTimes(value: object): Record<string, unknown> {
  const out = { ...value } as Record<string, unknown>;
  for (const key of TIME_FIELDS) {
    const v = out[key];
    if (typeof v === 'number') out[key] = isoTime(v);
  }
  return out;
}

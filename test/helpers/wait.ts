import assert from 'node:assert/strict';

/** What a wait is for (named in the failure), how long it may take, and what to show if it times out. */
export interface WaitOptions {
  what: string;
  /** Default 10 s. */
  timeoutMs?: number;
  /** The state worth seeing when it times out (e.g. the output read so far). */
  state?: () => unknown;
}

/**
 * Polls until the predicate holds; fails naming what it waited for after the timeout. A predicate
 * that throws or rejects (a page navigating away in the middle of an evaluate) counts as "not yet",
 * and its last error is shown on timeout. Synchronous checks of what a test has recorded are
 * polled every 10 ms; asynchronous ones (a round trip to a browser or a server) every 50 ms.
 */
export async function waitUntil(predicate: () => boolean | Promise<boolean>, options: string | WaitOptions): Promise<void> {
  await waitForValue(predicate, (ok) => ok, options);
}

/** waitUntil for a value read again and again: returns the first one `ok` accepts; a timeout shows the last one read. */
export async function waitForValue<T>(read: () => T | Promise<T>, ok: (value: T) => boolean, options: string | WaitOptions): Promise<T> {
  const { what, timeoutMs = 10_000, state } = typeof options === 'string' ? { what: options } : options;
  const deadline = Date.now() + timeoutMs;
  let last: { value: T } | undefined;
  for (;;) {
    let everyMs = 10;
    let failure: unknown;
    try {
      const result = read();
      if (result instanceof Promise) everyMs = 50;
      last = { value: await result };
      if (ok(last.value)) return last.value;
    } catch (err) {
      failure = err;
    }
    if (Date.now() > deadline) {
      const seen = state ? `; state: ${JSON.stringify(state())}` : last && typeof last.value !== 'boolean' ? `; last: ${JSON.stringify(last.value)}` : '';
      const error = failure === undefined ? '' : `; last error: ${failure instanceof Error ? failure.message : String(failure)}`;
      throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}${seen}${error}`);
    }
    await new Promise((r) => setTimeout(r, everyMs));
  }
}

/**
 * A check that something did NOT arrive, which cannot pass by waiting too little: waits for a
 * marker (something the test caused after the thing that must not arrive, on a path that keeps
 * order), then asserts that nothing unwanted came before it. `events` is what a test records as
 * it arrives (record(), an IRC client's lines).
 */
export async function expectNothingBefore<T>(
  events: readonly T[],
  check: { marker: (e: T) => boolean; unwanted: (e: T) => boolean; what: string; timeoutMs?: number },
): Promise<void> {
  await waitUntil(() => events.some(check.marker), { what: `the marker that ends the check that ${check.what}`, timeoutMs: check.timeoutMs ?? 10_000 });
  const before = events.slice(0, events.findIndex(check.marker));
  assert.deepEqual(before.filter(check.unwanted), [], check.what);
}

/**
 * A pause that is part of the scenario (wait out a rate window, let a token expire), not a wait
 * for something to happen: for that, use waitUntil or expectNothingBefore.
 */
export function scenarioPause(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}

/** "Full jitter" exponential back-off: a random wait up to min(max, base * 2^attempt). */
export function backoffDelay(attempt: number, baseMs: number, maxMs: number, random = Math.random): number {
  return Math.round(random() * Math.min(maxMs, baseMs * 2 ** Math.min(attempt, 20)));
}

/**
 * Reports a failure the way a CLI should: one line for errors the user can act on (the classes
 * given), the stack only for the unexpected. Sets exit code 2.
 */
export function fail(err: unknown, ...expected: (abstract new (...args: never[]) => Error)[]): void {
  const known = err instanceof Error && (expected.some((c) => err instanceof c) || 'code' in err);
  const text = err instanceof Error ? (known ? err.message : (err.stack ?? err.message)) : String(err);
  process.stderr.write(`banter: ${text}\n`);
  process.exitCode = 2;
}

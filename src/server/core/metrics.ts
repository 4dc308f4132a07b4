/** What the core reports about its work; the server wires it to Prometheus (src/server/metrics.ts). */
export interface ChatMetrics {
  /** A request was handled: its op, and the error code if it failed. */
  request(op: string, errorCode: string | undefined): void;
  /** A message append took this long to become durable. */
  stored(seconds: number): void;
  /** One event was written to this many local sessions, taking this long. */
  fannedOut(recipients: number, seconds: number): void;
}

export const NO_METRICS: ChatMetrics = {
  request: () => undefined,
  stored: () => undefined,
  fannedOut: () => undefined,
};

import type { ErrorBody, ErrorCode } from '../protocol/index.js';

/** A request the server refused, or one that never got an answer. */
export class BanterError extends Error {
  readonly code: ErrorCode | 'TIMEOUT' | 'DISCONNECTED';
  readonly retryAfter?: number;
  readonly until?: number | 'forever';

  constructor(body: ErrorBody | { code: 'TIMEOUT' | 'DISCONNECTED'; message: string }) {
    super(body.message);
    this.name = 'BanterError';
    this.code = body.code;
    if ('retry_after' in body) this.retryAfter = body.retry_after;
    if ('until' in body) this.until = body.until;
  }
}

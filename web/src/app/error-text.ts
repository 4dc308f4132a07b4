import { BanterError } from '../../../src/client/errors.js';
import { ERROR_CODES } from '../../../src/protocol/errors.js';
import type { Translate } from './chat-store.js';

/** The codes a refusal can carry: the server's (protocol §6) and the SDK's own. */
export const CLIENT_ERROR_CODES = [...ERROR_CODES, 'DISCONNECTED'] as const;

/**
 * A refusal in the reader's language: each error code has its own sentence (errors.<CODE>), so
 * the server's English message shows only for an error that is not a BanterError at all.
 */
export function errorText(t: Translate, err: unknown): string {
  if (err instanceof BanterError) {
    if (err.code === 'RATE_LIMITED') return t('errors.RATE_LIMITED', { seconds: err.retryAfter ?? 1 });
    if ((CLIENT_ERROR_CODES as readonly string[]).includes(err.code)) return t(`errors.${err.code}`);
  }
  return t('errors.other', { detail: err instanceof Error ? err.message : String(err) });
}

/** Every error code a Banter server can answer with. docs/protocol.md lists when each is used. */
export const ERROR_CODES = [
  'BAD_REQUEST',
  'NOT_AUTHENTICATED',
  'ALREADY_AUTHENTICATED',
  'INVALID_NAME',
  'WEAK_PASSWORD',
  'USER_EXISTS',
  'BAD_CREDENTIALS',
  'BANNED',
  'RATE_LIMITED',
  'MUTED',
  'NO_SUCH_USER',
  'NO_SUCH_FILE',
  'NO_SUCH_ROOM',
  'ROOM_EXISTS',
  'NOT_A_MEMBER',
  'TOO_MANY_ROOMS',
  'NO_SUCH_MESSAGE',
  'TOO_LONG',
  'FORBIDDEN',
  'FRAME_TOO_LARGE',
  'BAD_ENCODING',
  'SLOW_CONSUMER',
  'TIMEOUT',
  'SHUTTING_DOWN',
  'INTERNAL',
] as const;

export type ErrorCode = (typeof ERROR_CODES)[number];

export interface ErrorBody {
  code: ErrorCode;
  message: string;
  /** Seconds until a retry can succeed (RATE_LIMITED). */
  retry_after?: number;
  /** When a mute ends (MUTED): ms since the epoch, or "forever". */
  until?: number | 'forever';
}

/** What an error is about, for the server's own adapters (the IRC gateway); never sent on the wire. */
export interface ErrorDetails {
  /** The room a refusal concerns (MUTED: muted in this room, not server-wide). */
  room?: string;
}

/** An error meant for the peer: its code and message go on the wire as they are. */
export class ProtocolError extends Error {
  constructor(
    readonly code: ErrorCode,
    message: string,
    readonly extra: Omit<ErrorBody, 'code' | 'message'> = {},
    readonly details: ErrorDetails = {},
  ) {
    super(message);
    this.name = 'ProtocolError';
  }

  toBody(): ErrorBody {
    return { code: this.code, message: this.message, ...this.extra };
  }
}

export function isErrorCode(value: unknown): value is ErrorCode {
  return typeof value === 'string' && (ERROR_CODES as readonly string[]).includes(value);
}

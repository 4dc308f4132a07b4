/** Limits that both ends of the wire agree on. */
export const PROTOCOL_VERSION = 1;
/** Longest line (request, reply or event) in bytes, the newline not counted. */
export const MAX_LINE_BYTES = 64 * 1024;
/** Longest message text, in Unicode code points. */
export const MAX_TEXT_CHARS = 4000;
export const MAX_NOTICE_CHARS = 1000;
export const MAX_REASON_CHARS = 200;
export const MIN_PASSWORD_CHARS = 8;
/** Hashing cost grows with length; nobody needs more than this. */
export const MAX_PASSWORD_CHARS = 1024;
export const MAX_NAME_CHARS = 32;
export const MAX_HISTORY_LIMIT = 200;
export const DEFAULT_HISTORY_LIMIT = 50;
export const MAX_CID_CHARS = 64;
export const LOBBY = '#lobby';

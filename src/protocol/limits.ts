/** Limits that both ends of the wire agree on. */
export const PROTOCOL_VERSION = 1;
/** Longest line a client may send, in bytes, the newline not counted. */
export const MAX_LINE_BYTES = 64 * 1024;
/**
 * Longest line a client must accept from the server: a full history page (200 messages of up to
 * 4000 characters, 4 bytes each in UTF-8, JSON-escaped) fits with room to spare.
 */
export const MAX_SERVER_LINE_BYTES = 16 * 1024 * 1024;
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
/**
 * A `history` page stops once its messages reach about this many bytes of JSON (at least one
 * message is always included) and says `more`: 200 messages of 4000 emoji would be 3.2 MB.
 */
export const HISTORY_PAGE_BYTES = 256 * 1024;
export const MAX_CID_CHARS = 64;
export const LOBBY = '#lobby';

/** C0/C1 control characters other than tab and newline: never allowed in texts, notices, reasons. */
// eslint-disable-next-line no-control-regex
export const FORBIDDEN_CONTROL_CHARS = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f]/;
/** Longest room topic, in characters (code points). */
export const MAX_TOPIC_CHARS = 300;
/** Different emoji one message may carry as reactions. */
export const MAX_REACTION_EMOJIS = 20;
/** `unread` in `convs` counts at most this many messages. */
export const MAX_UNREAD_COUNT = 1000;
/**
 * Most rooms one `rooms` reply lists, and how many it lists without `limit` (so a client that
 * does not page gets what it got before paging existed, up to this).
 */
export const MAX_ROOMS_LIMIT = 500;
/** Most people one `users` reply lists, and how many it lists without `limit`. */
export const MAX_USERS_LIMIT = 100;
export const DEFAULT_USERS_LIMIT = 50;
/** Rooms one user may own, by default (`--max-rooms-owned`); the administrator has no such cap. */
export const DEFAULT_MAX_ROOMS_OWNED = 50;
/** Rooms one user may be a member of, by default (`--max-rooms-joined`). */
export const DEFAULT_MAX_ROOMS_JOINED = 500;

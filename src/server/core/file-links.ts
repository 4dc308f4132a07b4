import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';

/** What a link opens: the file itself or its thumbnail. A link for one never opens the other. */
export type FileVariant = 'file' | 'thumb';

/** The name the signing key is stored under (store.secrets), shared by every node of a database. */
export const FILE_LINK_SECRET = 'file-link-key';

/** A fresh key for store.secrets: 32 random bytes, base64url. */
export function newFileLinkKey(): string {
  return randomBytes(32).toString('base64url');
}

/**
 * Expiries are rounded up to a whole hour, so every link to one file made within the same hour is
 * the same URL: browsers reuse what they cached, and an IRC line renders the same for everyone.
 */
const STEP_S = 3600;
/** Signatures are the first 16 bytes of the HMAC-SHA256 (22 base64url characters): short enough for IRC lines. */
const SIG_BYTES = 16;
const SIG = /^[A-Za-z0-9_-]{22}$/;
const EXP = /^\d{1,12}$/;

export interface SignedLink {
  /** Path and query, to resolve against the HTTP API's base: `/api/files/<id>?exp=…&sig=…`. */
  path: string;
  /** When it stops working, in ms since the epoch. */
  expires: number;
}

export type LinkCheck = 'ok' | 'expired' | 'bad';

/**
 * Capability URLs for files: the server signs (file id, variant, expiry) with a key only it
 * knows, so a link opens that one file (or its thumbnail) until it expires, without a session.
 * Who may get a link is decided where links are handed out (the `file_url` op checks the
 * access rules of Files.readable; the IRC gateway links only files its users were sent).
 */
export class FileLinks {
  private readonly key: Buffer;

  constructor(
    key: string,
    private readonly now: () => number = Date.now,
  ) {
    this.key = Buffer.from(key, 'base64url');
    if (this.key.length < 32) throw new Error('the file link key must have at least 32 bytes');
  }

  /** A link valid for at least `ttlMs` (and less than an hour more: expiries are rounded up). */
  link(id: string, variant: FileVariant, ttlMs: number): SignedLink {
    const exp = Math.ceil((this.now() + ttlMs) / 1000 / STEP_S) * STEP_S;
    return { path: this.pathFor(id, variant, exp), expires: exp * 1000 };
  }

  /** The link for an exact expiry (unix seconds), expired or not. */
  pathFor(id: string, variant: FileVariant, exp: number): string {
    const sig = this.sign(id, variant, String(exp));
    return `/api/files/${encodeURIComponent(id)}${variant === 'thumb' ? '/thumb' : ''}?exp=${exp}&sig=${sig}`;
  }

  /**
   * Whether `exp` and `sig` (as they came in the query) are a genuine link to this id and
   * variant: 'bad' for anything not signed by this key (a changed id, variant, expiry or
   * signature), 'expired' for a genuine link whose time is up.
   */
  check(id: string, variant: FileVariant, exp: unknown, sig: unknown): LinkCheck {
    if (typeof exp !== 'string' || typeof sig !== 'string' || !EXP.test(exp) || !SIG.test(sig)) return 'bad';
    // Compared as text, in constant time: only the canonical encoding of the signature passes.
    const expected = Buffer.from(this.sign(id, variant, exp));
    if (!timingSafeEqual(expected, Buffer.from(sig))) return 'bad';
    return Number(exp) * 1000 > this.now() ? 'ok' : 'expired';
  }

  private sign(id: string, variant: FileVariant, exp: string): string {
    // The id last: variant and expiry cannot hold a newline, so no two inputs read the same.
    return createHmac('sha256', this.key).update(`banter-file-link-v1\n${variant}\n${exp}\n${id}`).digest().subarray(0, SIG_BYTES).toString('base64url');
  }
}

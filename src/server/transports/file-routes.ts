import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { Accounts } from '../core/accounts.js';
import type { FileLinks, FileVariant } from '../core/file-links.js';
import type { Files } from '../core/files.js';
import { UploadQuota } from '../core/upload-quota.js';
import type { FileRecord, UserRecord } from '../store/port.js';
import { BlobAbortedError, BlobTooLargeError, type DiskFileStore } from '../store/files/disk-file-store.js';

export interface FileRoutesOptions {
  accounts: Accounts;
  files: Files;
  /** Checks the signed links (`?exp=…&sig=…`) that open a file without a session. */
  fileLinks: FileLinks;
  blobs: DiskFileStore;
  maxUploadBytes: number;
  /** Total bytes one user may have uploaded (every file record counts). */
  quotaBytes: number;
  /** Uploads one user may start in any 60 s. */
  uploadsPerMinute: number;
  /** Uploads one user may have running at once (on this node). */
  uploadsInFlight: number;
  logger?: { warn(obj: object, msg: string): void };
}

/** How long the rest of a refused upload is read (and thrown away) before the connection is cut. */
const DRAIN_MS = 2000;
const MINUTE_MS = 60_000;

/**
 * At most `limit` events per user in any sliding 60 s window. `take` records one and resolves
 * 0, or, when the window is full, records nothing and gives the seconds until one is free.
 */
export class UploadRateLimiter {
  private readonly recent = new Map<number, number[]>();

  constructor(
    private readonly limit: number,
    private readonly now: () => number = Date.now,
  ) {}

  take(userId: number): number {
    const now = this.now();
    const times = (this.recent.get(userId) ?? []).filter((t) => t > now - MINUTE_MS);
    if (times.length >= this.limit) {
      this.recent.set(userId, times);
      return Math.max(1, Math.ceil((times[0]! + MINUTE_MS - now) / 1000));
    }
    times.push(now);
    this.recent.set(userId, times);
    if (this.recent.size > 10_000) this.prune(now);
    return 0;
  }

  private prune(now: number): void {
    for (const [id, times] of this.recent) if (times.every((t) => t <= now - MINUTE_MS)) this.recent.delete(id);
  }
}

type DownloadRequest = FastifyRequest<{ Params: { id: string }; Querystring: { exp?: unknown; sig?: unknown; token?: unknown } }>;

/**
 * File transfer over HTTP: `POST /api/files` (the raw body is the file) and `GET /api/files/:id`
 * (with Range). The upload takes the session token of `login` as `Authorization: Bearer <token>`;
 * a download takes it too (API clients), or a signed link (`?exp=…&sig=…`, from the `file_url`
 * op or an IRC message) for `<img src>`, players and links, which cannot send headers. A session
 * token in the URL (`?token=`, accepted once) is refused: URLs leak into history, logs and
 * Referer, and that token is the whole account. Register it on the HTTP app as a plugin.
 */
export function fileRoutes(options: FileRoutesOptions) {
  const { accounts, files, fileLinks, blobs, maxUploadBytes, quotaBytes } = options;
  const rate = new UploadRateLimiter(options.uploadsPerMinute);
  const quota = new UploadQuota({ quotaBytes, maxInFlight: options.uploadsInFlight }, (user) => files.uploadedBytes(user));

  return async function plugin(app: FastifyInstance): Promise<void> {
    // The body is the file, whatever the client says it is: no parsing, no buffering; the route
    // streams request.raw itself. The client's Content-Type is ignored (the type is sniffed).
    app.removeAllContentTypeParsers();
    app.addHook('onRequest', async (request) => {
      if (request.method === 'POST') request.headers['content-type'] = 'application/octet-stream';
    });
    app.addContentTypeParser('*', (_request, _payload, done) => done(null, undefined));

    app.post('/api/files', async (request, reply) => {
      const user = await authenticate(request);
      if (!user) return refuse(request, reply, 401, 'NOT_AUTHENTICATED', 'a valid session token is required (Authorization: Bearer <token>)');
      const wait = rate.take(user.id);
      if (wait > 0) {
        reply.header('retry-after', String(wait));
        return refuse(request, reply, 429, 'RATE_LIMITED', `at most ${options.uploadsPerMinute} uploads a minute; retry in ${wait} s`);
      }
      const length = Number(request.headers['content-length'] ?? NaN);
      const declared = Number.isSafeInteger(length) && length >= 0 ? length : undefined;
      if (declared !== undefined && declared > maxUploadBytes) return refuse(request, reply, 413, 'TOO_LARGE', tooLarge());
      // The upload's size is reserved against the quota before its body is read (or claimed as it
      // streams, without Content-Length), so uploads running together share what is left.
      const reservation = await quota.begin(user, declared);
      if ('kind' in reservation) {
        if (reservation.kind === 'too-many') {
          return refuse(request, reply, 429, 'RATE_LIMITED', `at most ${reservation.limit} uploads at once; wait for one to finish`);
        }
        return refuse(request, reply, 413, 'QUOTA_EXCEEDED', overQuota(reservation.left));
      }
      let claimRefused = false;
      const claim = declared !== undefined ? undefined : (n: number): boolean => (reservation.grow(n) ? true : ((claimRefused = true), false));
      let blob;
      try {
        blob = await blobs.receive(request.raw, declared ?? maxUploadBytes, undefined, claim);
      } catch (err) {
        const left = reservation.bytes + reservation.left();
        reservation.release();
        if (err instanceof BlobTooLargeError) {
          return claimRefused ? refuse(request, reply, 413, 'QUOTA_EXCEEDED', overQuota(left)) : refuse(request, reply, 413, 'TOO_LARGE', tooLarge());
        }
        if (err instanceof BlobAbortedError) {
          request.raw.socket?.destroy();
          return reply.hijack();
        }
        throw err;
      }
      const uploaded = blob;
      const record = await reservation.commit(() => files.add({ ...uploaded, name: decodeName(request.headers['x-file-name']) }, user));
      const thumb = await blobs.makeThumbnail(record.sha256, record.mime);
      return reply.code(201).send({ id: record.id, name: record.name, size: record.size, mime: record.mime, sha256: record.sha256, thumb });
    });

    app.get('/api/files/:id/thumb', async (request: DownloadRequest, reply) => {
      const file = await downloadable(request, reply, 'thumb');
      if (!file) return reply;
      const size = await blobs.thumbnailSizeOf(file.sha256);
      if (size === null) return refuse(request, reply, 404, 'NO_THUMBNAIL', 'this file has no thumbnail');
      reply
        .header('content-type', 'image/webp')
        .header('content-length', size)
        .header('content-disposition', contentDisposition(`${file.name}.thumb.webp`).replace(/^attachment/, 'inline'))
        .header('x-content-type-options', 'nosniff')
        .header('content-security-policy', "default-src 'none'; sandbox")
        .header('cache-control', cacheControl(request))
        .header('etag', `"${file.sha256}-thumb"`);
      return reply.send(blobs.readThumbnail(file.sha256));
    });

    app.get('/api/files/:id', async (request: DownloadRequest, reply) => {
      const file = await downloadable(request, reply, 'file');
      if (!file) return reply;
      return sendFile(request, reply, file);
    });
  };

  /**
   * The file a download may have, or null once the refusal is sent. A signed link is checked
   * alone (whoever holds it may download, until it expires); otherwise the session token in
   * the Authorization header, with the access rules of Files.readable.
   */
  async function downloadable(request: DownloadRequest, reply: FastifyReply, variant: FileVariant): Promise<FileRecord | null> {
    const { id } = request.params;
    const { exp, sig, token } = request.query;
    if (exp !== undefined || sig !== undefined) {
      const check = fileLinks.check(id, variant, exp, sig);
      if (check === 'bad') {
        refuse(request, reply, 403, 'BAD_SIGNATURE', `this link is not valid for ${variant === 'thumb' ? "this file's thumbnail" : 'this file'} (altered, or signed for another file or variant)`);
        return null;
      }
      if (check === 'expired') {
        refuse(request, reply, 403, 'LINK_EXPIRED', `this link expired at ${new Date(Number(exp) * 1000).toISOString()}; get a new one (the file_url operation)`);
        return null;
      }
      const file = await files.find(id);
      if (!file) refuse(request, reply, 404, 'NO_SUCH_FILE', 'no such file');
      return file;
    }
    if (token !== undefined) {
      refuse(request, reply, 401, 'NOT_AUTHENTICATED', 'a session token in the URL (?token=) is no longer accepted: it leaks through history, logs and Referer; send Authorization: Bearer <token>, or use a signed link (the file_url operation)');
      return null;
    }
    const user = await authenticate(request);
    if (!user) {
      refuse(request, reply, 401, 'NOT_AUTHENTICATED', 'a valid session token (Authorization: Bearer <token>) or a signed link (?exp=…&sig=…) is required');
      return null;
    }
    const file = await files.readable(user, id);
    if (!file) refuse(request, reply, 404, 'NO_SUCH_FILE', 'no such file');
    return file;
  }

  /**
   * A file id always names the same bytes, so a signed link's answer may be kept (privately)
   * until the link expires; with a session token it is checked again each time (access may change).
   */
  function cacheControl(request: DownloadRequest): string {
    const { exp } = request.query;
    if (typeof exp !== 'string') return 'private, no-cache';
    return `private, max-age=${Math.max(0, Math.floor(Number(exp) - Date.now() / 1000))}`;
  }

  function tooLarge(): string {
    return `a file may have at most ${maxUploadBytes} bytes (${maxUploadBytes / (1024 * 1024)} MiB)`;
  }

  function overQuota(left: number): string {
    const mib = (n: number): string => `${Math.round((n / (1024 * 1024)) * 100) / 100} MiB`;
    return `upload quota exceeded: a user may upload at most ${quotaBytes} bytes (${mib(quotaBytes)}) in all; ${Math.max(0, left)} bytes (${mib(Math.max(0, left))}) left`;
  }

  async function authenticate(request: FastifyRequest): Promise<UserRecord | null> {
    const header = request.headers.authorization;
    const token = header === undefined ? undefined : /^Bearer\s+(\S+)\s*$/i.exec(header)?.[1];
    return token === undefined ? null : accounts.authenticate(token);
  }

  async function sendFile(request: FastifyRequest, reply: FastifyReply, file: FileRecord): Promise<FastifyReply> {
    const size = await blobs.sizeOf(file.sha256);
    if (size === null) {
      options.logger?.warn({ file: file.id, sha256: file.sha256 }, 'file content missing');
      return refuse(request, reply, 404, 'NO_SUCH_FILE', 'no such file');
    }
    reply
      .header('content-type', file.mime)
      .header('content-disposition', contentDisposition(file.name))
      .header('x-content-type-options', 'nosniff')
      .header('content-security-policy', "default-src 'none'; sandbox")
      .header('cache-control', cacheControl(request as DownloadRequest))
      .header('etag', `"${file.sha256}"`)
      .header('accept-ranges', 'bytes');
    const range = parseRange(request.headers.range, size);
    if (range === 'unsatisfiable') {
      return reply.code(416).header('content-range', `bytes */${size}`).header('content-length', 0).send();
    }
    if (range) {
      reply.code(206).header('content-range', `bytes ${range.start}-${range.end}/${size}`).header('content-length', range.end - range.start + 1);
      return reply.send(blobs.read(file.sha256, range));
    }
    reply.header('content-length', size);
    return reply.send(size === 0 ? '' : blobs.read(file.sha256));
  }

  /**
   * Sends an error. If the request's body is still arriving (a refused upload), the connection is
   * closed after the reply: the rest is read and thrown away for a short while, so the client can
   * read the reply before the socket goes away, then the connection is cut.
   */
  function refuse(request: FastifyRequest, reply: FastifyReply, status: number, code: string, message: string): FastifyReply {
    const raw = request.raw;
    if (!raw.complete && request.method === 'POST') {
      reply.header('connection', 'close');
      raw.resume();
      const timer = setTimeout(() => raw.socket?.destroy(), DRAIN_MS);
      timer.unref();
      raw.once('end', () => clearTimeout(timer));
    }
    return reply.code(status).send({ error: { code, message } });
  }
}

/** X-File-Name is percent-encoded UTF-8; a value that does not decode is taken as it is. */
function decodeName(header: string | string[] | undefined): string | undefined {
  const value = Array.isArray(header) ? header[0] : header;
  if (value === undefined) return undefined;
  try {
    return decodeURIComponent(value);
  } catch {
    return value;
  }
}

/** RFC 6266 / 8187: an ASCII fallback plus the exact (already sanitised) name in UTF-8. */
export function contentDisposition(name: string): string {
  const ascii = name.replace(/[^A-Za-z0-9 ._()-]/g, '_');
  const encoded = encodeURIComponent(name).replace(/['()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
  return `attachment; filename="${ascii}"; filename*=UTF-8''${encoded}`;
}

/**
 * One byte range (RFC 9110 §14.1.2): `bytes=a-b`, `bytes=a-`, `bytes=-n`. Undefined when there
 * is no Range header or it cannot be read, or names several ranges: the whole file is sent.
 */
export function parseRange(header: string | undefined, size: number): { start: number; end: number } | 'unsatisfiable' | undefined {
  if (header === undefined) return undefined;
  const m = /^\s*bytes\s*=\s*(\d*)\s*-\s*(\d*)\s*$/i.exec(header);
  if (!m || (m[1] === '' && m[2] === '')) return undefined;
  const [first, last] = [m[1]!, m[2]!];
  if (first === '') {
    const suffix = Number(last);
    if (suffix === 0 || size === 0) return 'unsatisfiable';
    return { start: Math.max(0, size - suffix), end: size - 1 };
  }
  const start = Number(first);
  const end = last === '' ? size - 1 : Math.min(Number(last), size - 1);
  if (last !== '' && Number(last) < start) return undefined; // invalid: ignored
  if (start >= size) return 'unsatisfiable';
  return { start, end };
}

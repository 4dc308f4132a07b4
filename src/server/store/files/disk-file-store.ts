import { createHash, randomBytes } from 'node:crypto';
import { createReadStream, createWriteStream, mkdirSync, readdirSync, rmSync, type ReadStream, type WriteStream } from 'node:fs';
import { mkdir, open, rename, rm, stat } from 'node:fs/promises';
import { join } from 'node:path';
import type { Readable } from 'node:stream';
import { fileTypeFromFile } from 'file-type';
import type { Sharp, SharpOptions } from 'sharp';

function closed(stream: WriteStream): Promise<void> {
  return new Promise((resolve) => (stream.closed ? resolve() : stream.once('close', () => resolve())));
}

/** What `receive` stored. */
export interface ReceivedBlob {
  sha256: string;
  size: number;
  /** Sniffed from the content; application/octet-stream when unknown. */
  mime: string;
}

/** The upload went over the limit; nothing of it was kept. */
export class BlobTooLargeError extends Error {
  constructor(readonly limit: number) {
    super(`the file is larger than ${limit} bytes`);
    this.name = 'BlobTooLargeError';
  }
}

/** The upload stopped before its end (the client went away); nothing of it was kept. */
export class BlobAbortedError extends Error {
  constructor() {
    super('the upload was interrupted');
    this.name = 'BlobAbortedError';
  }
}

const FALLBACK_MIME = 'application/octet-stream';
/** Sniffed types a thumbnail is made for. */
export const THUMBNAIL_TYPES: ReadonlySet<string> = new Set(['image/png', 'image/jpeg', 'image/gif', 'image/webp']);
/** A thumbnail fits in this square (pixels), keeping the aspect ratio, never enlarged. */
export const THUMBNAIL_SIZE = 320;
/** Images with more pixels than this are not decoded (decompression bombs): no thumbnail. */
const THUMBNAIL_MAX_INPUT_PIXELS = 50_000_000;

// sharp (libvips) takes ~200 ms to load: only when the first image arrives, not at start-up.
let sharpLoaded: Promise<(input: string, options: SharpOptions) => Sharp> | undefined;
const loadSharp = (): Promise<(input: string, options: SharpOptions) => Sharp> => (sharpLoaded ??= import('sharp').then((m) => m.default));
const SHA256_HEX = /^[0-9a-f]{64}$/;

/**
 * File contents on disk, stored by SHA-256 under `<root>/ab/cdef…` (content-addressed, so equal
 * uploads share one copy and no client-chosen text ever becomes a path). An upload is streamed
 * into `<root>/tmp/` while it is hashed and counted, flushed to disk, then renamed into place.
 */
export class DiskFileStore {
  private readonly tmpDir: string;

  constructor(private readonly root: string) {
    this.tmpDir = join(root, 'tmp');
    mkdirSync(this.tmpDir, { recursive: true });
    // Uploads interrupted by a crash leave temporary files; none is in progress at start-up.
    for (const name of readdirSync(this.tmpDir)) rmSync(join(this.tmpDir, name), { force: true, recursive: true });
  }

  /**
   * Streams `source` to disk, hashing it; rejects with BlobTooLargeError as soon as more than
   * `maxBytes` arrived, or BlobAbortedError if the source ends early or fails, leaving nothing
   * behind. It never destroys `source`: after a rejection the caller decides what to do with the
   * rest of it (the source is left flowing, its data discarded). A source that sends nothing for
   * `idleMs` counts as aborted. `claim`, if given, is asked before each chunk is kept whether its
   * bytes may be had (a quota counted as the body streams); a no is a BlobTooLargeError too.
   */
  async receive(source: Readable, maxBytes: number, idleMs = 60_000, claim?: (bytes: number) => boolean): Promise<ReceivedBlob> {
    const tmp = join(this.tmpDir, `${Date.now()}-${randomBytes(8).toString('hex')}`);
    const out = createWriteStream(tmp, { flags: 'wx' });
    const hash = createHash('sha256');
    let size = 0;
    try {
      await new Promise<void>((resolve, reject) => {
        let ended = false;
        const idle = setTimeout(() => stop(new BlobAbortedError()), idleMs);
        const stop = (err: Error): void => {
          clearTimeout(idle);
          source.off('data', onData).off('end', onEnd).off('error', onSourceError).off('close', onClose);
          source.resume(); // keep draining what the client still sends; the caller may close it
          out.destroy();
          reject(err);
        };
        const onData = (chunk: Buffer): void => {
          idle.refresh();
          size += chunk.length;
          if (size > maxBytes || (claim !== undefined && !claim(chunk.length))) return stop(new BlobTooLargeError(maxBytes));
          hash.update(chunk);
          if (!out.write(chunk)) {
            source.pause();
            out.once('drain', () => source.resume());
          }
        };
        const onEnd = (): void => {
          clearTimeout(idle);
          ended = true;
          out.end();
        };
        const onSourceError = (): void => stop(new BlobAbortedError());
        const onClose = (): void => {
          if (!ended) stop(new BlobAbortedError());
        };
        source.on('data', onData).on('end', onEnd).on('error', onSourceError).on('close', onClose);
        out.on('error', (err) => stop(err));
        out.on('finish', () => {
          source.off('data', onData).off('end', onEnd).off('error', onSourceError).off('close', onClose);
          resolve();
        });
      });
      await closed(out);
      const handle = await open(tmp, 'r');
      try {
        await handle.sync();
      } finally {
        await handle.close();
      }
      const sha256 = hash.digest('hex');
      // Content it cannot read as a known type is stored as FALLBACK_MIME, which is no failure.
      const mime = (await fileTypeFromFile(tmp).catch(() => undefined))?.mime ?? FALLBACK_MIME;
      const final = this.pathOf(sha256);
      await mkdir(join(final, '..'), { recursive: true });
      await rename(tmp, final); // the same hash is the same content: replacing a copy is harmless
      return { sha256, size, mime };
    } catch (err) {
      await closed(out);
      await rm(tmp, { force: true });
      throw err;
    }
  }

  /**
   * Makes the WebP thumbnail of a stored image (at most 320x320, aspect kept), stored beside it
   * as `<root>/ab/cdef….thumb.webp`, so equal contents share one. Resolves true when there is one
   * (made now or before), false when the type has none or the image cannot be decoded.
   */
  async makeThumbnail(sha256: string, mime: string): Promise<boolean> {
    if (!THUMBNAIL_TYPES.has(mime)) return false;
    const final = this.thumbPathOf(sha256);
    if ((await this.thumbnailSizeOf(sha256)) !== null) return true;
    const tmp = join(this.tmpDir, `${Date.now()}-${randomBytes(8).toString('hex')}.webp`);
    try {
      const sharp = await loadSharp();
      await sharp(this.pathOf(sha256), { limitInputPixels: THUMBNAIL_MAX_INPUT_PIXELS, failOn: 'error' })
        .rotate() // honour EXIF orientation
        .resize(THUMBNAIL_SIZE, THUMBNAIL_SIZE, { fit: 'inside', withoutEnlargement: true })
        .webp({ quality: 75 })
        .toFile(tmp);
      await rename(tmp, final);
      return true;
    } catch {
      await rm(tmp, { force: true });
      return false;
    }
  }

  /** The thumbnail of a stored image (see makeThumbnail). */
  readThumbnail(sha256: string): ReadStream {
    return createReadStream(this.thumbPathOf(sha256));
  }

  /** The thumbnail's size, or null if there is none. */
  async thumbnailSizeOf(sha256: string): Promise<number | null> {
    return stat(this.thumbPathOf(sha256)).then(
      (s) => s.size,
      () => null,
    );
  }

  /** The content of a stored file, or the bytes start..end (inclusive) of it. */
  read(sha256: string, range?: { start: number; end: number }): ReadStream {
    return createReadStream(this.pathOf(sha256), range);
  }

  /** The stored size, or null if the content is missing. */
  async sizeOf(sha256: string): Promise<number | null> {
    return stat(this.pathOf(sha256)).then(
      (s) => s.size,
      () => null,
    );
  }

  private thumbPathOf(sha256: string): string {
    return `${this.pathOf(sha256)}.thumb.webp`;
  }

  private pathOf(sha256: string): string {
    if (!SHA256_HEX.test(sha256)) throw new Error(`not a SHA-256 hex digest: ${sha256}`);
    return join(this.root, sha256.slice(0, 2), sha256.slice(2));
  }
}

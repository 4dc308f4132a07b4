import type { FileRef } from '../protocol/index.js';
import { BanterError } from './errors.js';

/** What the server answers to an upload. */
export interface UploadedFile extends FileRef {
  sha256: string;
}

export type Progress = (done: number, total: number | undefined) => void;

/** The slice of the browser's XMLHttpRequest used for uploads with progress (absent in Node). */
interface Xhr {
  open(method: string, url: string): void;
  setRequestHeader(name: string, value: string): void;
  upload: { onprogress: ((e: { loaded: number; total: number; lengthComputable: boolean }) => void) | null };
  onload: (() => void) | null;
  onerror: (() => void) | null;
  onabort: (() => void) | null;
  status: number;
  responseText: string;
  getResponseHeader(name: string): string | null;
  abort(): void;
  send(body: Blob): void;
}
const XhrImpl = (globalThis as { XMLHttpRequest?: new () => Xhr }).XMLHttpRequest;

export interface UploadOptions {
  /** The HTTP base of the server, e.g. "http://127.0.0.1:8080". */
  httpBase: string;
  /** The session token `login` returned. */
  token: string;
  name: string;
  onProgress?: Progress;
  signal?: AbortSignal;
}

/**
 * Uploads a file (any type) for sending with `send {file: {id}}`. Browsers report progress
 * through XMLHttpRequest (fetch cannot stream a request over HTTP/1.1 there); Node streams the
 * body with fetch and counts what it hands over.
 */
export async function uploadFile(body: Blob | ReadableStream<Uint8Array>, size: number | undefined, options: UploadOptions): Promise<UploadedFile> {
  const url = `${options.httpBase.replace(/\/$/, '')}/api/files`;
  const headers = { authorization: `Bearer ${options.token}`, 'x-file-name': encodeURIComponent(options.name), 'content-type': 'application/octet-stream' };
  if (XhrImpl && body instanceof Blob) return uploadWithXhr(XhrImpl, url, headers, body, options);
  const stream = body instanceof Blob ? body.stream() : body;
  let done = 0;
  const counted = stream.pipeThrough(
    new TransformStream<Uint8Array, Uint8Array>({
      transform(chunk, controller) {
        done += chunk.byteLength;
        options.onProgress?.(done, size);
        controller.enqueue(chunk);
      },
    }),
  );
  const init: RequestInit & { duplex: 'half' } = {
    method: 'POST',
    headers: size === undefined ? headers : { ...headers, 'content-length': String(size) },
    body: counted,
    duplex: 'half',
    signal: options.signal,
  };
  return answer(await fetch(url, init));
}

/** Downloads a file as a stream, with its size when the server gives it. */
export async function downloadFile(id: string, options: { httpBase: string; token: string; signal?: AbortSignal }): Promise<{ body: ReadableStream<Uint8Array>; size: number | undefined; name: string | undefined; mime: string | undefined }> {
  const url = `${options.httpBase.replace(/\/$/, '')}/api/files/${encodeURIComponent(id)}`;
  const res = await fetch(url, { headers: { authorization: `Bearer ${options.token}` }, signal: options.signal });
  if (!res.ok || !res.body) throw await httpError(res);
  const length = res.headers.get('content-length');
  const disposition = res.headers.get('content-disposition') ?? '';
  const encoded = /filename\*=UTF-8''([^;]+)/i.exec(disposition)?.[1];
  return {
    body: res.body,
    size: length === null ? undefined : Number(length),
    name: encoded ? decodeURIComponent(encoded) : undefined,
    mime: res.headers.get('content-type') ?? undefined,
  };
}

function uploadWithXhr(Impl: new () => Xhr, url: string, headers: Record<string, string>, body: Blob, options: UploadOptions): Promise<UploadedFile> {
  return new Promise((resolve, reject) => {
    const xhr = new Impl();
    xhr.open('POST', url);
    for (const [k, v] of Object.entries(headers)) xhr.setRequestHeader(k, v);
    xhr.upload.onprogress = (e) => options.onProgress?.(e.loaded, e.lengthComputable ? e.total : body.size);
    xhr.onload = () => {
      const res = new Response(xhr.responseText, { status: xhr.status, headers: { 'content-type': xhr.getResponseHeader('content-type') ?? '' } });
      answer(res).then(resolve, reject);
    };
    xhr.onerror = () => reject(new BanterError({ code: 'DISCONNECTED', message: 'the upload failed: the connection broke' }));
    // A cancelled upload rejects like fetch does (an AbortError), so callers can tell it apart.
    xhr.onabort = () => reject(new DOMException('the upload was cancelled', 'AbortError'));
    if (options.signal?.aborted) return reject(new DOMException('the upload was cancelled', 'AbortError'));
    options.signal?.addEventListener('abort', () => xhr.abort(), { once: true });
    xhr.send(body);
  });
}

async function answer(res: Response): Promise<UploadedFile> {
  if (!res.ok) throw await httpError(res);
  return (await res.json()) as UploadedFile;
}

async function httpError(res: Response): Promise<Error> {
  let message = `${res.status} ${res.statusText}`;
  try {
    const body = (await res.json()) as { message?: string; error?: { message?: string } | string };
    const detail = typeof body.error === 'object' ? body.error?.message : (body.message ?? body.error);
    if (detail) message = `${message}: ${detail}`;
  } catch {
    // not JSON
  }
  if (res.status === 413) return new BanterError({ code: 'TOO_LONG', message });
  if (res.status === 401) return new BanterError({ code: 'NOT_AUTHENTICATED', message });
  if (res.status === 404) return new BanterError({ code: 'NO_SUCH_FILE', message });
  return new Error(message);
}

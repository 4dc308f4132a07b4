import { createReadStream, createWriteStream } from 'node:fs';
import { mkdir, rename, stat } from 'node:fs/promises';
import { basename, join } from 'node:path';
import { Readable, Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { downloadFile, uploadFile, type Progress, type UploadedFile } from '../files.js';

/** Uploads a file from disk, streaming it (any size) and reporting progress. */
export async function uploadPath(path: string, options: { httpBase: string; token: string; onProgress?: Progress }): Promise<UploadedFile> {
  const { size } = await stat(path);
  const stream = Readable.toWeb(createReadStream(path)) as ReadableStream<Uint8Array>;
  return uploadFile(stream, size, { ...options, name: basename(path) });
}

/**
 * Downloads a file into a folder under the name the server gives (made safe, and never
 * overwriting: "name (1).ext" if taken). Returns the path written.
 */
export async function downloadTo(id: string, folder: string, options: { httpBase: string; token: string; onProgress?: Progress }): Promise<string> {
  const file = await downloadFile(id, options);
  await mkdir(folder, { recursive: true });
  const target = await freeName(folder, safeName(file.name ?? id));
  const partial = `${target}.part`;
  let done = 0;
  const counting = new TransformStream<Uint8Array, Uint8Array>({
    transform(chunk, controller) {
      done += chunk.byteLength;
      options.onProgress?.(done, file.size);
      controller.enqueue(chunk);
    },
  });
  await pipeline(Readable.fromWeb(file.body.pipeThrough(counting) as never), Writable.fromWeb(Writable.toWeb(createWriteStream(partial)) as never));
  await rename(partial, target);
  return target;
}

function safeName(name: string): string {
  // eslint-disable-next-line no-control-regex
  const clean = name.replace(/[/\\\u0000-\u001f\u007f]/g, '_').replace(/^\.+/, '_').slice(0, 200);
  return clean || 'download';
}

async function freeName(folder: string, name: string): Promise<string> {
  const dot = name.lastIndexOf('.');
  const [stem, ext] = dot > 0 ? [name.slice(0, dot), name.slice(dot)] : [name, ''];
  for (let i = 0; ; i++) {
    const candidate = join(folder, i === 0 ? name : `${stem} (${i})${ext}`);
    try {
      await stat(candidate);
    } catch {
      return candidate;
    }
  }
}

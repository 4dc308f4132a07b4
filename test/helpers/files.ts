import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';

/** Every regular file under a folder, as paths relative to it. */
export function filesUnder(dir: string): string[] {
  if (!existsSync(dir)) return [];
  const out: string[] = [];
  for (const entry of readdirSync(dir, { withFileTypes: true, recursive: true })) {
    if (entry.isFile()) out.push(join(entry.parentPath, entry.name).slice(dir.length + 1));
  }
  return out;
}

/** POST /api/files as a client would, the body streamed when it is a stream. */
export function postFile(base: string, token: string | undefined, body: NonNullable<RequestInit['body']>, headers: Record<string, string> = {}): Promise<Response> {
  const auth: Record<string, string> = token === undefined ? {} : { authorization: `Bearer ${token}` };
  const streamed = body instanceof ReadableStream ? { duplex: 'half' } : {};
  return fetch(`${base}/api/files`, { method: 'POST', body, headers: { ...auth, ...headers }, ...streamed } as RequestInit);
}

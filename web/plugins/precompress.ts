// A Vite plugin that writes a brotli (.br) and a gzip (.gz) copy next to each compressible file
// of the build, so the server sends them as they are (@fastify/static `preCompressed`) and never
// compresses per request. A copy is kept only when it saves at least a tenth.
import { readdir, readFile, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { brotliCompress, constants, gzip } from 'node:zlib';
import type { Plugin, ResolvedConfig } from 'vite';

const br = promisify(brotliCompress);
const gz = promisify(gzip);

/** Text and other formats that shrink; pictures, sound and fonts are compressed already. */
const COMPRESSIBLE = /\.(?:js|mjs|css|html|svg|json|webmanifest|txt|wasm|data|binarypb|tflite)$/i;
const MIN_BYTES = 1024;
/** Brotli's best level is slow on multi-megabyte files (the hand tracker's): those get a quicker one. */
const BIG = 1 << 20;

async function* files(dir: string): AsyncGenerator<string> {
  for (const e of await readdir(dir, { withFileTypes: true })) {
    const p = join(dir, e.name);
    if (e.isDirectory()) yield* files(p);
    else if (e.isFile()) yield p;
  }
}

export async function precompressFolder(dir: string): Promise<{ files: number; bytes: number; brotli: number; gzip: number }> {
  const total = { files: 0, bytes: 0, brotli: 0, gzip: 0 };
  const work: Promise<void>[] = [];
  for await (const path of files(dir)) {
    if (!COMPRESSIBLE.test(path) || (await stat(path)).size < MIN_BYTES) continue;
    work.push(
      (async () => {
        const data = await readFile(path);
        const big = data.length > BIG;
        const [b, g] = await Promise.all([
          br(data, { params: { [constants.BROTLI_PARAM_QUALITY]: big ? 4 : constants.BROTLI_MAX_QUALITY, [constants.BROTLI_PARAM_SIZE_HINT]: data.length } }),
          gz(data, { level: big ? 6 : 9 }),
        ]);
        total.files++;
        total.bytes += data.length;
        if (b.length < data.length * 0.9) {
          await writeFile(`${path}.br`, b);
          total.brotli += b.length;
        }
        if (g.length < data.length * 0.9) {
          await writeFile(`${path}.gz`, g);
          total.gzip += g.length;
        }
      })(),
    );
  }
  await Promise.all(work);
  return total;
}

export function precompress(): Plugin {
  let config: ResolvedConfig;
  return {
    name: 'banter-precompress',
    apply: 'build',
    configResolved(c) {
      config = c;
    },
    async closeBundle() {
      const out = join(config.root, config.build.outDir);
      const t = await precompressFolder(out);
      config.logger.info(`precompressed ${t.files} files: ${t.bytes} B -> ${t.brotli} B brotli, ${t.gzip} B gzip`);
    },
  };
}

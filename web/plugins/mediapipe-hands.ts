// A Vite plugin for the Camera Snake's hand tracker (web/src/fun/hands): serves the files of
// @mediapipe/hands from node_modules in development and copies them into the build, so Banter
// serves them itself and nothing is ever loaded from the internet. The folder carries the
// package version, so the year-long cache of built assets never serves an old model.
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import type { Plugin } from 'vite';

const require = createRequire(import.meta.url);
const PKG_DIR = dirname(require.resolve('@mediapipe/hands/package.json'));
const VERSION = (JSON.parse(readFileSync(join(PKG_DIR, 'package.json'), 'utf8')) as { version: string }).version;

/** What hands.js loads at run time (through locateFile); the lite model is not used. */
export const HANDS_FILES = [
  'hands.js',
  'hands.binarypb',
  'hand_landmark_full.tflite',
  'hands_solution_packed_assets_loader.js',
  'hands_solution_packed_assets.data',
  'hands_solution_simd_wasm_bin.js',
  'hands_solution_simd_wasm_bin.wasm',
  'hands_solution_simd_wasm_bin.data',
  'hands_solution_wasm_bin.js',
  'hands_solution_wasm_bin.wasm',
];
export const HANDS_DIR = `mediapipe/hands-${VERSION}/`;

const TYPES: Record<string, string> = { js: 'text/javascript', wasm: 'application/wasm' };

export function mediapipeHands(): Plugin {
  return {
    name: 'banter-mediapipe-hands',
    config: () => ({ define: { __MEDIAPIPE_HANDS_DIR__: JSON.stringify(`/${HANDS_DIR}`) } }),
    configureServer(server) {
      server.middlewares.use(`/${HANDS_DIR}`, (req, res, next) => {
        const name = (req.url ?? '').split('?')[0]!.replace(/^\//, '');
        if (!HANDS_FILES.includes(name)) return next();
        res.setHeader('content-type', TYPES[name.split('.').pop()!] ?? 'application/octet-stream');
        res.end(readFileSync(join(PKG_DIR, name)));
      });
    },
    generateBundle() {
      for (const name of HANDS_FILES) {
        this.emitFile({ type: 'asset', fileName: HANDS_DIR + name, source: readFileSync(join(PKG_DIR, name)) });
      }
    },
  };
}

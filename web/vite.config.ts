/// <reference types="vitest/config" />
import react from '@vitejs/plugin-react';
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';
import { mediapipeHands } from './plugins/mediapipe-hands.ts';
import { precompress } from './plugins/precompress.ts';

const root = fileURLToPath(new URL('.', import.meta.url));

// The web client: sources in web/src, built into web/dist, which the server serves at /.
// `npm run dev:web` serves it with hot reload and forwards /ws and /api to a local server.
export default defineConfig({
  root,
  base: '/',
  // mediapipeHands: the hand tracker's files (web/src/fun); precompress: .br and .gz copies of the build
  plugins: [react(), mediapipeHands(), precompress()],
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    target: 'es2022',
    // Every asset a file of its own: the page's Content-Security-Policy allows data: for pictures
    // only, and separate files are cached once by the service worker.
    assetsInlineLimit: 0,
    chunkSizeWarningLimit: 700,
  },
  server: {
    fs: { allow: ['..'] },
    proxy: {
      '/ws': { target: 'ws://127.0.0.1:8080', ws: true },
      '/api': 'http://127.0.0.1:8080',
    },
  },
  test: {
    root,
    environment: 'jsdom',
    include: ['src/**/*.test.{ts,tsx}'],
  },
});

// Lint rules that guard the architecture: imports only flow
// protocol <- client <- tui/web and protocol <- core <- adapters.
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

// Ports (store/port.ts, bus/port.ts) are the core's to use; the adapters live in subfolders.
const adapters = ['**/store/*/**', '**/bus/*/**', '**/transports/**', '**/cli/**', '**/server/server.js', '**/server/config.js'];
const nodeOnly = ['node:*', 'net', 'fs', 'ws', 'better-sqlite3', 'pg', 'ioredis', 'fastify'];

export default tseslint.config(
  { ignores: ['dist/', 'node_modules/', 'web/dist/', 'data/', 'test-artifacts/', 'web/public/mediapipe/'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
    },
  },
  {
    files: ['src/protocol/**/*.ts'],
    rules: {
      'no-restricted-imports': ['error', {
        patterns: [
          { group: ['**/server/**', '**/client/**', '**/tui/**', '../*/**'], message: 'protocol depends on nothing of ours' },
          { group: nodeOnly, message: 'protocol runs in the browser too' },
        ],
      }],
    },
  },
  {
    files: ['src/server/core/**/*.ts'],
    rules: {
      'no-restricted-imports': ['error', {
        patterns: [
          { group: adapters, message: 'core never imports an adapter; depend on a port instead' },
          { group: ['**/client/**', '**/tui/**'], message: 'core does not know its clients' },
          { group: ['net', 'node:net', 'ws', 'better-sqlite3', 'pg', 'ioredis', 'fastify', 'node:fs', 'fs', 'node:http'], message: 'no sockets, files or SQL in core' },
        ],
      }],
    },
  },
  {
    // Adapters implement the ports; they know neither the core nor anything that calls them.
    files: ['src/server/store/**/*.ts', 'src/server/bus/**/*.ts'],
    rules: {
      'no-restricted-imports': ['error', {
        patterns: [
          { group: ['**/core/**', '**/transports/**', '**/cli/**', '**/server/server.js', '**/server/config.js'], message: 'store and bus never import the core or what calls them; shared types live in src/server/shared/' },
          { group: ['**/client/**', '**/tui/**'], message: 'the server does not know its clients' },
        ],
      }],
    },
  },
  {
    files: ['src/client/**/*.ts'],
    ignores: ['src/client/node/**/*.ts'],
    rules: {
      'no-restricted-imports': ['error', {
        patterns: [
          { group: ['**/server/**', '**/tui/**'], message: 'the client SDK sees only the protocol' },
          { group: nodeOnly, message: 'the SDK core is bundled for the browser; Node-only code goes in src/client/node/' },
        ],
      }],
    },
  },
  {
    files: ['src/client/node/**/*.ts'],
    rules: {
      'no-restricted-imports': ['error', {
        patterns: [{ group: ['**/server/**', '**/tui/**'], message: 'the client SDK sees only the protocol' }],
      }],
    },
  },
  {
    files: ['src/tui/**/*.ts', 'src/tui/**/*.tsx'],
    rules: {
      'no-restricted-imports': ['error', {
        patterns: [{ group: ['**/server/**'], message: 'clients talk to the server over the protocol only' }],
      }],
    },
  },
  {
    files: ['web/src/**/*.ts', 'web/src/**/*.tsx'],
    rules: {
      'no-restricted-imports': ['error', {
        patterns: [
          { group: ['**/server/**', '**/tui/**', '**/cli/**'], message: 'the web client talks to the server over the protocol only' },
          { group: ['**/client/node/**', ...nodeOnly], message: 'the web client runs in the browser' },
        ],
      }],
    },
  },
  {
    files: ['web/public/sw.js'],
    languageOptions: { globals: { self: 'readonly', caches: 'readonly', fetch: 'readonly', Response: 'readonly', URL: 'readonly' } },
  },
);

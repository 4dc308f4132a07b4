import { pino, type Logger as PinoLogger } from 'pino';
import { LogDestination } from './log-destination.js';

/** Structured JSON logs on stdout (fd 1, without process.stdout: it would make a pipe non-blocking); level from --log-level. A failing stdout never stops the server (log-destination.ts). */
export function createLogger(level: string): PinoLogger {
  return pino({ level, base: { pid: process.pid }, timestamp: pino.stdTimeFunctions.isoTime }, LogDestination.of(1));
}

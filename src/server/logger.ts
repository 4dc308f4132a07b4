import { pino, type Logger as PinoLogger } from 'pino';
import { LogDestination } from './log-destination.js';

/** Structured JSON logs on stdout; level from --log-level. A failing stdout never stops the server (log-destination.ts). */
export function createLogger(level: string): PinoLogger {
  return pino({ level, base: { pid: process.pid }, timestamp: pino.stdTimeFunctions.isoTime }, LogDestination.of(process.stdout.fd ?? 1));
}

import { pino, type Logger as PinoLogger } from 'pino';

/** Structured JSON logs on stdout; level from --log-level. */
export function createLogger(level: string): PinoLogger {
  return pino({ level, base: { pid: process.pid }, timestamp: pino.stdTimeFunctions.isoTime });
}

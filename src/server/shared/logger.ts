/**
 * The logging interface the core, the store and the bus write to (pino's, narrowed). It lives
 * here, outside any layer, so adapters need not import the core to log.
 */
export interface Logger {
  debug(obj: object, msg?: string): void;
  info(obj: object, msg?: string): void;
  warn(obj: object, msg?: string): void;
  error(obj: object, msg?: string): void;
}

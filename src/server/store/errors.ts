/** The errors a store throws, for callers to tell apart (the server turns some into ConfigErrors). */
export { redact } from '../shared/redact.js';

/** The database was written by a newer Banter; opening it would risk its data. */
export class SchemaTooNewError extends Error {
  /** `what`: the database as the operator knows it ("database /data/banter.db", "PostgreSQL schema s"). */
  constructor(what: string, version: number, known: number) {
    super(`${what} has schema v${version}, newer than this Banter (v${known}); upgrade Banter`);
    this.name = 'SchemaTooNewError';
  }
}

/** The database cannot be reached or refuses us: the operator's to fix. */
export class StoreUnavailableError extends Error {
  /** `url` is already redacted. */
  constructor(
    readonly database: string,
    readonly url: string,
    override readonly cause: Error,
  ) {
    super(`cannot open ${database} at ${url}: ${cause.message || (cause as { code?: string }).code || String(cause)}`);
    this.name = 'StoreUnavailableError';
  }
}

export class DuplicateUserError extends Error {
  constructor(readonly key: string) {
    super(`user ${key} exists`);
    this.name = 'DuplicateUserError';
  }
}

/** Another user's name looks like this one (the same skeleton: core/name-skeleton.ts). */
export class LookAlikeUserError extends Error {
  constructor(readonly skeleton: string) {
    super(`a user name with skeleton ${skeleton} exists`);
    this.name = 'LookAlikeUserError';
  }
}

export class DuplicateRoomError extends Error {
  constructor(readonly key: string) {
    super(`room ${key} exists`);
    this.name = 'DuplicateRoomError';
  }
}

/** The `schema` setting cannot be a PostgreSQL schema name (it goes into SQL): the operator's to fix. */
export class InvalidSchemaNameError extends Error {
  constructor(schema: string) {
    super(`invalid schema name ${JSON.stringify(schema)}: letters, digits and _, not starting with a digit`);
    this.name = 'InvalidSchemaNameError';
  }
}

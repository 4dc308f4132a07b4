import type { FileRecordStore } from './ports/files.js';
import type { MessageStore } from './ports/messages.js';
import type { ModerationStore } from './ports/moderation.js';
import type { ReadMarkerStore } from './ports/read-markers.js';
import type { RoomStore } from './ports/rooms.js';
import type { SecretStore } from './ports/secrets.js';
import type { SessionStore } from './ports/sessions.js';
import type { UserStore } from './ports/users.js';

/**
 * The storage port: everything the chat core keeps, as one small port per aggregate
 * (store.users.create, store.messages.append...). Adapters (SQLite, PostgreSQL) implement it and
 * must pass test/store/contract.ts. All methods are async so an adapter may do real I/O.
 */
export interface Store {
  readonly users: UserStore;
  readonly sessions: SessionStore;
  readonly messages: MessageStore;
  readonly rooms: RoomStore;
  readonly files: FileRecordStore;
  readonly readMarkers: ReadMarkerStore;
  readonly moderation: ModerationStore;
  readonly secrets: SecretStore;
  /** Commits what was queued, then releases the database. */
  close(): Promise<void>;
}

export type * from './ports/files.js';
export type * from './ports/messages.js';
export type * from './ports/moderation.js';
export type * from './ports/read-markers.js';
export type * from './ports/rooms.js';
export type * from './ports/secrets.js';
export type * from './ports/sessions.js';
export type * from './ports/users.js';
export { DuplicateRoomError, DuplicateUserError, LookAlikeUserError } from './errors.js';

import type { MutedUntil, Role } from '../../../protocol/index.js';

/** Accounts. */
export interface UserStore {
  /** Throws DuplicateUserError (errors.ts) if the key is taken. */
  create(user: NewUser): Promise<UserRecord>;
  findByKey(key: string): Promise<UserRecord | null>;
  findById(id: number): Promise<UserRecord | null>;
  update(id: number, patch: UserPatch): Promise<void>;
  /**
   * Users who may log in (not banned) whose key starts with `page.prefix`, with keys after
   * `page.after`, in the order of the keys' UTF-8 bytes (the same on every adapter), at most
   * `page.limit`.
   */
  list(page: UserPage): Promise<UserRecord[]>;
}

export interface UserPage {
  /** A key prefix ('' or absent: everyone). */
  prefix?: string;
  /** Only keys after this one. */
  after?: string;
  limit: number;
}

export interface NewUser {
  name: string;
  key: string;
  passHash: string;
  role: Role;
  createdAt: number;
}

export interface UserRecord extends NewUser {
  id: number;
  mutedUntil: MutedUntil;
  banReason: string | null;
}

export type UserPatch = Partial<Pick<UserRecord, 'passHash' | 'role' | 'mutedUntil' | 'banReason'>>;

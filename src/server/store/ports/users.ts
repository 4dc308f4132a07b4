import type { MutedUntil, Role } from '../../../protocol/index.js';

/** Accounts. */
export interface UserStore {
  /** Throws DuplicateUserError (errors.ts) if the key is taken, LookAlikeUserError if the skeleton is. */
  create(user: NewUser): Promise<UserRecord>;
  findByKey(key: string): Promise<UserRecord | null>;
  /** The user whose name has this look-alike skeleton, if any (one indexed look-up). */
  findBySkeleton(skeleton: string): Promise<UserRecord | null>;
  /** Users stored before skeletons were (theirs is NULL), by id, after `afterId`: at most `limit`. */
  listWithoutSkeleton(afterId: number, limit: number): Promise<{ id: number; name: string }[]>;
  /** Sets a user's skeleton if it has none; false if another user has that skeleton. */
  setSkeleton(id: number, skeleton: string): Promise<boolean>;
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
  /** The name's look-alike skeleton; null only for names stored before there were skeletons that look like an older one. */
  skeleton?: string | null;
}

export interface UserRecord extends NewUser {
  id: number;
  mutedUntil: MutedUntil;
  banReason: string | null;
}

export type UserPatch = Partial<Pick<UserRecord, 'passHash' | 'role' | 'mutedUntil' | 'banReason'>>;

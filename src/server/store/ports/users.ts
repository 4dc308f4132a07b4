import type { MutedUntil, Role } from '../../../protocol/index.js';

/** Accounts. */
export interface UserStore {
  /** Throws DuplicateUserError (errors.ts) if the key is taken. */
  create(user: NewUser): Promise<UserRecord>;
  findByKey(key: string): Promise<UserRecord | null>;
  findById(id: number): Promise<UserRecord | null>;
  update(id: number, patch: UserPatch): Promise<void>;
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

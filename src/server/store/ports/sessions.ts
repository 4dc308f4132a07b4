/** Login sessions: tokens are kept only as hashes. Expired sessions may be dropped by the adapter. */
export interface SessionStore {
  create(session: SessionRecord): Promise<void>;
  find(tokenHash: string): Promise<SessionRecord | null>;
  extend(tokenHash: string, expiresAt: number): Promise<void>;
  revoke(tokenHash: string): Promise<void>;
  /** Revokes every live session of a user (but `except`, a token hash, if given); resolves with how many there were. */
  revokeAllOf(userId: number, except?: string): Promise<number>;
}

export interface SessionRecord {
  tokenHash: string;
  userId: number;
  createdAt: number;
  expiresAt: number;
  revoked: boolean;
}

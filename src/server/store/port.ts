import type { MutedUntil, Role } from '../../protocol/index.js';

/**
 * The storage port: everything the chat core keeps. Adapters (SQLite, PostgreSQL) implement it and
 * must pass test/store/contract.ts. All methods are async so an adapter may do real I/O.
 */
export interface Store {
  // accounts
  createUser(user: NewUser): Promise<UserRecord>;
  findUserByKey(key: string): Promise<UserRecord | null>;
  findUserById(id: number): Promise<UserRecord | null>;
  updateUser(id: number, patch: UserPatch): Promise<void>;
  // sessions: tokens are kept only as hashes
  createSession(session: SessionRecord): Promise<void>;
  findSession(tokenHash: string): Promise<SessionRecord | null>;
  extendSession(tokenHash: string, expiresAt: number): Promise<void>;
  revokeSession(tokenHash: string): Promise<void>;
  revokeUserSessions(userId: number): Promise<number>;
  // messages
  /**
   * Stores a message durably and gives it the next seq of its conversation: strictly increasing,
   * no gaps, even with concurrent writers. Resolves only once the message is durable. A message
   * whose (sender, cid) was stored before is not stored again: the first one comes back with
   * duplicate = true. Appends resolve in the order they were called.
   */
  appendMessage(message: NewMessage): Promise<AppendResult>;
  history(conv: string, query: HistoryQuery): Promise<StoredMessage[]>;
  /** The conversations a user takes part in: #lobby and every private one. */
  conversationsOf(userKey: string): Promise<ConversationSummary[]>;
  // files: the records of uploads (the bytes are kept elsewhere, by content hash)
  /** Stores a new file record; its id is new (the caller makes it random). */
  createFile(file: FileRecord): Promise<void>;
  findFile(id: string): Promise<FileRecord | null>;
  /** The sum of the sizes of every file record this user uploaded (equal uploads count each time); 0 if none. */
  uploadedBytes(userId: number): Promise<number>;
  /** Records that a file was sent to a conversation (key as in NewMessage.conv); doing it again changes nothing. */
  shareFile(fileId: string, conv: string): Promise<void>;
  /** The conversation keys a file was sent to, in no particular order; [] if none or unknown. */
  fileConversations(fileId: string): Promise<string[]>;
  // moderation
  addAudit(entry: AuditEntry): Promise<void>;
  listAudit(limit: number): Promise<AuditRecord[]>;
  close(): Promise<void>;
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

export interface SessionRecord {
  tokenHash: string;
  userId: number;
  createdAt: number;
  expiresAt: number;
  revoked: boolean;
}

export type MessageKind = 'text' | 'sticker' | 'file';

export interface NewMessage {
  /** Conversation key: "#lobby" or "dm:<key>:<key>" with the two user keys sorted. */
  conv: string;
  senderId: number;
  senderName: string;
  kind: MessageKind;
  /** The text, the sticker name, or the file reference as JSON. */
  body: string;
  cid: string | null;
}

export interface StoredMessage extends NewMessage {
  seq: number;
  ts: number;
}

export interface AppendResult {
  message: StoredMessage;
  duplicate: boolean;
}

/** Newest `limit` messages before `before`, or oldest `limit` after `after`; always oldest first. */
export interface HistoryQuery {
  before?: number;
  after?: number;
  limit: number;
}

export interface ConversationSummary {
  conv: string;
  lastSeq: number;
  lastTs: number | null;
  /** For a private conversation: the other party's display name. */
  peer: string | null;
}

/** An uploaded file: the bytes are stored under `sha256`; `name` is already sanitised. */
export interface FileRecord {
  /** Random, URL-safe. */
  id: string;
  /** Lower-case hex SHA-256 of the content. */
  sha256: string;
  size: number;
  mime: string;
  name: string;
  uploaderId: number;
  createdAt: number;
}

export interface AuditEntry {
  ts: number;
  actor: string;
  action: string;
  target: string | null;
  detail: string | null;
}

export interface AuditRecord extends AuditEntry {
  id: number;
}

export class DuplicateUserError extends Error {
  constructor(readonly key: string) {
    super(`user ${key} exists`);
    this.name = 'DuplicateUserError';
  }
}

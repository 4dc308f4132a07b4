/** Conversations and their messages: appends, history, changes (edits, deletes, reactions), unread counts. */
export interface MessageStore {
  /**
   * Stores a message durably and gives it the next seq of its conversation: strictly increasing,
   * no gaps, even with concurrent writers. Resolves only once the message is durable. A message
   * whose (sender, cid) was stored before is not stored again: the first one comes back with
   * duplicate = true. Appends resolve in the order they were called.
   */
  append(message: NewMessage): Promise<AppendResult>;
  history(conv: string, query: HistoryQuery): Promise<StoredMessage[]>;
  /** One message, with its reactions, or null. Deleted messages are returned (deleted = true). */
  find(conv: string, seq: number): Promise<StoredMessage | null>;
  /**
   * Applies one change to a stored message and gives it the conversation's next update sequence
   * (`useq`: per conversation, strictly increasing from 1, no gaps, like seq). Resolves with the
   * message as it is after the change, or null if there is no such message, or it is deleted (a
   * deleted message changes no more). An edit replaces the body and sets editedTs; a delete empties
   * the body, sets deleted and drops its reactions; a reaction toggles (user, emoji): added if the
   * user had not reacted with that emoji, removed if they had; a reaction that would give the
   * message more than `maxEmojis` different emoji is not applied and resolves with `added: false,
   * refused: true`. Changes resolve in the order they were called.
   */
  change(conv: string, seq: number, change: MessageChange): Promise<ChangeResult | null>;
  /** Messages whose latest change has useq > after, ordered by useq, at most `limit`. */
  changedAfter(conv: string, after: number, limit: number): Promise<StoredMessage[]>;
  /** The last update sequence of each named conversation (0 for none or unknown). */
  lastUpdateSeqs(convs: string[]): Promise<Record<string, number>>;
  /**
   * Messages of a conversation with seq > after, not sent by `exceptSenderId` and not deleted,
   * counted up to `cap` (the answer is at most `cap`).
   */
  countUnread(conv: string, after: number, exceptSenderId: number, cap: number): Promise<number>;
  /** The conversations a user takes part in: #lobby and every private one. */
  conversationsOf(userKey: string): Promise<ConversationSummary[]>;
}

export type MessageKind = 'text' | 'sticker' | 'file';

export interface NewMessage {
  /** Conversation key: "#lobby", a room's key ("#" + name key), or "dm:<key>:<key>" with the two user keys sorted (conversation-keys.ts). */
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
  // Present only once the message was changed (edited, deleted, reacted to):
  /** When the body was last edited. */
  editedTs?: number;
  /** The message was deleted: body is "". */
  deleted?: boolean;
  /** The conversation's update sequence of the latest change. */
  useq?: number;
  /** Emoji -> display names of the users who reacted, oldest reaction first; absent if none. */
  reactions?: Record<string, string[]>;
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

export type MessageChange =
  | { kind: 'edit'; body: string; ts: number }
  | { kind: 'delete'; ts: number }
  | { kind: 'react'; userId: number; userName: string; emoji: string; ts: number; maxEmojis: number };

export interface ChangeResult {
  message: StoredMessage;
  /** For a reaction: true if it was added, false if it was removed (or refused). */
  added: boolean;
  /** A reaction refused for going over maxEmojis: nothing changed. */
  refused?: boolean;
}

export interface ConversationSummary {
  conv: string;
  lastSeq: number;
  lastTs: number | null;
  /** For a private conversation: the other party's display name. */
  peer: string | null;
}

import { createContext } from 'react';
import type { ChatMessage } from '../../../src/protocol/messages.js';

/** What a message row may do to its message; absent (undefined) where rows are read-only. */
export interface MessageActionsApi {
  me: string;
  /** May delete anyone's message here (an admin, or the owner of this room). */
  canModerate: boolean;
  react: (m: ChatMessage, emoji: string) => void;
  /** Resolves once stored; rejects (with the server's reason shown) if refused. */
  edit: (m: ChatMessage, text: string) => Promise<void>;
  /** Asks for a confirmation, then deletes. */
  remove: (m: ChatMessage) => void;
}

export const MessageActionsContext = createContext<MessageActionsApi | undefined>(undefined);

/** The emoji offered at once; the full picker has the rest. */
export const QUICK_REACTIONS = ['👍', '❤️', '😂', '🎉', '😮', '😢'] as const;

export function sameUser(a: string, b: string): boolean {
  return a.toLowerCase() === b.toLowerCase();
}

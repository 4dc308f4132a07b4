import type { ChatStore } from '../app/chat-store.js';
import { errorText } from '../app/error-text.js';

type Translate = (key: string, vars?: Record<string, unknown>) => string;

/**
 * Runs a room request: a toast says it was done, or gives the server's reason for refusing.
 * Resolves whether it succeeded (the caller may close a dialog, refresh a list).
 */
export async function runRoomAction(store: ChatStore, t: Translate, request: () => Promise<unknown>, done: string): Promise<boolean> {
  try {
    await request();
    store.toast(done);
    return true;
  } catch (err) {
    store.toast(t('rooms.failed', { reason: errorText(t, err) }), 'error');
    return false;
  }
}

/** Whether `user` may run the owner's actions in a room (its owner, or an administrator). */
export function canManageRoom(room: { owner: string } | undefined, user: string, role: string): boolean {
  return role === 'admin' || (room !== undefined && room.owner.toLowerCase() === user.toLowerCase());
}

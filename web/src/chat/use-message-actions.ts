import { useMemo } from 'react';
import type { Confirmation } from '../admin/ConfirmDialog.js';
import type { ChatStore } from '../app/chat-store.js';
import { canManageRoom } from '../rooms/room-actions.js';
import type { RoomInfo } from '../../../src/protocol/messages.js';
import type { MessageActionsApi } from './message-actions-context.js';

type Translate = (key: string, vars?: Record<string, unknown>) => string;

/** The message actions of the open conversation; refusals show as the conversation's refusal. */
export function useMessageActions(store: ChatStore, t: Translate, me: string, role: string, room: RoomInfo | undefined, confirm: (c: Confirmation) => void): MessageActionsApi {
  const canModerate = role === 'admin' || (room !== undefined && canManageRoom(room, me, role));
  return useMemo<MessageActionsApi>(
    () => ({
      me,
      canModerate,
      react: (m, emoji) => void store.session.react(m.conv, m.seq, emoji).catch((err: unknown) => store.refuse(m.conv, err)),
      edit: async (m, text) => {
        try {
          await store.session.edit(m.conv, m.seq, text);
        } catch (err) {
          store.refuse(m.conv, err);
          throw err;
        }
      },
      remove: (m) =>
        confirm({
          text: t('msg.deleteConfirm'),
          action: t('msg.delete'),
          danger: true,
          run: () => store.session.deleteMessage(m.conv, m.seq).then(() => undefined, (err: unknown) => store.refuse(m.conv, err)),
        }),
    }),
    [store, t, me, canModerate, confirm],
  );
}

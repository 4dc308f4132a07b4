import type { CommandTable } from './command.js';
import { refuseIfMuted, takeAllowance } from './guards.js';

export const messageCommands: CommandTable<'read' | 'edit' | 'delete' | 'react'> = {
  read: {
    auth: 'user',
    run: async (s, { conv, seq }) => {
      const me = s.user!.record;
      return s.chat.readMarkers.read(me, await s.chat.messages.resolve(me, conv), seq);
    },
  },
  edit: {
    auth: 'user',
    run: async (s, { conv, seq, text }) => {
      refuseIfMuted(s);
      takeAllowance(s);
      const me = s.user!.record;
      const resolved = await s.chat.messages.resolve(me, conv);
      refuseIfMuted(s, resolved);
      return s.chat.changes.edit(me, resolved, seq, text);
    },
  },
  delete: {
    auth: 'user',
    run: async (s, { conv, seq }) => {
      takeAllowance(s);
      const me = s.user!.record;
      return s.chat.changes.delete(me, await s.chat.messages.resolve(me, conv), seq);
    },
  },
  react: {
    auth: 'user',
    run: async (s, { conv, seq, emoji }) => {
      refuseIfMuted(s);
      takeAllowance(s);
      const me = s.user!.record;
      const resolved = await s.chat.messages.resolve(me, conv);
      refuseIfMuted(s, resolved);
      return s.chat.changes.react(me, resolved, seq, emoji);
    },
  },
};

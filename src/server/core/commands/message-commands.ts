import type { CommandTable } from './command.js';
import { refuseIfMuted, takeAllowance } from './guards.js';

export const messageCommands: CommandTable<'read' | 'edit' | 'delete' | 'react'> = {
  read: {
    auth: 'user',
    run: async (c, { conv, seq }) => {
      const me = c.user!.record;
      return c.domain.readMarkers.read(me, await c.domain.messages.resolve(me, conv), seq);
    },
  },
  edit: {
    auth: 'user',
    run: async (c, { conv, seq, text }) => {
      refuseIfMuted(c);
      takeAllowance(c);
      const me = c.user!.record;
      const resolved = await c.domain.messages.resolve(me, conv);
      refuseIfMuted(c, resolved);
      return c.domain.changes.edit(me, resolved, seq, text);
    },
  },
  delete: {
    auth: 'user',
    run: async (c, { conv, seq }) => {
      takeAllowance(c);
      const me = c.user!.record;
      return c.domain.changes.delete(me, await c.domain.messages.resolve(me, conv), seq);
    },
  },
  react: {
    auth: 'user',
    run: async (c, { conv, seq, emoji }) => {
      refuseIfMuted(c);
      takeAllowance(c);
      const me = c.user!.record;
      const resolved = await c.domain.messages.resolve(me, conv);
      refuseIfMuted(c, resolved);
      return c.domain.changes.react(me, resolved, seq, emoji);
    },
  },
};

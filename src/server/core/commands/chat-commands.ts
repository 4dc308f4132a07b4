import type { CommandTable } from './command.js';
import { refuseIfMuted, takeAllowance } from './guards.js';

export const chatCommands: CommandTable<'send' | 'history' | 'who' | 'users' | 'convs' | 'typing'> = {
  send: {
    auth: 'user',
    run: (c, body) => {
      refuseIfMuted(c);
      takeAllowance(c);
      // Synchronously up to its first await: the send takes its place in the connection's order now.
      return c.domain.sending.send(c.user!.record, c.sendOrder, body, (conv) => refuseIfMuted(c, conv));
    },
  },
  history: {
    auth: 'user',
    allowance: 'read',
    run: async (c, body) => {
      const conv = await c.domain.messages.resolve(c.user!.record, body.conv);
      const page = await c.domain.messages.history(conv, body);
      return page.more ? { messages: page.messages, more: true } : { messages: page.messages };
    },
  },
  who: { auth: 'user', allowance: 'read', run: async (c) => ({ users: await c.domain.presence.list() }) },
  users: { auth: 'user', allowance: 'read', run: (c, b) => c.domain.people.find(b) },
  convs: {
    auth: 'user',
    allowance: 'read',
    run: async (c) => ({ convs: await c.domain.readMarkers.conversations(c.user!.record) }),
  },
  typing: {
    auth: 'user',
    run: async (c, { to }) => {
      await c.domain.sending.typing(c.user!, to);
      return {};
    },
  },
};

import { encodeEvent } from '../../../protocol/index.js';
import type { CommandTable } from './command.js';
import { refuseIfMuted, takeAllowance } from './guards.js';
import { activeMute } from '../rooms.js';

export const chatCommands: CommandTable<'send' | 'history' | 'who' | 'convs' | 'typing'> = {
  send: {
    auth: 'user',
    run: async (s, body) => {
      const me = s.user!;
      refuseIfMuted(s);
      takeAllowance(s);
      // Sends from one connection reach the store in the order they arrived, even though
      // resolving a recipient may wait on the store.
      const previous = s.sendOrder;
      let release!: () => void;
      s.sendOrder = new Promise((resolve) => (release = resolve));
      try {
        const conv = await s.chat.messages.resolve(me.record, body.to);
        refuseIfMuted(s, conv);
        const message = await s.chat.messages.compose(me.record, conv, body);
        // Shared before it is stored, so a recipient can download as soon as the msg event arrives.
        await s.chat.messages.shareFile(message);
        await previous;
        const started = performance.now();
        const appended = s.chat.store.messages.append(message);
        release();
        const { message: stored, duplicate } = await appended;
        s.chat.metrics.stored((performance.now() - started) / 1000);
        if (!duplicate) {
          s.chat.messageRate.record();
          // Delivered here before the reply, so the sender's own msg event comes first.
          await s.chat.messages.fanOut(stored, conv, me.record);
        }
        const asSeenBy = stored.conv === conv.key ? conv.asSeenBy : await s.chat.messages.viewOf(stored.conv, me.record);
        return { conv: asSeenBy, seq: stored.seq, ts: stored.ts };
      } finally {
        release();
      }
    },
  },
  history: {
    auth: 'user',
    run: async (s, body) => {
      const conv = await s.chat.messages.resolve(s.user!.record, body.conv);
      return { messages: await s.chat.messages.history(conv, body) };
    },
  },
  who: { auth: 'user', run: async (s) => ({ users: await s.chat.presence.list() }) },
  convs: {
    auth: 'user',
    run: async (s) => ({ convs: await s.chat.readMarkers.conversations(s.user!.record) }),
  },
  typing: {
    auth: 'user',
    run: async (s, { to }) => {
      const me = s.user!;
      // Typing is a hint: over its allowance it is dropped, not refused (and costs no lookup).
      if (!me.typingBucket.take().ok || s.chat.activeMute(me.record) !== null) return {};
      const conv = await s.chat.messages.resolve(me.record, to);
      // Nor does a member muted within the room type there.
      if (conv.member && activeMute(conv.member.mutedUntil) !== null) return {};
      if (!conv.peer) {
        const line = encodeEvent('typing', { conv: conv.asSeenBy, user: me.record.name });
        const audience = conv.room ? { to: 'room' as const, key: conv.key, exceptUser: me.record.key } : { to: 'all' as const, exceptUser: me.record.key };
        await s.chat.bus.publish({ kind: 'deliver', audience, line });
      } else if (conv.peer.key !== me.record.key) {
        const line = encodeEvent('typing', { conv: `@${me.record.name}`, user: me.record.name });
        await s.chat.bus.publish({ kind: 'deliver', audience: { to: 'user', key: conv.peer.key }, line });
      }
      return {};
    },
  },
};

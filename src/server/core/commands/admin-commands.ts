import { DEFAULT_HISTORY_LIMIT, MAX_HISTORY_LIMIT } from '../../../protocol/index.js';
import type { CommandTable } from './command.js';

export const adminCommands: CommandTable<'mute' | 'unmute' | 'kick' | 'ban' | 'unban' | 'notice' | 'audit' | 'sessions' | 'stats'> = {
  mute: { auth: 'admin', run: (s, b) => s.chat.moderation.mute(s.user!.record, b.user, b.minutes, b.reason) },
  unmute: { auth: 'admin', run: (s, b) => s.chat.moderation.unmute(s.user!.record, b.user) },
  kick: { auth: 'admin', run: (s, b) => s.chat.moderation.kick(s.user!.record, b.user, b.reason) },
  ban: { auth: 'admin', run: (s, b) => s.chat.moderation.ban(s.user!.record, b.user, b.reason) },
  unban: { auth: 'admin', run: (s, b) => s.chat.moderation.unban(s.user!.record, b.user) },
  notice: {
    auth: 'admin',
    run: async (s, b) => {
      await s.chat.moderation.notice(s.user!.record, b.text);
      return {};
    },
  },
  audit: {
    auth: 'admin',
    run: async (s, b) => ({ entries: await s.chat.store.moderation.listAudit(Math.min(b.limit ?? DEFAULT_HISTORY_LIMIT, MAX_HISTORY_LIMIT)) }),
  },
  sessions: {
    auth: 'admin',
    run: (s) => ({
      sessions: [...s.chat.online.sessions]
        .filter((x) => x.user)
        .map((x) => ({ user: x.user!.record.name, role: x.user!.record.role, transport: x.peer.transport, address: x.peer.address, since: x.connectedAt }))
        .sort((a, b) => a.since - b.since),
    }),
  },
  stats: {
    auth: 'admin',
    run: (s) => ({
      ts: Date.now(),
      connections: s.chat.connectionCount,
      sessions: s.chat.online.sessions.size,
      users: s.chat.online.list().length,
      messages: s.chat.messageRate.lastMinute(),
    }),
  },
};

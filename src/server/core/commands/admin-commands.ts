import type { CommandTable } from './command.js';

export const adminCommands: CommandTable<'mute' | 'unmute' | 'kick' | 'ban' | 'unban' | 'notice' | 'audit' | 'sessions' | 'revoke_sessions' | 'stats'> = {
  mute: { auth: 'admin', run: (c, b) => c.domain.moderation.mute(c.user!.record, b.user, b.minutes, b.reason) },
  unmute: { auth: 'admin', run: (c, b) => c.domain.moderation.unmute(c.user!.record, b.user) },
  kick: { auth: 'admin', run: (c, b) => c.domain.moderation.kick(c.user!.record, b.user, b.reason) },
  ban: { auth: 'admin', run: (c, b) => c.domain.moderation.ban(c.user!.record, b.user, b.reason) },
  unban: { auth: 'admin', run: (c, b) => c.domain.moderation.unban(c.user!.record, b.user) },
  notice: {
    auth: 'admin',
    run: async (c, b) => {
      await c.domain.moderation.notice(c.user!.record, b.text);
      return {};
    },
  },
  audit: { auth: 'admin', allowance: 'read', run: async (c, b) => ({ entries: await c.domain.moderation.audit(b.limit) }) },
  sessions: { auth: 'admin', allowance: 'read', run: (c) => c.domain.sessions() },
  revoke_sessions: { auth: 'admin', run: (c, b) => c.domain.moderation.revokeSessions(c.user!.record, b.user, c.tokenHash) },
  stats: { auth: 'admin', run: (c) => c.domain.stats() },
};

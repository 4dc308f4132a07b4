import { LOBBY, ProtocolError } from '../../../../protocol/index.js';
import { ERR } from '../numerics.js';
import type { IrcSession } from '../session.js';
import { isLobby, noSuchChannel } from '../lobby.js';
import type { IrcCommandTable } from './command.js';
import { isRoomChannel } from '../rooms.js';
import { inviteCommand, kickFromRoom } from './room-commands.js';

/**
 * Banter's moderation from IRC, for the administrator: KICK and KILL disconnect (Banter `kick`),
 * MODE #lobby +b/-b ban and unban, +q/-q mute and unmute, WALLOPS is an announcement (`notice`).
 * The core checks the role (FORBIDDEN) and announces each action to everyone as a notice.
 */
export const adminCommands: IrcCommandTable = {
  KICK: {
    minParams: 2,
    registered: true,
    run: async (s, m) => {
      const [channel, nick, reason] = m.params as [string, string, string | undefined];
      if (isRoomChannel(channel)) return kickFromRoom(s, channel, nick, reason);
      if (!isLobby(channel)) return noSuchChannel(s, channel);
      await moderate(s, nick, () => s.request('kick', reason ? { user: nick, reason } : { user: nick }), 'channel');
    },
  },
  KILL: {
    minParams: 2,
    registered: true,
    run: async (s, m) => {
      const [nick, reason] = m.params as [string, string];
      await moderate(s, nick, () => s.request('kick', reason ? { user: nick, reason } : { user: nick }), 'server');
    },
  },
  INVITE: {
    minParams: 2,
    registered: true,
    run: async (s, m) => {
      const [nick, channel] = m.params as [string, string];
      if (isLobby(channel)) return s.numeric(ERR.USERONCHANNEL, nick, LOBBY, 'is already on channel: everyone is in #lobby');
      await inviteCommand(s, nick, channel);
    },
  },
  WALLOPS: {
    minParams: 1,
    registered: true,
    run: async (s, m) => {
      await s.request('notice', { text: m.params[0]! }).catch((err: unknown) => {
        if (err instanceof ProtocolError && err.code === 'FORBIDDEN') s.numeric(ERR.NOPRIVILEGES, "Permission Denied- You're not a Banter administrator");
        else s.notice(err instanceof ProtocolError ? err.message : 'the notice could not be sent');
      });
    },
  },
};

/** MODE #lobby +b/-b/+q/-q <nick> [minutes]: ban, unban, mute (for minutes, or until unmuted), unmute. */
export async function banOrMute(s: IrcSession, add: boolean, mode: 'b' | 'q', nick: string, extra: string | undefined): Promise<void> {
  const minutes = extra !== undefined && /^\d+(\.\d+)?$/.test(extra) ? Number(extra) : undefined;
  await moderate(
    s,
    nick,
    () =>
      mode === 'b'
        ? add
          ? s.request('ban', { user: nick })
          : s.request('unban', { user: nick })
        : add
          ? s.request('mute', minutes === undefined ? { user: nick } : { user: nick, minutes })
          : s.request('unmute', { user: nick }),
    'channel',
  );
}

async function moderate(s: IrcSession, nick: string, action: () => Promise<unknown>, scope: 'channel' | 'server'): Promise<void> {
  try {
    await action();
  } catch (err) {
    const e = err instanceof ProtocolError ? err : new ProtocolError('INTERNAL', 'the action failed');
    if (e.code === 'NO_SUCH_USER') return s.numeric(ERR.NOSUCHNICK, nick, 'No such nick/channel');
    if (e.code === 'FORBIDDEN' && !s.isAdmin) {
      return scope === 'channel'
        ? s.numeric(ERR.CHANOPRIVSNEEDED, LOBBY, "You're not channel operator")
        : s.numeric(ERR.NOPRIVILEGES, "Permission Denied- You're not a Banter administrator");
    }
    s.notice(`${nick}: ${e.message}`);
  }
}

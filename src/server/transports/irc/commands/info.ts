import { nameKey } from '../../../../protocol/index.js';
import { ERR, RPL } from '../numerics.js';
import { USER_HOST } from '../render.js';
import type { IrcSession } from '../session.js';
import { lusers, motd } from '../welcome.js';
import type { IrcCommandTable } from './command.js';
import { MAX_REASON_CHARS } from '../../../../protocol/index.js';

// eslint-disable-next-line no-control-regex
const CONTROL_CHARS = /[\u0000-\u001f\u007f-\u009f]/g;

/** The away message others see for a muted user who set one. */
const MUTED_AWAY = 'Away';

/** WHOIS looks for shared rooms among this many of the asker's rooms (a `members` request each). */
const MAX_WHOIS_ROOMS = 20;

async function online(s: IrcSession): Promise<Map<string, { user: string; role: string; since: number }>> {
  const { users } = await s.request('who', {});
  return new Map(users.map((u) => [nameKey(u.user), u]));
}

export const infoCommands: IrcCommandTable = {
  WHOIS: {
    minParams: 1,
    registered: true,
    run: async (s, m) => {
      const nick = (m.params[1] ?? m.params[0]!).split(',')[0]!;
      const u = (await online(s)).get(nameKey(nick));
      if (!u) {
        s.numeric(ERR.NOSUCHNICK, nick, 'No such nick/channel');
        return s.numeric(RPL.ENDOFWHOIS, nick, 'End of /WHOIS list');
      }
      const key = nameKey(u.user);
      s.numeric(RPL.WHOISUSER, u.user, u.user, USER_HOST, '*', s.realnameOf(u.user));
      s.numeric(RPL.WHOISSERVER, u.user, s.ctx.serverName, 'Banter');
      if (u.role === 'admin') s.numeric(RPL.WHOISOPERATOR, u.user, 'is a Banter administrator');
      const away = s.ctx.away.get(key);
      if (away !== undefined) s.numeric(RPL.AWAY, u.user, away);
      // Idle time is known only for users with an IRC session here (other clients do not report activity).
      const lastActive = s.ctx.ircUsers.get(key)?.lastActive;
      if (lastActive !== undefined) {
        const idle = Math.max(0, Math.floor((Date.now() - lastActive) / 1000));
        s.numeric(RPL.WHOISIDLE, u.user, String(idle), String(Math.floor(u.since / 1000)), 'seconds idle, signon time');
      }
      s.numeric(RPL.WHOISCHANNELS, u.user, [`${u.role === 'admin' ? '@' : ''}#lobby`, ...(await sharedRooms(s, u.user))].join(' '));
      s.numeric(RPL.WHOISACCOUNT, u.user, u.user, 'is logged in as');
      s.numeric(RPL.ENDOFWHOIS, u.user, 'End of /WHOIS list');
    },
  },
  ISON: {
    minParams: 1,
    registered: true,
    run: async (s, m) => {
      const users = await online(s);
      const asked = m.params.join(' ').split(' ').filter((n) => n !== '');
      s.numeric(RPL.ISON, asked.filter((n) => users.has(nameKey(n))).map((n) => users.get(nameKey(n))!.user).join(' '));
    },
  },
  USERHOST: {
    minParams: 1,
    registered: true,
    run: async (s, m) => {
      const users = await online(s);
      const found = m.params.slice(0, 5).flatMap((n) => {
        const u = users.get(nameKey(n));
        if (!u) return [];
        return [`${u.user}${u.role === 'admin' ? '*' : ''}=${s.ctx.away.has(nameKey(u.user)) ? '-' : '+'}${u.user}@${USER_HOST}`];
      });
      s.numeric(RPL.USERHOST, found.join(' '));
    },
  },
  AWAY: {
    minParams: 0,
    registered: true,
    run: (s, m) => {
      const key = s.core.user!.record.key;
      // Control characters (a bare CR above all) would reach other clients as forged lines.
      const text = m.params[0]?.replace(CONTROL_CHARS, '');
      const given = text ? [...text].slice(0, MAX_REASON_CHARS).join('') : undefined;
      // A muted user's words reach nobody: others see that they are away, not the text.
      const message = given !== undefined && s.isMuted ? MUTED_AWAY : given;
      if (message !== given) s.notice('You are muted: others see you as away, without your message');
      if (message === undefined) s.ctx.away.delete(key);
      else s.ctx.away.set(key, message);
      s.numeric(message === undefined ? RPL.UNAWAY : RPL.NOWAWAY, message === undefined ? 'You are no longer marked as being away' : 'You have been marked as being away');
      for (const other of s.ctx.sessions) other.awayChanged(s.nick, message);
    },
  },
  MOTD: { minParams: 0, registered: true, run: (s) => motd(s) },
  LUSERS: { minParams: 0, registered: true, run: (s) => lusers(s) },
  VERSION: { minParams: 0, registered: true, run: (s) => s.numeric(RPL.VERSION, s.ctx.version, s.ctx.serverName, 'Banter IRC gateway') },
};

/** Rooms WHOIS lists: those this connection is in that the user is in too (the first 20 looked at). */
async function sharedRooms(s: IrcSession, user: string): Promise<string[]> {
  const out: string[] = [];
  for (const view of [...s.rooms.values()].slice(0, MAX_WHOIS_ROOMS)) {
    const { members } = await s.request('members', { room: view.name }).catch((err: unknown) => {
      s.ctx.logger.debug({ err, peer: s.peer.id, room: view.name }, 'WHOIS: room members not read; the room is not listed');
      return { members: [] };
    });
    const member = members.find((m) => nameKey(m.user) === nameKey(user));
    if (member) out.push(`${member.owner ? '@' : ''}${view.name}`);
  }
  return out;
}

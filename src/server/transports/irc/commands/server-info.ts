import { isValidName, nameKey } from '../../../../protocol/index.js';
import { ERR, RPL } from '../numerics.js';
import { USER_HOST } from '../render.js';
import type { IrcSession } from '../session.js';
import type { IrcCommandTable } from './command.js';

// RFC 2812 §3.4.6 TIME and §3.6.3 WHOWAS.

export const serverInfoCommands: IrcCommandTable = {
  TIME: {
    minParams: 0,
    registered: true,
    run: (s, m) => {
      const target = m.params[0];
      if (target !== undefined && target.toLowerCase() !== s.ctx.serverName.toLowerCase()) return s.numeric(ERR.NOSUCHSERVER, target, 'No such server');
      s.numeric(RPL.TIME, s.ctx.serverName, new Date().toUTCString());
    },
  },
  WHOWAS: {
    minParams: 0,
    registered: true,
    run: async (s, m) => {
      const nicks = (m.params[0] ?? '').split(',').filter((n) => n !== '');
      if (nicks.length === 0) return s.numeric(ERR.NONICKNAMEGIVEN, 'No nickname given');
      // A nick is an account name, kept for good: WHOWAS answers for any account (online or not).
      const nick = nicks[0]!;
      const name = await accountName(s, nick);
      if (name === undefined) s.numeric(ERR.WASNOSUCHNICK, nick, 'There was no such nickname');
      else {
        s.numeric(RPL.WHOWASUSER, name, name, USER_HOST, '*', s.realnameOf(name));
        s.numeric(RPL.WHOISSERVER, name, s.ctx.serverName, 'Banter');
      }
      s.numeric(RPL.ENDOFWHOWAS, nick, 'End of WHOWAS');
    },
  },
};

/** The display name of the account with this name (compared as the server compares names), if there is one. */
async function accountName(s: IrcSession, nick: string): Promise<string | undefined> {
  if (!isValidName(nick)) return undefined;
  const { users } = await s.request('users', { prefix: nick, limit: 1 });
  const first = users[0];
  return first !== undefined && nameKey(first.user) === nameKey(nick) ? first.user : undefined;
}

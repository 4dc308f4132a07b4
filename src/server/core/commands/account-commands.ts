import { PROTOCOL_VERSION } from '../../../protocol/index.js';
import type { CommandTable } from './command.js';

export const accountCommands: CommandTable<'hello' | 'ping' | 'pong' | 'register' | 'login' | 'logout'> = {
  hello: {
    auth: 'none',
    run: (s) => {
      const { serverName } = s.chat.config;
      const port = s.chat.httpPort;
      return port === undefined ? { server: serverName, proto: PROTOCOL_VERSION } : { server: serverName, proto: PROTOCOL_VERSION, http_port: port };
    },
  },
  ping: { auth: 'none', run: () => ({}) },
  // The answer to the server's `ping` event; hearing it is all that matters.
  pong: { auth: 'none', run: () => ({}) },
  register: {
    auth: 'none',
    run: async (s, { user, password }) => {
      const record = await s.chat.accounts.register(user, password, s.peer.address);
      s.chat.logger.info({ user: record.name, peer: s.peer.id }, 'registered');
      return { user: record.name };
    },
  },
  login: {
    auth: 'none',
    run: async (s, body) => {
      s.beginLogin();
      try {
        const { accounts } = s.chat;
        const outcome = 'token' in body ? await accounts.loginWithToken(body.token) : await accounts.loginWithPassword(body.user, body.password, s.peer.address);
        const first = s.chat.online.get(outcome.user.key) === undefined;
        await s.chat.attach(s, outcome);
        // This node learns the user's rooms when they come online here (see RoomMembership).
        if (first) await s.chat.rooms.load(outcome.user);
        // Online now, so a moderator's action from here on reaches this session; one taken while
        // the login was in flight is caught by reading the user again.
        let user;
        try {
          user = await accounts.recheck(outcome);
        } catch (err) {
          await s.chat.detach(s);
          throw err;
        }
        if (s.user) s.user.record = { ...s.user.record, mutedUntil: user.mutedUntil, role: user.role };
        return { user: user.name, role: user.role, token: outcome.token, muted_until: s.chat.activeMute(user) };
      } finally {
        s.endLogin();
      }
    },
  },
  logout: {
    auth: 'user',
    run: async (s) => {
      if (s.tokenHash) await s.chat.accounts.logout(s.tokenHash);
      await s.chat.detach(s);
      return {};
    },
  },
};

import { PROTOCOL_VERSION } from '../../../protocol/index.js';
import type { CommandTable } from './command.js';

export const accountCommands: CommandTable<'hello' | 'ping' | 'pong' | 'register' | 'login' | 'logout'> = {
  hello: {
    auth: 'none',
    run: (c) => {
      const { serverName } = c.domain.config;
      const port = c.domain.httpPort;
      return port === undefined ? { server: serverName, proto: PROTOCOL_VERSION } : { server: serverName, proto: PROTOCOL_VERSION, http_port: port };
    },
  },
  ping: { auth: 'none', run: () => ({}) },
  // The answer to the server's `ping` event; hearing it is all that matters.
  pong: { auth: 'none', run: () => ({}) },
  register: {
    auth: 'none',
    run: async (c, { user, password }) => {
      const record = await c.domain.accounts.register(user, password, c.peer.address);
      c.domain.logger.info({ user: record.name, peer: c.peer.id }, 'registered');
      return { user: record.name };
    },
  },
  login: {
    auth: 'none',
    run: async (c, body) => {
      c.beginLogin();
      try {
        const { accounts } = c.domain;
        const outcome = 'token' in body ? await accounts.loginWithToken(body.token) : await accounts.loginWithPassword(body.user, body.password, c.peer.address);
        return await c.logIn(outcome, body.presence === false);
      } finally {
        c.endLogin();
      }
    },
  },
  logout: { auth: 'user', run: async (c) => (await c.logOut(), {}) },
};

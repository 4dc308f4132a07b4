import { after, before } from 'node:test';
import type { ServerConfig } from '../../src/server/config.js';
import { IrcTestClient, newIrcUser } from './irc-client.js';
import { startTestServer, type TestServer } from './server.js';

/** What an IRC suite's tests use: its server (with an IRC port) and registered IRC users on it. */
export interface IrcSuite {
  readonly server: TestServer;
  /** The server's IRC port. */
  readonly port: number;
  /** A new account, logged in over IRC with these capabilities (see newIrcUser). */
  newIrcUser(caps?: string[]): Promise<{ irc: IrcTestClient; name: string }>;
}

/**
 * The shared setup of the IRC suites: call it in a describe; a server with an IRC port (and these
 * settings) starts before its tests and is disposed of after them.
 */
export function ircSuite(overrides: Partial<ServerConfig> = {}): IrcSuite {
  let started: TestServer | undefined;
  before(async () => {
    started = await startTestServer({ ircPort: 0, ...overrides });
  });
  after(() => started?.dispose());
  const server = (): TestServer => {
    if (!started) throw new Error('the IRC suite has not started its server yet (use it inside a test or hook)');
    return started;
  };
  return {
    get server() {
      return server();
    },
    get port() {
      return server().ircPort!;
    },
    newIrcUser: (caps: string[] = []) => newIrcUser(server(), caps),
  };
}

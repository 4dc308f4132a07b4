import type { Command } from 'commander';
import { StdinReader, addConnectionOptions, connectTo, resolveConnection, runScripted, type ConnectionFlags } from './connection-options.js';

/**
 * `banter register --user NAME`: creates an account (a bot's, from a script) and prints
 * `registered NAME` with the display name the server kept. The password comes as for `send`
 * (BANTER_PASSWORD, or the first line of stdin with --password-stdin). It does not log in, so
 * no one sees the account come online.
 */
export function addRegisterCommand(program: Command): void {
  const cmd = program.command('register').description('create an account (password from env BANTER_PASSWORD or --password-stdin)');
  addConnectionOptions(cmd);
  cmd.action((flags: ConnectionFlags) =>
    runScripted(async () => {
      const stdin = new StdinReader();
      const conn = await resolveConnection(flags, cmd, stdin).finally(() => stdin.close());
      const client = await connectTo(conn);
      try {
        const { user } = await client.request('register', { user: conn.user, password: conn.password });
        process.stdout.write(`registered ${user}\n`);
      } finally {
        client.close();
      }
      return 0;
    }),
  );
}

import type { Command } from 'commander';

export function addChatCommand(program: Command): void {
  program
    .command('chat')
    .description('the terminal client')
    .argument('[server]', 'host:port of the server', process.env.BANTER_SERVER ?? '127.0.0.1:8888')
    .option('--user <name>', 'user name to fill in (or BANTER_USER)')
    .action(async (server: string, opts: { user?: string }) => {
      // Ink draws only a final frame when it thinks it runs in CI (CI or CONTINUOUS_INTEGRATION
      // set), which would leave a person at a terminal with a blank screen. On a terminal, draw.
      if (process.stdout.isTTY) for (const key of ['CI', 'CONTINUOUS_INTEGRATION']) if (key in process.env) process.env[key] = 'false';
      // Loaded here so that the other commands do not pay for React and Ink.
      const [{ render }, { createElement }, { App }] = await Promise.all([import('ink'), import('react'), import('../tui/app.js')]);
      const app = render(createElement(App, { address: server, user: opts.user ?? process.env.BANTER_USER }));
      await app.waitUntilExit();
      process.exit(0);
    });
}

import { Option, type Command } from 'commander';
import { ConfigError, SETTINGS, loadConfig, type SettingName } from '../server/config.js';
import { CliError, EXIT_ERROR, reportError } from './connection-options.js';

export function addServerCommand(program: Command): void {
  const server = program.command('server').description('run the chat server (embedded SQLite, single node)');
  server.option('--config <file>', 'JSON file with settings (or BANTER_CONFIG)');
  for (const s of Object.values(SETTINGS)) {
    const fallback = s.default === undefined ? '' : `, default ${String(s.default)}`;
    server.addOption(new Option(s.flag, `${s.describe} (env ${s.env}${fallback})`));
  }
  server.action(async (opts: Partial<Record<SettingName, unknown>> & { config?: string }) => {
    let config;
    try {
      config = loadConfig(opts, process.env, opts.config);
    } catch (err) {
      return fail(err);
    }
    // Loaded here so that client commands (send, listen, chat) start without the server's code.
    const [{ createLogger }, { startServer }] = await Promise.all([import('../server/logger.js'), import('../server/server.js')]);
    const logger = createLogger(config.logLevel);
    let running;
    try {
      running = await startServer(config, logger);
    } catch (err) {
      return fail(err);
    }
    let signals = 0;
    const onSignal = (signal: NodeJS.Signals): void => {
      if (++signals > 1) process.exit(130); // a second Ctrl-C means now
      void running.stop(`received ${signal}`).then(() => process.exit(0));
    };
    process.on('SIGINT', onSignal);
    process.on('SIGTERM', onSignal);
  });
}

/** A setting the operator can fix is one line; anything else shows its stack. */
function fail(err: unknown): void {
  reportError(err instanceof ConfigError ? new CliError(err.message) : err);
  process.exitCode = EXIT_ERROR;
}

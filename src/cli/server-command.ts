import { Option, type Command } from 'commander';
import { ConfigError, SETTINGS, loadConfig, type SettingName } from '../server/config.js';
import { CliError, EXIT_ERROR, reportError } from './connection-options.js';

export function addServerCommand(program: Command): void {
  const server = program.command('server').description('run the chat server (embedded SQLite by default; PostgreSQL and Redis for several nodes)');
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
    const [{ createLogger }, { startServer }, workers] = await Promise.all([
      import('../server/logger.js'),
      import('../server/server.js'),
      import('../server/workers.js'),
    ]);
    const logger = createLogger(config.logLevel);
    const index = workers.workerIndex();
    if (config.workers > 1 && index === undefined) return workers.runWorkers(config.workers, logger);
    if (index !== undefined && index > 0) config.skipAdminBootstrap = true;
    let running;
    try {
      running = await startServer(config, logger);
    } catch (err) {
      fail(err);
      // A worker's IPC channel would keep it alive.
      if (index !== undefined) process.exit(EXIT_ERROR);
      return;
    }
    workers.reportReady();
    // The primary of --workers asks over IPC, so that a Ctrl-C the terminal also sent here does
    // not count as a second signal.
    workers.onStopRequest(() => void running.stop('the primary is stopping').then(() => process.exit(0)));
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

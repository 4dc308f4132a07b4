import { Option, type Command } from 'commander';
import { BanterClient, BanterError, formatHostPort, parseHostPort, type ClientOptions } from '../client/index.js';
import { tcpTransport } from '../client/node/tcp-transport.js';
import type { TransportFactory } from '../client/transport.js';

// What the scriptable commands (send, listen, admin, register) share: where the server is, who logs in, how
// the password arrives (never as a flag: flags show in `ps` and shell history), how failures are
// reported (one line on stderr) and how the process ends (after stdout and stderr are flushed).
//
// Exit codes: 0 success, 2 any error (usage, connection, a refusal by the server), 3 the server
// ended a `listen` session (kick, ban).

export const DEFAULT_SERVER = '127.0.0.1:8888';
export const EXIT_ERROR = 2;
export const EXIT_ENDED = 3;

/** A mistake the user can fix: reported as one line, exit code 2. */
export class CliError extends Error {
  override name = 'CliError';
}

export interface ConnectionFlags {
  server: string;
  user?: string;
  passwordStdin?: boolean;
  /** Hidden: only there to refuse it with a helpful message. */
  password?: string | boolean;
}

export interface Connection {
  host: string;
  port: number;
  user: string;
  password: string;
  /** `host:port`, for messages. */
  address: string;
}

/** Adds --server, --user and --password-stdin, and makes usage errors exit with code 2. */
export function addConnectionOptions(cmd: Command): Command {
  usageErrorsExit2(cmd);
  return cmd
    .addOption(new Option('--server <host:port>', 'server to connect to').env('BANTER_SERVER').default(DEFAULT_SERVER))
    .addOption(new Option('--user <name>', 'user to log in as').env('BANTER_USER'))
    .addOption(new Option('--password-stdin', 'read the password from the first line of stdin (else env BANTER_PASSWORD)'))
    .addOption(new Option('--password [value]').hideHelp());
}

/** Commander's own errors (unknown option, missing argument) exit 2 like ours; help still exits 0. */
export function usageErrorsExit2(cmd: Command): Command {
  return cmd.exitOverride((err) => process.exit(err.exitCode === 0 ? 0 : EXIT_ERROR));
}

/** Parses `host:port`. Throws CliError naming `source` (the flag or variable the text came from). */
export function parseServerAddress(text: string, source = '--server'): { host: string; port: number } {
  const parsed = parseHostPort(text);
  if ('error' in parsed) {
    throw new CliError(`${source} ${JSON.stringify(text)} is not a server address: ${parsed.error} (expected host:port, e.g. ${DEFAULT_SERVER})`);
  }
  return parsed;
}

/**
 * Reads stdin on demand: first a line (the password), then, if wanted, everything after it.
 * Nothing is read until asked, so a command that needs no stdin never waits for it.
 */
export class StdinReader {
  private buffer = '';
  private ended = false;
  private iterator: AsyncIterator<Buffer | string> | undefined;

  constructor(private readonly stream: NodeJS.ReadableStream = process.stdin) {}

  /** The next line without its `\n` or `\r\n`; undefined at end of input. */
  async readLine(): Promise<string | undefined> {
    let nl;
    while ((nl = this.buffer.indexOf('\n')) < 0 && (await this.more()));
    if (nl < 0) {
      if (this.buffer === '') return undefined;
      const rest = this.buffer;
      this.buffer = '';
      return rest;
    }
    const line = this.buffer.slice(0, nl).replace(/\r$/, '');
    this.buffer = this.buffer.slice(nl + 1);
    return line;
  }

  /** Everything until the end of input. */
  async readAll(): Promise<string> {
    while (await this.more());
    const all = this.buffer;
    this.buffer = '';
    return all;
  }

  /** Stops reading, so an open stdin (a terminal) does not keep the process alive. */
  close(): void {
    void this.iterator?.return?.();
  }

  private async more(): Promise<boolean> {
    if (this.ended) return false;
    if (!this.iterator) {
      this.stream.setEncoding('utf8');
      this.iterator = this.stream[Symbol.asyncIterator]();
    }
    const next = await this.iterator.next();
    if (next.done) {
      this.ended = true;
      return false;
    }
    this.buffer += next.value.toString();
    return true;
  }
}

/**
 * Works out the connection from the flags and the environment (commander has already merged
 * BANTER_SERVER and BANTER_USER into the flags). The password comes from the first line of stdin
 * with --password-stdin, else from BANTER_PASSWORD.
 */
export async function resolveConnection(
  flags: ConnectionFlags,
  cmd: Command,
  stdin: StdinReader,
  env: NodeJS.ProcessEnv = process.env,
): Promise<Connection> {
  if (flags.password !== undefined) {
    throw new CliError('there is no --password flag (command lines show in ps and shell history): use --password-stdin or set BANTER_PASSWORD');
  }
  const { host, port } = parseServerAddress(flags.server, cmd.getOptionValueSource('server') === 'env' ? 'BANTER_SERVER' : '--server');
  const user = flags.user?.trim();
  if (!user) throw new CliError('no user given: use --user NAME or set BANTER_USER');
  let password: string | undefined;
  if (flags.passwordStdin) {
    password = await stdin.readLine();
    if (password === undefined || password === '') throw new CliError('--password-stdin: the first line of stdin is empty; it must hold the password');
  } else {
    password = env.BANTER_PASSWORD;
    if (!password) throw new CliError('no password given: pipe it in with --password-stdin or set BANTER_PASSWORD');
  }
  return { host, port, user, password, address: formatHostPort(host, port) };
}


export function transportFor(conn: Connection): TransportFactory {
  return tcpTransport(conn.host, conn.port);
}

/** Connects without logging in; a connection failure becomes a CliError naming the server. */
export async function connectTo(conn: Connection, options: ClientOptions = {}): Promise<BanterClient> {
  try {
    return await BanterClient.connect(transportFor(conn), options);
  } catch (err) {
    throw connectionError(err, conn);
  }
}

/**
 * Connects and logs in with the password, for one command. The session is quiet (`presence:
 * false`): nobody sees the user come online and go away for it, and it hears no live events.
 */
export async function connectAndLogin(conn: Connection, options: ClientOptions = {}): Promise<BanterClient> {
  const client = await connectTo(conn, options);
  try {
    await client.request('login', { user: conn.user, password: conn.password, presence: false });
  } catch (err) {
    client.close();
    throw err;
  }
  return client;
}

/** A clear one-line message for a connection that could not be made. */
export function connectionError(err: unknown, conn: Connection): Error {
  if (!(err instanceof Error)) return new CliError(`cannot connect to ${conn.address}: ${String(err)}`);
  const code = (err as NodeJS.ErrnoException).code;
  const why =
    code === 'ECONNREFUSED'
      ? 'connection refused (is the server running?)'
      : code === 'ENOTFOUND' || code === 'EAI_AGAIN'
        ? `unknown host ${JSON.stringify(conn.host)}`
        : code === 'EHOSTUNREACH' || code === 'ENETUNREACH'
          ? 'host unreachable'
          : err.message;
  return new CliError(`cannot connect to ${conn.address}: ${why}`);
}

/** One line on stderr: `banter: CODE: message` for a refusal by the server, `banter: message` else. */
export function reportError(err: unknown): void {
  let text: string;
  if (err instanceof BanterError) text = `${err.code}: ${err.message}`;
  else if (err instanceof CliError) text = err.message;
  else if (err instanceof Error) text = err.stack ?? err.message;
  else text = String(err);
  process.stderr.write(`banter: ${text}\n`);
}

/** Ends the process once everything written to stdout and stderr has been handed to the OS. */
export async function exitAfterFlush(code: number): Promise<never> {
  await Promise.all([flush(process.stdout), flush(process.stderr)]);
  process.exit(code);
}

function flush(stream: NodeJS.WriteStream): Promise<void> {
  return new Promise((resolve) => {
    if (stream.destroyed || !stream.writable) return resolve();
    stream.write('', () => resolve());
  });
}

/** Runs a command body: any error is reported as one line and the process exits 2. */
export async function runScripted(body: () => Promise<number>): Promise<never> {
  let code: number;
  try {
    code = await body();
  } catch (err) {
    reportError(err);
    code = EXIT_ERROR;
  }
  return exitAfterFlush(code);
}

/** Reading stdout through `| head` closes the pipe early: that is the reader's choice, not an error. */
export function exitQuietlyOnBrokenPipe(): void {
  process.stdout.on('error', (err: NodeJS.ErrnoException) => {
    if (err.code === 'EPIPE') process.exit(0);
    throw err;
  });
}

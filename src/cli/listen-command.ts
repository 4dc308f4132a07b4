import { printable } from '../client/display.js';
import type { Command } from 'commander';
import { BanterError, ChatSession } from '../client/index.js';
import { LOBBY, STICKERS, isValidName, nameKey, type ChatMessage, type EventBodies } from '../protocol/index.js';
import {
  CliError,
  EXIT_ENDED,
  StdinReader,
  addConnectionOptions,
  connectionError,
  exitQuietlyOnBrokenPipe,
  resolveConnection,
  runScripted,
  transportFor,
  type ConnectionFlags,
} from './connection-options.js';
import { localTime, withIsoTimes } from './time-format.js';

interface ListenFlags extends ConnectionFlags {
  json?: boolean;
  conv?: string;
  quiet?: boolean;
}

/**
 * `banter listen [--json] [--conv C]`: prints every message as it arrives, one line each, until
 * SIGINT/SIGTERM (exit 0) or until the server ends the session (kick, ban: exit 3). It runs a
 * ChatSession, so a lost connection is re-established and the messages missed meanwhile are
 * printed, in order, none twice. Status lines (ready, reconnecting) go to stderr.
 */
export function addListenCommand(program: Command): void {
  const cmd = program
    .command('listen')
    .description('print messages as they arrive, one per line, until SIGINT/SIGTERM')
    .option('--json', 'one JSON object per line, as the protocol carries it but with times in ISO 8601: {"ev":"msg",...} or {"ev":"notice",...}')
    .option('--conv <conv>', 'only messages of this conversation: "#lobby" or "@name" (notices are always shown)')
    .option('--quiet', 'no status lines on stderr (errors are still reported)');
  addConnectionOptions(cmd);
  cmd.action((flags: ListenFlags) => runScripted(() => listen(flags, cmd)));
}

async function listen(flags: ListenFlags, cmd: Command): Promise<number> {
  const wanted = flags.conv === undefined ? undefined : conversationFilter(flags.conv);
  const stdin = new StdinReader();
  const conn = await resolveConnection(flags, cmd, stdin).finally(() => stdin.close());
  const status = (text: string): void => {
    if (!flags.quiet) process.stderr.write(`banter: ${text}\n`);
  };
  exitQuietlyOnBrokenPipe();

  const session = new ChatSession({ connect: transportFor(conn), clientName: 'banter-listen' });
  let done: (code: number) => void = () => undefined;
  const finished = new Promise<number>((resolve) => (done = resolve));
  session.on('message', (m) => {
    if (wanted && !wanted(m.conv)) return;
    process.stdout.write((flags.json ? JSON.stringify({ ev: 'msg', ...withIsoTimes(m) }) : formatMessage(m)) + '\n');
  });
  session.on('notice', (n) => {
    process.stdout.write((flags.json ? JSON.stringify({ ev: 'notice', ...withIsoTimes(n) }) : formatNotice(n)) + '\n');
  });
  let previous = session.state;
  session.on('state', (state) => {
    if (state === 'reconnecting') status(`connection to ${conn.address} lost; reconnecting`);
    else if (state === 'online' && previous === 'reconnecting') status('reconnected');
    previous = state;
  });
  session.on('ended', ({ code, reason }) => {
    process.stderr.write(`banter: ${code === 'kicked' || code === 'banned' ? code : 'session ended'}: ${reason}\n`);
    done(EXIT_ENDED);
  });

  try {
    await session.login(conn.user, conn.password);
    // Checks the conversation now (NO_SUCH_USER) rather than waiting silently for nothing.
    if (flags.conv !== undefined) await session.request('history', { conv: flags.conv, limit: 1 });
  } catch (err) {
    session.close();
    throw err instanceof BanterError ? err : connectionError(err, conn);
  }
  const stop = (): void => done(0);
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
  status(`listening as ${session.user ?? conn.user} on ${conn.address}${flags.conv ? ` to ${flags.conv}` : ''}`);

  const code = await finished;
  session.close();
  return code;
}

/** Which conversations `--conv` selects. Names compare as the server compares them. */
export function conversationFilter(conv: string): (conv: string) => boolean {
  if (conv === LOBBY) return (c) => c === LOBBY;
  const name = conv.startsWith('@') ? conv.slice(1) : undefined;
  if (name === undefined || !isValidName(name)) throw new CliError(`--conv ${JSON.stringify(conv)}: a conversation is "#lobby" or "@name"`);
  const key = nameKey(name);
  return (c) => c.startsWith('@') && nameKey(c.slice(1)) === key;
}

/** `YYYY-MM-DD HH:MM:SS [#lobby] alice: text`, local time; one line whatever the text holds. */
export function formatMessage(m: ChatMessage): string {
  let body: string;
  if (m.text !== undefined) body = printable(m.text);
  else if (m.sticker !== undefined) body = STICKERS[m.sticker] ?? `:${printable(m.sticker)}:`;
  else if (m.file !== undefined) body = `[file ${printable(m.file.name)}]`;
  else body = '';
  return `${localTime(m.ts)} [${m.conv}] ${m.from}: ${body}`;
}

/** `YYYY-MM-DD HH:MM:SS *** text`, with `admin: ` before the text of an administrator's notice. */
export function formatNotice(n: EventBodies['notice']): string {
  return `${localTime(n.ts)} *** ${n.from !== undefined ? `${n.from}: ` : ''}${printable(n.text)}`;
}


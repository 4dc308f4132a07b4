import type { Command } from 'commander';
import type { Content } from '../client/index.js';
import { STICKER_NAMES, isSticker } from '../protocol/index.js';
import { CliError, StdinReader, addConnectionOptions, connectAndLogin, resolveConnection, runScripted, type ConnectionFlags } from './connection-options.js';

interface SendFlags extends ConnectionFlags {
  to: string;
  sticker?: string;
}

/**
 * `banter send --to '#lobby'|'@bob' [--sticker NAME] [TEXT...]`: logs in, sends one message,
 * prints its seq. Without TEXT or --sticker the text is read from stdin (after the password line
 * when --password-stdin is given), one trailing newline removed.
 */
export function addSendCommand(program: Command): void {
  const cmd = program
    .command('send')
    .description('send one message and print its seq (text from the arguments, or from stdin)')
    .requiredOption('--to <conv>', 'conversation: "#lobby" or "@name"')
    .option('--sticker <name>', `send a sticker instead of text (${STICKER_NAMES.join(', ')})`)
    .argument('[text...]', 'the message text (words are joined with spaces)');
  addConnectionOptions(cmd);
  cmd.action((words: string[], flags: SendFlags) =>
    runScripted(async () => {
      const stdin = new StdinReader();
      try {
        const content = checkArguments(words, flags);
        const conn = await resolveConnection(flags, cmd, stdin);
        const body = content ?? (await textFromStdin(stdin));
        const client = await connectAndLogin(conn);
        try {
          const { seq } = await client.request('send', { to: flags.to, ...body });
          process.stdout.write(`${seq}\n`);
        } finally {
          client.close();
        }
        return 0;
      } finally {
        stdin.close();
      }
    }),
  );
}

/** The content given on the command line, or undefined when it is to come from stdin. */
function checkArguments(words: string[], flags: SendFlags): Content | undefined {
  if (flags.sticker !== undefined) {
    if (words.length > 0) throw new CliError('give either TEXT or --sticker, not both');
    if (!isSticker(flags.sticker)) throw new CliError(`no sticker named ${JSON.stringify(flags.sticker)}; the stickers are: ${STICKER_NAMES.join(', ')}`);
    return { sticker: flags.sticker };
  }
  if (words.length > 0) return { text: words.join(' ') };
  if (process.stdin.isTTY) throw new CliError('nothing to send: give TEXT, --sticker NAME, or pipe the text in on stdin');
  return undefined;
}

async function textFromStdin(stdin: StdinReader): Promise<Content> {
  const text = (await stdin.readAll()).replace(/\r?\n$/, '');
  if (text.trim() === '') throw new CliError('nothing to send: stdin held no text');
  return { text };
}

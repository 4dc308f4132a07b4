import { STICKERS, STICKER_NAMES, isSticker } from '../protocol/index.js';

/** What a line typed in the chat screen asks for. */
export type Typed =
  | { kind: 'say'; to?: string; text: string }
  | { kind: 'chat'; user: string }
  | { kind: 'sticker'; to?: string; name: string }
  | { kind: 'who' }
  | { kind: 'help' }
  | { kind: 'quit' }
  | { kind: 'file'; path: string }
  | { kind: 'open'; back: number }
  | { kind: 'admin'; op: 'mute' | 'unmute' | 'kick' | 'ban' | 'unban'; user: string; minutes?: number; reason?: string }
  | { kind: 'notice'; text: string }
  | { kind: 'rooms'; more: boolean }
  | { kind: 'members' }
  | { kind: 'join'; room: string }
  | { kind: 'leave'; room?: string }
  | { kind: 'create'; room: string; topic?: string; private: boolean }
  | { kind: 'room'; op: 'invite' | 'remove' | 'owner'; user: string }
  | { kind: 'topic'; text: string }
  | { kind: 'edit'; text: string }
  | { kind: 'delete'; back: number }
  | { kind: 'react'; back: number; emoji: string }
  | { kind: 'error'; message: string };

export const HELP = [
  'text                 send to the current conversation',
  '/all text            send to #lobby          /msg user [text] send privately (no text: open the chat)',
  '/sticker name        send a sticker (or type :name: alone)',
  `stickers: ${STICKER_NAMES.join(' ')}`,
  '/who                 who is online           /file path       send a file (any type)',
  '/open [n]            save the last (or n-th last) file of this conversation to your downloads',
  '/rooms [more]        rooms you can join (more: the next page)   /join #room   /leave [#room]',
  '/create #room [topic]  a public room         /create-private #room [topic]  invite-only',
  'room owners: /invite user  /remove user  /topic text  /owner user (hand over)   /members',
  '/edit text           edit your last message  /delete [n]      delete your last (or the n-th last) message',
  '/react n emoji       react to the n-th last message (1 = the last; emoji or a sticker name)',
  'admins: /mute user [minutes] [reason]  /unmute user  /kick user [reason]',
  '        /ban user [reason]  /unban user  /notice text',
  'keys: Tab completes @names, the user of /msg /invite /mute... and /commands (again: the next match);',
  '      elsewhere Tab goes to the users pane (↑↓ Enter opens a conversation)  Ctrl-P hide/show it  PgUp/PgDn scroll  Ctrl-C quit',
  '/help                this help               /quit            leave',
];

/** Every command name, for completion (aliases included). */
export const COMMAND_NAMES = [
  'all', 'msg', 'sticker', 'who', 'help', 'quit', 'exit', 'file', 'open', 'mute', 'unmute', 'kick', 'ban', 'unban', 'notice',
  'rooms', 'members', 'join', 'leave', 'part', 'create', 'create-private', 'invite', 'remove', 'owner', 'topic', 'edit', 'delete', 'react',
] as const;

/** Reads one typed line. Plain text is a message; a leading "/" is a command. */
export function parseTyped(line: string): Typed | null {
  const text = line.trim();
  if (text === '') return null;
  const shortcode = /^:([a-z]+):$/.exec(text);
  if (shortcode && isSticker(shortcode[1]!)) return { kind: 'sticker', name: shortcode[1]! };
  if (!text.startsWith('/')) return { kind: 'say', text: line };
  const [cmd = '', ...args] = text.slice(1).split(/\s+/);
  const rest = text.slice(1 + cmd.length).trim();
  switch (cmd.toLowerCase()) {
    case 'all':
      return rest ? { kind: 'say', to: '#lobby', text: rest } : usage('/all text');
    case 'msg': {
      const [user, ...words] = args;
      if (!user) return usage('/msg user [text]');
      return words.length ? { kind: 'say', to: `@${user.replace(/^@/, '')}`, text: rest.slice(user.length).trim() } : { kind: 'chat', user: user.replace(/^@/, '') };
    }
    case 'sticker':
      if (!args[0]) return usage('/sticker name');
      return isSticker(args[0]) ? { kind: 'sticker', name: args[0] } : { kind: 'error', message: `no sticker "${args[0]}"; try: ${STICKER_NAMES.join(' ')}` };
    case 'who':
      return { kind: 'who' };
    case 'help':
      return { kind: 'help' };
    case 'quit':
    case 'exit':
      return { kind: 'quit' };
    case 'file':
      return rest ? { kind: 'file', path: rest.replace(/^~(?=\/)/, process.env.HOME ?? '~') } : usage('/file path');
    case 'open': {
      const back = args[0] === undefined ? 1 : Number(args[0]);
      return Number.isInteger(back) && back >= 1 ? { kind: 'open', back } : usage('/open [n]');
    }
    case 'mute': {
      const [user, second, ...more] = args;
      if (!user) return usage('/mute user [minutes] [reason]');
      const minutes = second !== undefined && /^\d+(\.\d+)?$/.test(second) ? Number(second) : undefined;
      const reason = (minutes === undefined ? [second, ...more] : more).filter(Boolean).join(' ') || undefined;
      return { kind: 'admin', op: 'mute', user, minutes, reason };
    }
    case 'kick':
    case 'ban': {
      const [user, ...why] = args;
      return user ? { kind: 'admin', op: cmd.toLowerCase() as 'kick' | 'ban', user, reason: why.join(' ') || undefined } : usage(`/${cmd} user [reason]`);
    }
    case 'unmute':
    case 'unban':
      return args[0] ? { kind: 'admin', op: cmd.toLowerCase() as 'unmute' | 'unban', user: args[0] } : usage(`/${cmd} user`);
    case 'notice':
      return rest ? { kind: 'notice', text: rest } : usage('/notice text');
    case 'rooms':
      if (args[0] === undefined) return { kind: 'rooms', more: false };
      return args[0].toLowerCase() === 'more' ? { kind: 'rooms', more: true } : usage('/rooms [more]');
    case 'members':
      return { kind: 'members' };
    case 'join':
      return args[0] ? { kind: 'join', room: asRoom(args[0]) } : usage('/join #room');
    case 'leave':
    case 'part':
      return { kind: 'leave', room: args[0] ? asRoom(args[0]) : undefined };
    case 'create':
    case 'create-private': {
      const [room] = args;
      if (!room) return usage(`/${cmd} #room [topic]`);
      const topic = rest.slice(room.length).trim() || undefined;
      return { kind: 'create', room: asRoom(room), topic, private: cmd.toLowerCase() === 'create-private' };
    }
    case 'invite':
    case 'remove':
    case 'owner':
      return args[0] ? { kind: 'room', op: cmd.toLowerCase() as 'invite' | 'remove' | 'owner', user: args[0].replace(/^@/, '') } : usage(`/${cmd} user`);
    case 'topic':
      return { kind: 'topic', text: rest };
    case 'edit':
      return rest ? { kind: 'edit', text: rest } : usage('/edit text');
    case 'delete': {
      const back = args[0] === undefined ? 0 : Number(args[0]);
      return Number.isInteger(back) && back >= 0 ? { kind: 'delete', back } : usage('/delete [n]');
    }
    case 'react': {
      const [n, emoji] = args;
      const back = Number(n);
      if (!Number.isInteger(back) || back < 1 || !emoji) return usage('/react n emoji');
      const name = emoji.replace(/^:(.*):$/, '$1');
      return { kind: 'react', back, emoji: isSticker(name) ? STICKERS[name] : emoji };
    }
    default:
      return { kind: 'error', message: `unknown command /${cmd}; /help lists them` };
  }
}

/** "dev" and "#dev" both name the room #dev. */
function asRoom(name: string): string {
  return name.startsWith('#') ? name : `#${name}`;
}

function usage(form: string): Typed {
  return { kind: 'error', message: `usage: ${form}` };
}

import { BanterError, nthLastMessage, type ChatSession } from '../client/index.js';
import { LOBBY, type ChatMessage } from '../protocol/index.js';
import type { ChatStore } from './chat-store.js';
import { HELP, parseTyped, type Typed } from './commands.js';
import { fold } from './completion.js';
import { untilText } from './format.js';

/** Rooms `/rooms` shows at once: about a screenful. */
const ROOMS_PAGE = 20;

export interface ExecutorOptions {
  /** The HTTP base for files, when the server offers them (read when a file command runs). */
  httpBase: () => string | undefined;
  /** Where /open saves files. */
  downloads?: string;
  /** /quit: the session is closed, the program ends. */
  quit: () => void;
}

/**
 * Does what a line typed in the chat screen asks (commands.ts reads it): sends, runs a command
 * against the server, and puts the outcome in the store, a refusal included. One interpreter for
 * every /command; it never throws.
 */
export class CommandExecutor {
  /** Where `/rooms more` goes on from: the `next` of the last page shown. */
  private roomsNext: string | undefined;

  constructor(
    private readonly store: ChatStore,
    private readonly options: ExecutorOptions,
  ) {}

  private get session(): ChatSession {
    return this.store.session;
  }

  /** Runs a typed line; resolves when its outcome is in the store. */
  submit(line: string): Promise<void> {
    const typed = parseTyped(line);
    return typed ? this.run(typed) : Promise.resolve();
  }

  async run(typed: Typed): Promise<void> {
    try {
      await this.execute(typed);
    } catch (err) {
      this.store.say(refusal(err), 'warn');
    }
  }

  private async execute(typed: Typed): Promise<void> {
    const { store, session } = this;
    const conv = store.getSnapshot().current;
    switch (typed.kind) {
      case 'say':
      case 'sticker': {
        const to = typed.to ?? conv;
        if (to !== conv) store.open(to);
        await session.send(to, typed.kind === 'say' ? { text: typed.text } : { sticker: typed.name });
        return;
      }
      case 'chat': {
        // Anyone registered, online or not: the server's spelling of the name opens the chat.
        const user = await this.findUser(typed.user);
        return user ? store.open(`@${user}`) : store.say(`No user named ${typed.user}.`, 'warn');
      }
      case 'who': {
        const { online } = store.getSnapshot();
        return store.say(`Online (${online.length}): ${online.map((u) => (u.role === 'admin' ? `${u.user} (admin)` : u.user)).join(', ')}`);
      }
      case 'help':
        return HELP.forEach((h) => store.say(h));
      case 'quit':
        session.close();
        return this.options.quit();
      case 'error':
        return store.say(typed.message, 'warn');
      case 'file':
        return this.sendFile(typed.path);
      case 'open':
        return this.openFile(typed.back);
      case 'notice':
        await session.request('notice', { text: typed.text });
        return;
      case 'admin':
        if (typed.op === 'mute') await session.request('mute', { user: typed.user, minutes: typed.minutes, reason: typed.reason });
        else if (typed.op === 'kick' || typed.op === 'ban') await session.request(typed.op, { user: typed.user, reason: typed.reason });
        else await session.request(typed.op, { user: typed.user });
        return;
      case 'rooms':
        return this.listRooms(typed.more);
      case 'members': {
        const room = this.openRoom();
        if (!room) return;
        const { members } = await session.request('members', { room });
        return store.say(`${room} (${members.length}): ${members.map((m) => `${m.user}${m.owner ? ' (owner)' : ''}${m.online ? ' ●' : ''}${m.muted_until !== null ? ' (muted)' : ''}`).join(', ')}`);
      }
      case 'join': {
        const info = await session.join(typed.room);
        store.open(info.room);
        return store.say(`You joined ${info.room}${info.topic ? ` — ${info.topic}` : ''}`);
      }
      case 'leave': {
        const room = typed.room ?? this.openRoom();
        if (!room) return;
        await session.leave(room);
        if (conv.toLowerCase() === room.toLowerCase()) store.open(LOBBY);
        return store.say(`You left ${room}.`);
      }
      case 'create': {
        const info = await session.createRoom(typed.room, { topic: typed.topic, private: typed.private });
        store.open(info.room);
        return store.say(`You created ${info.room}${info.private ? ' (private: /invite user)' : ''}`);
      }
      case 'room': {
        const room = this.openRoom();
        if (room) await session.request(typed.op, { room, user: typed.user });
        return;
      }
      case 'topic': {
        const room = this.openRoom();
        if (room) await session.request('topic', { room, topic: typed.text });
        return;
      }
      case 'edit':
      case 'delete':
      case 'react':
        return this.change(typed, conv);
    }
  }

  /** The open room, for commands about one; null (and a hint) in the lobby or a private chat. */
  private openRoom(): string | null {
    const conv = this.store.getSnapshot().current;
    if (conv.startsWith('#') && conv !== LOBBY) return conv;
    this.store.say('Open a room first (/join #room), or name one.', 'warn');
    return null;
  }

  /** A registered user's name as the server spells it, if there is one by that name (not banned). */
  private async findUser(name: string): Promise<string | undefined> {
    // Keys sort bytewise, so a name that is exactly the prefix comes first.
    const { users } = await this.session.request('users', { prefix: name, limit: 1 });
    return users.find((u) => fold(u.user) === fold(name))?.user;
  }

  private async listRooms(more: boolean): Promise<void> {
    const { store } = this;
    if (more && this.roomsNext === undefined) return store.say('No more rooms: /rooms lists them from the start.');
    const after = more ? this.roomsNext : undefined;
    const page = await this.session.request('rooms', after === undefined ? { limit: ROOMS_PAGE } : { limit: ROOMS_PAGE, after });
    this.roomsNext = page.next;
    if (page.rooms.length === 0 && !more) return store.say('No rooms yet: /create #name [topic] makes one.');
    for (const r of page.rooms) store.say(`${r.joined ? '*' : ' '} ${r.room} (${r.members})${r.private ? ' private' : ''} — ${r.topic || 'no topic'} · owner ${r.owner}`);
    if (page.next !== undefined) store.say('more… /rooms more shows the next page');
  }

  /** /edit (my last text), /delete (my last, or the n-th last) and /react (the n-th last). */
  private async change(typed: Extract<Typed, { kind: 'edit' | 'delete' | 'react' }>, conv: string): Promise<void> {
    const items = this.store.itemsOf(conv);
    const mine = (m: ChatMessage) => m.from === this.session.user && !m.deleted;
    const target =
      typed.kind === 'edit'
        ? nthLastMessage(items, 1, (m) => mine(m) && m.text !== undefined)
        : typed.kind === 'delete' && typed.back === 0
          ? nthLastMessage(items, 1, mine)
          : nthLastMessage(items, typed.back, (m) => !m.deleted);
    if (!target) return this.store.say(typed.kind === 'edit' ? 'No message of yours to edit here.' : 'No such message here.', 'warn');
    if (typed.kind === 'edit') await this.session.edit(conv, target.seq, typed.text);
    else if (typed.kind === 'delete') await this.session.deleteMessage(conv, target.seq);
    else await this.session.react(conv, target.seq, typed.emoji);
  }

  private async sendFile(path: string): Promise<void> {
    const { store, session } = this;
    const httpBase = this.options.httpBase();
    const token = session.sessionToken;
    if (!httpBase || !token) return store.say('This server does not offer file transfer.', 'warn');
    const to = store.getSnapshot().current;
    const label = `Uploading ${path.split('/').pop()}`;
    store.setTransfer({ label, done: 0 });
    try {
      const { uploadPath } = await import('../client/node/files.js');
      const file = await uploadPath(path, { httpBase, token, onProgress: (done, total) => store.setTransfer({ label, done, total }) });
      await session.send(to, { file: { id: file.id } });
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code;
      store.say(code === 'ENOENT' ? `No file at ${path}` : code === 'EISDIR' ? `${path} is a folder` : refusal(err), 'warn');
    } finally {
      store.setTransfer(undefined);
    }
  }

  private async openFile(back: number): Promise<void> {
    const { store, session } = this;
    const files = store.itemsOf().flatMap((it) => (it.kind === 'msg' && it.m.file ? [it.m.file] : []));
    const file = files[files.length - back];
    if (!file) return store.say(files.length ? `This conversation has only ${files.length} file(s).` : 'No file in this conversation yet.', 'warn');
    const httpBase = this.options.httpBase();
    const token = session.sessionToken;
    if (!httpBase || !token) return store.say('This server does not offer file transfer.', 'warn');
    const label = `Downloading ${file.name}`;
    store.setTransfer({ label, done: 0 });
    try {
      const [{ downloadTo }, { homedir }, { join }] = await Promise.all([import('../client/node/files.js'), import('node:os'), import('node:path')]);
      const folder = this.options.downloads ?? join(homedir(), 'Downloads', 'banter');
      const saved = await downloadTo(file.id, folder, { httpBase, token, onProgress: (done, total) => store.setTransfer({ label, done, total }) });
      store.say(`Saved ${saved}`);
    } catch (err) {
      store.say(`Download failed: ${(err as Error).message}`, 'warn');
    } finally {
      store.setTransfer(undefined);
    }
  }
}

/** What the user reads when the server refuses (or the request fails). */
export function refusal(err: unknown): string {
  if (err instanceof BanterError) {
    if (err.code === 'MUTED') return `Not sent: you are muted ${err.until !== undefined ? untilText(err.until) : ''}.`;
    if (err.code === 'RATE_LIMITED') return `Not sent: slow down (try again in ${err.retryAfter ?? 1} s).`;
    return `Not sent: ${err.message}`;
  }
  return `Failed: ${(err as Error).message}`;
}

import { mergeItems, messageItem, oldestSeq, systemItem, updateItem, type ChatSession, type ConnectionState, type Item, type Tone } from '../client/index.js';
import { LOBBY, type MutedUntil, type OnlineUser, type RoomInfo } from '../protocol/index.js';
import { clock, printable, untilText } from './format.js';

/** A file going up or down, for the status line. */
export interface Transfer {
  label: string;
  done: number;
  total?: number;
}

/** The list of conversations beside the chat (the lobby, my rooms, who is online). */
export interface Pane {
  open: boolean;
  /** The arrow keys move in the list instead of the input line having the keys. */
  focus: boolean;
  index: number;
}

export interface ChatSnapshot {
  user: string;
  connection: ConnectionState;
  online: readonly OnlineUser[];
  rooms: readonly RoomInfo[];
  mutedUntil: MutedUntil;
  /** The open conversation. */
  current: string;
  items: Readonly<Record<string, readonly Item[]>>;
  unread: Readonly<Record<string, number>>;
  /** Who is typing, per conversation. */
  typing: Readonly<Record<string, readonly string[]>>;
  /** Rows scrolled back from the newest (0: the newest row is at the bottom). */
  scroll: number;
  pane: Pane;
  transfer: Transfer | undefined;
  /** Why the session ended (kicked, banned, closed by the server); the screen then only leaves. */
  ended: string | undefined;
}

/** The first page of a conversation, and each older page. */
const PAGE = 50;
const TYPING_MS = 4_000;
/** Typing is told to the others at most this often. */
const TYPING_EVERY_MS = 3_000;
/** What is shown is read: the server hears it at most this often. */
const READ_EVERY_MS = 1_000;

/**
 * The terminal client's state of one logged-in session, as immutable snapshots for Ink
 * (useSyncExternalStore), and what the user can do to it. Conversations are the SDK's timeline
 * model; this adds what the screen needs: history pages, system rows, typing hints, unread
 * counts, scrolling and the conversation list. No Ink here, so it is tested without a terminal.
 */
export class ChatStore {
  private snap: ChatSnapshot;
  private readonly listeners = new Set<() => void>();
  private readonly offs: (() => void)[] = [];
  private readonly loaded = new Set<string>();
  private readonly typingUntil = new Map<string, Map<string, number>>();
  private readonly typingTimer: ReturnType<typeof setInterval>;
  private readTimer: ReturnType<typeof setTimeout> | undefined;
  private lastTyping = 0;
  private notifying = false;

  constructor(readonly session: ChatSession) {
    this.snap = {
      user: session.user ?? '',
      connection: session.state,
      online: session.onlineUsers,
      rooms: session.rooms,
      mutedUntil: session.mutedUntil,
      current: LOBBY,
      items: {},
      unread: {},
      typing: {},
      scroll: 0,
      pane: { open: true, focus: false, index: 0 },
      transfer: undefined,
      ended: undefined,
    };
    const room = (r: string, text: string) => this.addSystem(r, text, 'info');
    this.offs.push(
      session.on('message', (m) => {
        this.setItems(m.conv, mergeItems(this.itemsOf(m.conv), [messageItem(m)]));
        if (m.conv === this.snap.current) this.readSoon(m.conv);
      }),
      session.on('update', (u) => {
        if (this.snap.items[u.conv]) this.setItems(u.conv, updateItem(this.itemsOf(u.conv), u));
      }),
      session.on('rooms', (rooms) => this.patch({ rooms })),
      session.on('joined', (j) => room(j.room, j.by ? `${j.user} was invited by ${j.by}` : `${j.user} joined`)),
      session.on('left', (l) => room(l.room, l.by ? `${l.user} was removed by ${l.by}` : `${l.user} left`)),
      session.on('members', (m) => {
        const names = [...m.joined.map((u) => `+${u}`), ...m.left.map((u) => `-${u}`)].join(' ');
        room(m.room, `${names}${m.more > 0 ? ` and ${m.more} more` : ''}; ${m.count} members`);
      }),
      session.on('topic', (t) => room(t.room, `${t.by} set the topic: ${t.topic}`)),
      session.on('owner', (o) => room(o.room, `${o.owner} owns ${o.room} now (from ${o.by})`)),
      session.on('room_muted', (m) => room(m.room, m.until === null ? `${m.user} may speak again here` : `${m.user} is muted here ${m.until === 'forever' ? 'until unmuted' : `until ${clock(m.until)}`}`)),
      session.on('conversations', (cs) => this.patch({ unread: Object.fromEntries(cs.map((c) => [c.conv, c.unread])) })),
      session.on('state', (connection) => {
        this.patch(connection === 'online' ? { connection, online: session.onlineUsers } : { connection });
        // What could not be fetched offline is fetched now; what is open is read.
        if (connection === 'online') this.showCurrent();
      }),
      session.on('presence', () => this.patch({ online: session.onlineUsers })),
      session.on('notice', (n) => {
        const text = n.from ? `${n.from}: ${n.text}` : n.text;
        this.addSystem(LOBBY, text, 'notice');
        if (this.snap.current !== LOBBY) this.addSystem(this.snap.current, text, 'notice');
      }),
      session.on('muted', (m) => {
        this.patch({ mutedUntil: m.until });
        this.say(`You are muted ${untilText(m.until)}${m.reason ? `: ${m.reason}` : ''}.`, 'warn');
      }),
      session.on('unmuted', () => {
        this.patch({ mutedUntil: null });
        this.say('You can speak again.', 'notice');
      }),
      session.on('typing', (t) => this.onTyping(t.conv, t.user)),
      session.on('ended', (e) => {
        const why = printable(e.reason, ' ');
        this.patch({ ended: e.code === 'kicked' ? `You were kicked: ${why}` : e.code === 'banned' ? `You are banned: ${why}` : `Session ended: ${why}` });
      }),
    );
    this.typingTimer = setInterval(() => this.expireTyping(), 1_000);
    this.showCurrent();
  }

  subscribe = (listener: () => void): (() => void) => {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  };

  getSnapshot = (): ChatSnapshot => this.snap;

  dispose(): void {
    for (const off of this.offs.splice(0)) off();
    clearInterval(this.typingTimer);
    clearTimeout(this.readTimer);
  }

  /** The rows of a conversation (of the open one when none is named). */
  itemsOf(conv = this.snap.current): readonly Item[] {
    return this.snap.items[conv] ?? [];
  }

  /** The entries of the conversation list: the lobby, my rooms, then everyone else online. */
  paneEntries(): string[] {
    const { rooms, online, user } = this.snap;
    return [LOBBY, ...rooms.map((r) => r.room), ...online.filter((u) => u.user !== user).map((u) => `@${u.user}`)];
  }

  // ---- what the user does ----

  /** Opens a conversation at its newest row: fetches its newest page the first time, and reads it. */
  open(conv: string): void {
    this.patch({ current: conv, scroll: 0 });
    this.showCurrent();
  }

  /** A line from the client in the open conversation. */
  say(text: string, tone: Tone = 'info'): void {
    this.addSystem(this.snap.current, text, tone);
  }

  addSystem(conv: string, text: string, tone: Tone): void {
    const items = this.itemsOf(conv);
    this.setItems(conv, mergeItems(items, [systemItem(items, text, tone)]));
  }

  /** What is in the input line changed: the others hear that the user types (not for commands). */
  inputChanged(value: string): void {
    if (!value || value.startsWith('/') || Date.now() - this.lastTyping <= TYPING_EVERY_MS) return;
    this.lastTyping = Date.now();
    this.session.typing(this.snap.current);
  }

  setTransfer(transfer: Transfer | undefined): void {
    this.patch({ transfer });
  }

  /** PgUp: a screen back (`rows` are shown), fetching older messages when the top is reached. */
  scrollUp(rows: number): void {
    const length = this.itemsOf().length;
    const { scroll } = this.snap;
    const next = Math.min(scroll + rows - 1, Math.max(0, length - rows));
    if (next === scroll || next >= length - rows) void this.loadOlder();
    this.patch({ scroll: next });
  }

  /** PgDn: a screen towards the newest. */
  scrollDown(rows: number): void {
    this.patch({ scroll: Math.max(0, this.snap.scroll - (rows - 1)) });
  }

  scrollToNewest(): void {
    if (this.snap.scroll !== 0) this.patch({ scroll: 0 });
  }

  /** Tab: the list takes the arrow keys (opening it if hidden), or gives them back, starting at the open conversation. */
  togglePaneFocus(): void {
    const { pane, current } = this.snap;
    this.patch({ pane: { open: true, focus: pane.open ? !pane.focus : true, index: Math.max(0, this.paneEntries().indexOf(current)) } });
  }

  /** Ctrl-P: hides or shows the list. */
  togglePane(): void {
    const { pane } = this.snap;
    this.patch({ pane: { ...pane, open: !pane.open, focus: false } });
  }

  blurPane(): void {
    this.patch({ pane: { ...this.snap.pane, focus: false } });
  }

  movePane(by: number): void {
    const { pane } = this.snap;
    this.patch({ pane: { ...pane, index: Math.max(0, Math.min(this.paneEntries().length - 1, pane.index + by)) } });
  }

  /** Enter in the list: opens the conversation chosen and gives the keys back to the input line. */
  choosePane(): void {
    const { pane } = this.snap;
    this.patch({ pane: { ...pane, focus: false } });
    this.open(this.paneEntries()[pane.index] ?? LOBBY);
  }

  /** Fetches the page before the oldest message shown (the newest page when none is). */
  async loadOlder(): Promise<void> {
    const conv = this.snap.current;
    const before = oldestSeq(this.itemsOf(conv));
    if (before === 1) return;
    try {
      const older = await this.session.olderThan(conv, before, PAGE);
      this.setItems(conv, mergeItems(this.itemsOf(conv), older.map(messageItem)));
    } catch {
      // offline: tried again on the next PgUp
    }
  }

  // ---- plumbing ----

  /** The open conversation is read, and its newest page fetched once (when online). */
  private showCurrent(): void {
    const conv = this.snap.current;
    this.session.markRead(conv);
    if (this.loaded.has(conv) || this.snap.connection !== 'online') return;
    this.loaded.add(conv);
    this.session.olderThan(conv, undefined, PAGE).then(
      (page) => this.setItems(conv, mergeItems(this.itemsOf(conv), page.map(messageItem))),
      (err: unknown) => this.say(`Could not load history: ${(err as Error).message}`, 'warn'),
    );
  }

  private readSoon(conv: string): void {
    if (this.readTimer) return;
    this.readTimer = setTimeout(() => {
      this.readTimer = undefined;
      this.session.markRead(conv);
    }, READ_EVERY_MS);
  }

  private onTyping(conv: string, user: string): void {
    let users = this.typingUntil.get(conv);
    if (!users) this.typingUntil.set(conv, (users = new Map()));
    const fresh = !users.has(user);
    users.set(user, Date.now() + TYPING_MS);
    if (fresh) this.patch({ typing: { ...this.snap.typing, [conv]: [...users.keys()] } });
  }

  private expireTyping(): void {
    const now = Date.now();
    for (const [conv, users] of this.typingUntil) {
      let changed = false;
      for (const [user, until] of users) {
        if (until > now) continue;
        users.delete(user);
        changed = true;
      }
      if (changed) this.patch({ typing: { ...this.snap.typing, [conv]: [...users.keys()] } });
    }
  }

  private setItems(conv: string, items: readonly Item[]): void {
    if (items === this.snap.items[conv]) return;
    this.patch({ items: { ...this.snap.items, [conv]: items } });
  }

  /** The snapshot changes at once; listeners hear of it once per turn (a catch-up of hundreds of messages is one render). */
  private patch(p: Partial<ChatSnapshot>): void {
    this.snap = { ...this.snap, ...p };
    if (this.notifying) return;
    this.notifying = true;
    queueMicrotask(() => {
      this.notifying = false;
      for (const l of this.listeners) l();
    });
  }
}

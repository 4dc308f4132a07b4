import { BanterError } from '../../../src/client/errors.js';
import type { ChatSession, ConnectionState, Content } from '../../../src/client/session.js';
import { LOBBY, MAX_HISTORY_LIMIT } from '../../../src/protocol/limits.js';
import type { ChatMessage, MutedUntil, OnlineUser, Role, RoomInfo } from '../../../src/protocol/messages.js';
import { FileLinks } from '../files/file-links.js';
import { roomEventText } from '../rooms/room-events.js';
import { serverUrls } from './connection.js';
import { summaryFromInfo, summaryWithMessage, type ConvSummary } from './conv-list.js';
import { mergeItems, messageItem, oldestSeq, pendingItem, removeItem, systemItem, updateItem, type Item } from '../../../src/client/timeline.js';
import { errorText } from './error-text.js';

export interface ConvState {
  conv: string;
  items: readonly Item[];
  /** The first page has been fetched (or is on its way). */
  loaded: boolean;
  loadingOlder: boolean;
  /** Older messages remain on the server. */
  hasOlder: boolean;
  /** Who is typing here now. */
  typing: readonly string[];
  /** The first unread seq when the conversation was opened (a "new messages" divider goes there). */
  unreadFrom?: number;
}

export interface Toast {
  id: number;
  text: string;
  kind: 'info' | 'error';
}

/** A refusal of something the user did, shown next to the composer of its conversation. */
export interface Refusal {
  conv: string;
  code: string;
  message: string;
  until?: MutedUntil;
}

export interface ChatSnapshot {
  user: string;
  role: Role;
  connection: ConnectionState;
  mutedUntil: MutedUntil;
  /** Why, as the `muted` event said (a mute known from the login has none). */
  muteReason?: string | undefined;
  online: readonly OnlineUser[];
  /** The rooms the user is in (not #lobby). */
  rooms: readonly RoomInfo[];
  current: string;
  convs: Readonly<Record<string, ConvState>>;
  unread: Readonly<Record<string, number>>;
  /** Every conversation the user has (server's `convs`, then live), with its newest message: the side list. */
  summaries: Readonly<Record<string, ConvSummary>>;
  toasts: readonly Toast[];
  refusal: Refusal | undefined;
  ended: { code: string; reason: string } | undefined;
}

export type Translate = (key: string, vars?: Record<string, unknown>) => string;

/** The first page of a conversation; older pages, fetched while scrolling back, are the largest the server gives. */
const PAGE = 50;
const OLDER_PAGE = MAX_HISTORY_LIMIT;
const TYPING_MS = 4_000;
/** Previews fetched at sign-in (one message each), a few at a time: the list's first screens. */
const PREVIEWS_MAX = 60;
const PREVIEWS_PARALLEL = 4;

/**
 * The web client's state of one logged-in session, as immutable snapshots for React
 * (useSyncExternalStore). The SDK's ChatSession delivers every message once and in order across
 * reconnects; this adds what the screen needs: pages of history, rows still being sent, system
 * rows, typing hints, refusals and toasts.
 */
export class ChatStore {
  private snap: ChatSnapshot;
  private readonly listeners = new Set<() => void>();
  private readonly convs = new Map<string, ConvState>();
  private readonly typingUntil = new Map<string, Map<string, number>>();
  private toastId = 0;
  private scheduled = false;
  private readonly offs: (() => void)[] = [];
  private typingTimer: ReturnType<typeof setInterval> | undefined;
  /** When this user last said they were typing (reset by a send: what comes next is news). */
  private lastTyping = 0;
  private atBottom = true;
  /** The server's own notice of this user's mute follows the `muted` event: the composer already says it. */
  private muteNoticeUntil = 0;
  /** Signed links to the files on screen (file_url), for <img src>, players and downloads. */
  readonly fileLinks: FileLinks;

  constructor(
    readonly session: ChatSession,
    private readonly t: Translate,
  ) {
    this.snap = {
      user: session.user ?? '',
      role: session.role ?? 'user',
      connection: session.state,
      mutedUntil: session.mutedUntil,
      online: session.onlineUsers,
      rooms: session.rooms,
      current: LOBBY,
      convs: {},
      // Counted by the session's catch-up before this store existed: shown at once (issue 17, item 2).
      unread: this.unreadCounts(),
      summaries: {},
      toasts: [],
      refusal: undefined,
      ended: undefined,
    };
    this.fileLinks = new FileLinks((file) => session.request('file_url', { file }), () => serverUrls().http);
    this.conv(LOBBY);
    this.offs.push(
      session.on('message', (m) => this.onMessage(m)),
      session.on('state', (connection) => {
        this.patch({ connection, online: session.onlineUsers });
        if (connection === 'online') void this.loadSummaries(); // what moved while away
      }),
      session.on('presence', () => this.patch({ online: session.onlineUsers })),
      session.on('conversations', () => this.patch({ unread: this.unreadCounts() })),
      session.on('typing', ({ conv, user }) => this.onTyping(conv, user)),
      session.on('notice', (n) => {
        if (!n.from && Date.now() < this.muteNoticeUntil && n.text.includes(this.snap.user)) return;
        this.addSystem(LOBBY, n.from ? this.t('notice.from', { from: n.from, text: n.text }) : n.text, 'notice', n.ts, n.from);
        if (this.snap.current !== LOBBY) this.toast(n.text);
      }),
      session.on('muted', ({ until, reason }) => {
        // Said once, by the disabled composer (with the reason), not again as rows and notices.
        this.muteNoticeUntil = Date.now() + 3_000;
        this.patch({ mutedUntil: until, muteReason: reason });
      }),
      session.on('unmuted', () => {
        this.addSystem(this.snap.current, this.t('moderation.unmuted'), 'notice');
        this.patch({ mutedUntil: null, muteReason: undefined, refusal: this.snap.refusal?.code === 'MUTED' ? undefined : this.snap.refusal });
      }),
      session.on('ended', (e) => this.patch({ ended: e })),
      session.on('update', (u) => {
        this.setConv(u.conv, { items: updateItem(this.conv(u.conv).items, u) });
        const had = this.snap.summaries[u.conv];
        if (had?.last?.seq === u.seq) this.setSummary(summaryWithMessage(had, u));
      }),
      session.on('rooms', (rooms) => this.onRooms(rooms)),
      session.on('joined', (e) => this.roomEvent(e.room, roomEventText(this.t, 'joined', e, this.snap.user))),
      session.on('left', (e) => this.roomEvent(e.room, roomEventText(this.t, 'left', e, this.snap.user))),
      session.on('topic', (e) => this.roomEvent(e.room, roomEventText(this.t, 'topic', e, this.snap.user))),
      session.on('owner', (e) => this.roomEvent(e.room, roomEventText(this.t, 'owner', e, this.snap.user))),
      session.on('room_muted', (e) => this.roomEvent(e.room, roomEventText(this.t, 'room_muted', e, this.snap.user))),
    );
    this.typingTimer = setInterval(() => this.expireTyping(), 1_000);
    void this.loadSummaries();
  }

  subscribe = (listener: () => void): (() => void) => {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  };

  getSnapshot = (): ChatSnapshot => this.snap;

  dispose(): void {
    for (const off of this.offs.splice(0)) off();
    clearInterval(this.typingTimer);
  }

  // ---- what the user does ----

  /** Opens a conversation: fetches its newest page the first time, and clears its unread count. */
  open(conv: string): void {
    this.patch({ current: conv, refusal: undefined });
    this.atBottom = true; // a conversation opens at its newest message
    const known = this.session.conversations.find((c) => c.conv === conv);
    const { unreadFrom: _old, ...rest } = this.conv(conv);
    this.convs.set(conv, known && known.unread > 0 ? { ...rest, unreadFrom: known.readSeq + 1 } : rest);
    this.markRead();
    const c = this.conv(conv);
    if (!c.loaded) void this.loadFirst(conv);
  }

  /**
   * Tells the server the open conversation is read up to its newest message, when the reader can
   * see it: the tab is visible and the list is scrolled to the bottom.
   */
  markRead(): void {
    if (!this.atBottom || (typeof document !== 'undefined' && document.visibilityState !== 'visible')) return;
    this.session.markRead(this.snap.current);
  }

  /** Whether the open conversation is scrolled to its newest message (the list reports it). */
  setAtBottom(atBottom: boolean): void {
    if (atBottom === this.atBottom) return;
    this.atBottom = atBottom;
    if (atBottom) this.markRead();
  }

  async loadOlder(conv: string): Promise<void> {
    const c = this.conv(conv);
    if (c.loadingOlder || !c.hasOlder || !c.loaded) return;
    const before = oldestSeq(c.items);
    if (before === undefined || before <= 1) return this.setConv(conv, { hasOlder: false });
    this.setConv(conv, { loadingOlder: true });
    try {
      const older = await this.session.olderThan(conv, before, OLDER_PAGE);
      const now = this.conv(conv);
      this.setConv(conv, { items: mergeItems(now.items, older.map(messageItem)), loadingOlder: false, hasOlder: (older[0]?.seq ?? 1) > 1 });
    } catch {
      this.setConv(conv, { loadingOlder: false }); // offline: tried again on the next scroll
    }
  }

  /** Sends to the open conversation; the row shows at once and is replaced by the stored message. */
  async send(content: Content, to = this.snap.current, fileName?: string): Promise<void> {
    const pending = pendingItem(this.snap.user, content, fileName);
    this.lastTyping = 0; // what is typed next is news again
    this.setConv(to, { items: mergeItems(this.conv(to).items, [pending]) });
    if (this.snap.refusal?.conv === to) this.patch({ refusal: undefined });
    try {
      await this.session.send(to, content);
    } catch (err) {
      this.refuse(to, err);
      throw err;
    } finally {
      this.setConv(to, { items: removeItem(this.conv(to).items, pending.id) });
    }
  }

  /** Tells the others in the open conversation that the user is typing (at most every 2.5 s). */
  typing(): void {
    const now = Date.now();
    if (now - this.lastTyping < 2_500 || this.snap.connection !== 'online') return;
    this.lastTyping = now;
    this.session.typing(this.snap.current);
  }

  refuse(conv: string, err: unknown): void {
    const code = err instanceof BanterError ? err.code : 'ERROR';
    let message = errorText(this.t, err);
    if (err instanceof BanterError && err.code === 'MUTED') message = this.mutedText(err.until ?? 'forever');
    else if (err instanceof BanterError && err.code === 'RATE_LIMITED') message = this.t('refusal.rate', { seconds: err.retryAfter ?? 1 });
    this.patch({ refusal: { conv, code, message, ...(err instanceof BanterError && err.until !== undefined ? { until: err.until } : {}) } });
  }

  clearRefusal(): void {
    if (this.snap.refusal) this.patch({ refusal: undefined });
  }

  toast(text: string, kind: Toast['kind'] = 'info'): void {
    const toast = { id: ++this.toastId, text, kind };
    this.patch({ toasts: [...this.snap.toasts, toast].slice(-4) });
    setTimeout(() => this.patch({ toasts: this.snap.toasts.filter((x) => x.id !== toast.id) }), kind === 'error' ? 6_000 : 4_000);
  }

  // ---- what the server says ----

  private onMessage(m: ChatMessage): void {
    const c = this.conv(m.conv);
    this.setConv(m.conv, { items: mergeItems(c.items, [messageItem(m)]), typing: c.typing.filter((u) => u !== m.from) });
    this.typingUntil.get(m.conv)?.delete(m.from);
    this.setSummary(summaryWithMessage(this.snap.summaries[m.conv], m));
    if (m.conv === this.snap.current) this.markRead();
  }

  private onRooms(rooms: RoomInfo[]): void {
    const left = !this.snap.current.startsWith('#') || this.snap.current === LOBBY ? false : !rooms.some((r) => r.room.toLowerCase() === this.snap.current.toLowerCase());
    this.patch({ rooms });
    // Left (or removed from) the open room: back to the lobby.
    if (left && this.snap.connection === 'online') this.open(LOBBY);
  }

  private roomEvent(room: string, text: string | undefined): void {
    if (text && this.convs.has(room)) this.addSystem(room, text, 'notice');
  }

  private onTyping(conv: string, user: string): void {
    let users = this.typingUntil.get(conv);
    if (!users) this.typingUntil.set(conv, (users = new Map()));
    users.set(user, Date.now() + TYPING_MS);
    const c = this.conv(conv);
    if (!c.typing.includes(user)) this.setConv(conv, { typing: [...c.typing, user] });
  }

  private expireTyping(): void {
    const now = Date.now();
    for (const [conv, users] of this.typingUntil) {
      let changed = false;
      for (const [u, until] of users) {
        if (until > now) continue;
        users.delete(u);
        changed = true;
      }
      if (changed) this.setConv(conv, { typing: [...users.keys()] });
    }
  }

  private async loadFirst(conv: string): Promise<void> {
    this.setConv(conv, { loaded: true });
    try {
      const page = await this.session.olderThan(conv, undefined, PAGE);
      this.setConv(conv, { items: mergeItems(this.conv(conv).items, page.map(messageItem)), hasOlder: (page[0]?.seq ?? 1) > 1 });
    } catch {
      this.setConv(conv, { loaded: false }); // not connected: fetched when it opens again or reconnects
      const off = this.session.on('state', (s) => {
        if (s !== 'online') return;
        off();
        if (!this.conv(conv).loaded) void this.loadFirst(conv);
      });
    }
  }

  private addSystem(conv: string, text: string, tone: 'notice' | 'warn', ts?: number, from?: string): void {
    const c = this.conv(conv);
    this.setConv(conv, { items: mergeItems(c.items, [systemItem(c.items, text, tone, ts, from)]) });
  }

  private mutedText(until: MutedUntil, reason?: string): string {
    const base = until === 'forever' || until === null ? this.t('moderation.mutedForever') : this.t('moderation.mutedUntil', { time: new Date(until).toLocaleString() });
    return reason ? `${base} (${reason})` : base;
  }

  /**
   * Every conversation the server lists (`convs`), and the newest message of each that has none
   * yet, for its preview: at sign-in and after each reconnect. Live messages keep it current.
   */
  private async loadSummaries(): Promise<void> {
    let infos;
    try {
      infos = (await this.session.request('convs', {})).convs;
    } catch {
      return; // offline: the reconnect loads them
    }
    const next = { ...this.snap.summaries };
    for (const info of infos) next[info.conv] = summaryFromInfo(info, next[info.conv]);
    this.patch({ summaries: next });
    const missing = infos.filter((i) => i.last_seq > 0 && next[i.conv]?.last === undefined).slice(0, PREVIEWS_MAX);
    const work = async () => {
      for (let info = missing.shift(); info; info = missing.shift()) {
        try {
          const [m] = await this.session.olderThan(info.conv, undefined, 1);
          if (m) this.setSummary(summaryWithMessage(this.snap.summaries[m.conv], m));
        } catch {
          return; // lost with the connection: fetched again after the reconnect
        }
      }
    };
    await Promise.all(Array.from({ length: PREVIEWS_PARALLEL }, work));
  }

  private setSummary(s: ConvSummary): void {
    if (this.snap.summaries[s.conv] !== s) this.patch({ summaries: { ...this.snap.summaries, [s.conv]: s } });
  }

  private unreadCounts(): Record<string, number> {
    const out: Record<string, number> = {};
    for (const c of this.session.conversations) if (c.unread > 0) out[c.conv] = c.unread;
    return out;
  }

  // ---- plumbing ----

  private conv(conv: string): ConvState {
    let c = this.convs.get(conv);
    if (!c) {
      c = { conv, items: [], loaded: false, loadingOlder: false, hasOlder: true, typing: [] };
      this.convs.set(conv, c);
      this.changed();
    }
    return c;
  }

  private setConv(conv: string, patch: Partial<ConvState>): void {
    const c = this.conv(conv);
    this.convs.set(conv, { ...c, ...patch });
    this.changed();
  }

  private patch(p: Partial<ChatSnapshot>): void {
    this.snap = { ...this.snap, ...p };
    this.changed();
  }

  /** Many changes in one turn (a catch-up of hundreds of messages) make one render. */
  private changed(): void {
    if (this.scheduled) return;
    this.scheduled = true;
    queueMicrotask(() => {
      this.scheduled = false;
      this.snap = { ...this.snap, convs: Object.fromEntries(this.convs), mutedUntil: this.session.mutedUntil };
      for (const l of this.listeners) l();
    });
  }
}

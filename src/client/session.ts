import type { ChatMessage, ConversationInfo, EventBodies, MutedUntil, OnlineUser, Op, ReplyResults, RequestBody, Role, RoomInfo } from '../protocol/index.js';
// limits.js, not index.js: the browser bundle then leaves out the server's request schemas (zod).
import { MAX_HISTORY_LIMIT } from '../protocol/limits.js';
import { backoffDelay } from './backoff.js';
import { BanterClient } from './client.js';
import { Emitter } from './emitter.js';
import { BanterError } from './errors.js';
import type { TransportFactory } from './transport.js';

export type ConnectionState = 'offline' | 'connecting' | 'online' | 'reconnecting' | 'closed';
export type Content = { text: string } | { sticker: string } | { file: { id: string } };
export type SendResult = ReplyResults['send'];

/** Early updates kept per conversation (the oldest go first): a message is rarely held longer than 1 s. */
const EARLY_UPDATES_MAX = 1000;

export interface Conversation {
  /** "#lobby", "#room" or "@name". */
  conv: string;
  /** The last seq handed to the application. */
  lastSeq: number;
  /** Unread messages (from others, after the server's read marker). */
  unread: number;
  /** The user's read marker, as the server keeps it for all their devices. */
  readSeq: number;
  /** The last update (edit, delete, reaction) handed to the application. */
  lastUseq: number;
}

/** An `update` event, or a change replayed from history after a reconnect (without `change`: only the state is known then). */
export type MessageUpdate = Omit<EventBodies['update'], 'change'> & { change?: EventBodies['update']['change'] };

export interface SessionEvents {
  /** Every message exactly once per conversation, in seq order, across reconnects. */
  message: ChatMessage;
  state: ConnectionState;
  presence: EventBodies['presence'];
  notice: EventBodies['notice'];
  muted: EventBodies['muted'];
  unmuted: EventBodies['unmuted'];
  typing: EventBodies['typing'];
  /** A message was edited, deleted or reacted to: its whole new state. Once per change, in useq order, across reconnects. */
  update: MessageUpdate;
  /** The user's read marker moved (on this device or another). */
  read: EventBodies['read'];
  /** The rooms the user is in changed (joined, left, topic, owner). */
  rooms: RoomInfo[];
  /** Room events, as the server sent them. */
  joined: EventBodies['joined'];
  left: EventBodies['left'];
  members: EventBodies['members'];
  topic: EventBodies['topic'];
  owner: EventBodies['owner'];
  room_muted: EventBodies['room_muted'];
  /** The server ended the session for good (kick, ban, logout elsewhere); no reconnect follows. */
  ended: { reason: string; code: 'kicked' | 'banned' | 'auth' | 'closed' };
  conversations: Conversation[];
}

export interface SessionOptions {
  connect: TransportFactory;
  /** Reconnect after a lost connection (default true). */
  reconnect?: boolean;
  backoffBaseMs?: number;
  backoffMaxMs?: number;
  requestTimeoutMs?: number;
  /** The name this client gives in `hello`. */
  clientName?: string;
}

interface OutboxEntry {
  to: string;
  content: Content;
  cid: string;
  resolve: (r: SendResult) => void;
  reject: (e: unknown) => void;
  inFlight: boolean;
}

/**
 * A logged-in user's view of the server, kept whole across reconnects: it logs in again with its
 * token, fetches what it missed with `history {after}` for every conversation, and retries unsent
 * messages with their cid so none is lost or stored twice.
 */
export class ChatSession extends Emitter<SessionEvents> {
  private client: BanterClient | undefined;
  private connState: ConnectionState = 'offline';
  private token: string | undefined;
  private me: { user: string; role: Role; mutedUntil: MutedUntil } | undefined;
  private readonly convs = new Map<string, Conversation>();
  /**
   * Updates of messages not handed to the application yet, by conversation and seq: across
   * nodes an update may arrive before its message (protocol §5.5), and an application cannot
   * apply it then. It follows the message instead. Bounded: see EARLY_UPDATES_MAX.
   */
  private readonly earlyUpdates = new Map<string, Map<number, MessageUpdate>>();
  private readonly users = new Map<string, OnlineUser>();
  private readonly outbox: OutboxEntry[] = [];
  private readonly joinedRooms = new Map<string, RoomInfo>();
  /** Live messages that arrive while history is being fetched wait here. */
  private held: ChatMessage[] | undefined;
  /** Live updates that arrive during a catch-up wait here, so none is skipped by a later one. */
  private heldUpdates: MessageUpdate[] | undefined;
  private stopped = false;
  private caughtUpOnce = false;
  /** A login (first or again) is in progress: its own code handles a connection lost meanwhile. */
  private connecting = false;
  private hello: ReplyResults['hello'] | undefined;
  private readonly options: Required<Omit<SessionOptions, 'connect'>> & Pick<SessionOptions, 'connect'>;

  constructor(options: SessionOptions) {
    super();
    this.options = { reconnect: true, backoffBaseMs: 250, backoffMaxMs: 10_000, requestTimeoutMs: 15_000, clientName: 'banter-sdk', ...options };
  }

  get state(): ConnectionState {
    return this.connState;
  }
  get user(): string | undefined {
    return this.me?.user;
  }
  get role(): Role | undefined {
    return this.me?.role;
  }
  get mutedUntil(): MutedUntil {
    return this.me?.mutedUntil ?? null;
  }
  get sessionToken(): string | undefined {
    return this.token;
  }
  /** What the server said of itself in `hello` (its name, protocol, HTTP port). */
  get serverInfo(): ReplyResults['hello'] | undefined {
    return this.hello;
  }
  get onlineUsers(): OnlineUser[] {
    return [...this.users.values()].sort((a, b) => a.user.localeCompare(b.user));
  }
  get conversations(): Conversation[] {
    return [...this.convs.values()];
  }
  /** The rooms the user is in (not #lobby), by name. */
  get rooms(): RoomInfo[] {
    return [...this.joinedRooms.values()].sort((a, b) => a.room.localeCompare(b.room));
  }
  /** Messages accepted by the outbox and not yet acknowledged. */
  get pendingCount(): number {
    return this.outbox.length;
  }

  async register(user: string, password: string): Promise<void> {
    const client = await this.connectOnce();
    await client.request('register', { user, password });
  }

  async login(user: string, password: string): Promise<ReplyResults['login']> {
    return this.start({ user, password });
  }

  async resume(token: string): Promise<ReplyResults['login']> {
    return this.start({ token });
  }

  /** Queues a message; resolves with its seq once stored, even if that takes a reconnect. */
  send(to: string, content: Content): Promise<SendResult> {
    if (this.stopped && this.connState === 'closed') return Promise.reject(new BanterError({ code: 'DISCONNECTED', message: 'session closed' }));
    return new Promise((resolve, reject) => {
      const entry: OutboxEntry = { to, content, cid: newCid(), resolve, reject, inFlight: false };
      this.outbox.push(entry);
      if (this.connState === 'online') this.transmit(entry);
    });
  }

  /** Any other request, on the current connection. */
  request<O extends Op>(op: O, body: RequestBody<O>): Promise<ReplyResults[O]> {
    if (!this.client || this.connState !== 'online') return Promise.reject(new BanterError({ code: 'DISCONNECTED', message: 'not connected' }));
    return this.client.request(op, body);
  }

  /** Older messages of a conversation, for scrolling back. */
  async olderThan(conv: string, before: number | undefined, limit = 50): Promise<ChatMessage[]> {
    return (await this.request('history', before === undefined ? { conv, limit } : { conv, before, limit })).messages;
  }

  typing(to: string): void {
    this.client?.notify('typing', { to });
  }

  /** Marks a conversation read up to its last message, here and (through the server) on every device. */
  markRead(conv: string): void {
    const c = this.convs.get(conv);
    if (!c) return;
    if (c.unread > 0) {
      c.unread = 0;
      this.emit('conversations', this.conversations);
    }
    if (c.lastSeq > c.readSeq && this.connState === 'online') {
      c.readSeq = c.lastSeq;
      this.client?.request('read', { conv, seq: c.lastSeq }).catch(() => undefined);
    }
  }

  createRoom(room: string, options: { topic?: string; private?: boolean } = {}): Promise<RoomInfo> {
    return this.request('create', { room, ...options }).then((info) => this.roomJoined(info));
  }

  join(room: string): Promise<RoomInfo> {
    return this.request('join', { room }).then((info) => this.roomJoined(info));
  }

  async leave(room: string): Promise<void> {
    const { room: name } = await this.request('leave', { room });
    this.roomLeft(name);
  }

  edit(conv: string, seq: number, text: string): Promise<ReplyResults['edit']> {
    return this.request('edit', { conv, seq, text });
  }

  deleteMessage(conv: string, seq: number): Promise<ReplyResults['delete']> {
    return this.request('delete', { conv, seq });
  }

  react(conv: string, seq: number, emoji: string): Promise<ReplyResults['react']> {
    return this.request('react', { conv, seq, emoji });
  }

  async logout(): Promise<void> {
    try {
      await this.request('logout', {});
    } finally {
      this.close();
    }
  }

  close(): void {
    this.stopped = true;
    this.setState('closed');
    this.client?.close();
    for (const e of this.outbox.splice(0)) e.reject(new BanterError({ code: 'DISCONNECTED', message: 'session closed' }));
  }

  // ---- connection life cycle ----

  private async connectOnce(): Promise<BanterClient> {
    if (this.client?.isOpen) return this.client;
    this.setState('connecting');
    const client = await BanterClient.connect(this.options.connect, { requestTimeoutMs: this.options.requestTimeoutMs });
    this.client = client;
    this.wire(client);
    this.hello = await client.request('hello', { client: this.options.clientName });
    return client;
  }

  private async start(credentials: { user: string; password: string } | { token: string }): Promise<ReplyResults['login']> {
    this.stopped = false;
    this.connecting = true;
    try {
      const client = await this.connectOnce();
      this.held ??= []; // events that come with the login reply wait for the catch-up
      const reply = await client.request('login', credentials);
      await this.established(client, reply);
      return reply;
    } catch (err) {
      this.held = undefined;
      throw err;
    } finally {
      this.connecting = false;
    }
  }

  private async established(client: BanterClient, reply: ReplyResults['login']): Promise<void> {
    this.token = reply.token;
    this.me = { user: reply.user, role: reply.role, mutedUntil: reply.muted_until };
    await this.catchUp(client);
    this.setState('online');
    for (const entry of this.outbox) if (!entry.inFlight) this.transmit(entry);
  }

  private wire(client: BanterClient): void {
    // Only the current connection speaks for the session; a replaced one is ignored.
    const on: BanterClient['on'] = (event, listener) => client.on(event, (body) => client === this.client && listener(body));
    on('msg', (m) => this.onLiveMessage(m));
    on('presence', (p) => {
      if (p.online) this.users.set(p.user, { user: p.user, role: p.role ?? 'user', since: p.since ?? Date.now() });
      else this.users.delete(p.user);
      this.emit('presence', p);
    });
    on('notice', (n) => this.emit('notice', n));
    on('update', (u) => (this.heldUpdates ? this.heldUpdates.push(u) : this.acceptUpdate(u)));
    on('read', (r) => this.onRead(client, r));
    on('joined', (j) => {
      // The event carries the room as the joiner sees it: no need to list the rooms again.
      if (j.user === this.me?.user) this.setRoom(j.info);
      else this.bumpMembers(j.room, 1);
      this.emit('joined', j);
    });
    on('left', (l) => {
      if (l.user === this.me?.user) this.roomLeft(l.room);
      else this.bumpMembers(l.room, -1);
      this.emit('left', l);
    });
    on('members', (m) => {
      const r = this.joinedRooms.get(m.room);
      if (r) this.setRoom({ ...r, members: m.count });
      this.emit('members', m);
    });
    on('topic', (t) => {
      const r = this.joinedRooms.get(t.room);
      if (r) this.setRoom({ ...r, topic: t.topic });
      this.emit('topic', t);
    });
    on('owner', (o) => {
      const r = this.joinedRooms.get(o.room);
      if (r) this.setRoom({ ...r, owner: o.owner });
      this.emit('owner', o);
    });
    on('room_muted', (m) => this.emit('room_muted', m));
    on('typing', (t) => this.emit('typing', t));
    on('muted', (m) => {
      if (this.me) this.me.mutedUntil = m.until;
      this.emit('muted', m);
    });
    on('unmuted', (u) => {
      if (this.me) this.me.mutedUntil = null;
      this.emit('unmuted', u);
    });
    on('kicked', ({ reason }) => this.end('kicked', reason));
    on('banned', ({ reason }) => this.end('banned', reason));
    client.onClose((reason) => {
      if (client !== this.client || this.stopped || this.connecting) return;
      for (const e of this.outbox) e.inFlight = false;
      if (!this.options.reconnect || !this.token) {
        this.setState('offline');
        return;
      }
      void this.reconnectLoop(reason);
    });
  }

  private async reconnectLoop(_reason?: string): Promise<void> {
    this.setState('reconnecting');
    this.connecting = true;
    try {
      await this.reconnectAttempts();
    } finally {
      this.connecting = false;
    }
  }

  private async reconnectAttempts(): Promise<void> {
    for (let attempt = 0; !this.stopped; attempt++) {
      await sleep(backoffDelay(attempt, this.options.backoffBaseMs, this.options.backoffMaxMs));
      if (this.stopped) return;
      let client: BanterClient;
      try {
        client = await BanterClient.connect(this.options.connect, { requestTimeoutMs: this.options.requestTimeoutMs });
      } catch {
        continue;
      }
      this.client = client;
      this.wire(client);
      try {
        this.held ??= [];
        const reply = await client.request('login', { token: this.token! });
        await this.established(client, reply);
        return;
      } catch (err) {
        this.held = undefined;
        client.close(); // its close handler is inert while `connecting`; the next attempt follows
        if (err instanceof BanterError && (err.code === 'BAD_CREDENTIALS' || err.code === 'BANNED')) {
          this.end(err.code === 'BANNED' ? 'banned' : 'auth', err.message);
          return;
        }
      }
    }
  }

  private end(code: SessionEvents['ended']['code'], reason: string): void {
    if (this.stopped) return;
    this.stopped = true;
    this.emit('ended', { code, reason });
    this.setState('closed');
    for (const e of this.outbox.splice(0)) e.reject(new BanterError({ code: 'DISCONNECTED', message: reason }));
  }

  private setState(state: ConnectionState): void {
    if (state === this.connState) return;
    this.connState = state;
    this.emit('state', state);
  }

  // ---- messages: exactly once, in order ----

  /** Refreshes who is online and fetches every message missed in every conversation. */
  private async catchUp(client: BanterClient): Promise<void> {
    const held = (this.held ??= []);
    const heldUpdates = (this.heldUpdates ??= []);
    let complete = false;
    try {
      const [{ users }, { convs }, rooms] = await Promise.all([client.request('who', {}), client.request('convs', {}), joinedRooms(client)]);
      this.users.clear();
      for (const u of users) this.users.set(u.user, u);
      this.joinedRooms.clear();
      for (const r of rooms) this.joinedRooms.set(r.room, r);
      for (const info of convs) {
        let known = this.convs.get(info.conv);
        if (!known) {
          // At the first login a conversation starts at its present (older messages are history to
          // page through), but not after a message that arrived since the login; after that, a
          // new one was started while we were away: fetch all of it. (A room joined while away
          // starts at its present too: its past is history.)
          const heldSeqs = held.filter((m) => m.conv === info.conv).map((m) => m.seq - 1);
          const fresh = !this.caughtUpOnce || info.conv.startsWith('#');
          const start = fresh ? Math.min(info.last_seq, ...heldSeqs) : 0;
          // Pages fetched later show messages as they are now: older updates are not news.
          known = { conv: info.conv, lastSeq: start, unread: 0, readSeq: info.read_seq, lastUseq: fresh ? info.last_useq : 0 };
          this.convs.set(info.conv, known);
        }
        const fetched = info.last_seq > known.lastSeq ? await this.fill(client, known) : [];
        if (info.last_useq > known.lastUseq) await this.fillUpdates(client, known);
        // The server's count as of the `convs` reply, and what came since; held messages after
        // that are counted as they are accepted.
        known.unread = info.unread + fetched.filter((m) => m.seq > info.last_seq && m.from !== this.me?.user && !m.deleted).length;
        known.readSeq = Math.max(known.readSeq, info.read_seq);
      }
      complete = true;
    } finally {
      this.held = undefined;
      this.heldUpdates = undefined;
      // After a failed catch-up the held messages would jump a gap: drop them; the next
      // catch-up fetches them again from history.
      if (complete) {
        for (const m of held.sort((a, b) => a.seq - b.seq)) this.accept(m);
        for (const u of heldUpdates) this.acceptUpdate(u);
      }
    }
    this.caughtUpOnce = true;
    this.emit('conversations', this.conversations);
    this.emit('rooms', this.rooms);
  }

  /** Edits, deletes and reactions made while away, in useq order. */
  private async fillUpdates(client: BanterClient, c: Conversation): Promise<void> {
    for (;;) {
      const { messages, more } = await client.request('history', { conv: c.conv, updated_after: c.lastUseq, limit: MAX_HISTORY_LIMIT });
      for (const m of messages) if (m.useq !== undefined) this.acceptUpdate({ ...m, useq: m.useq });
      // A page stops early at the server's byte budget and says `more`; otherwise a short page is the end.
      if (messages.length === 0 || (!more && messages.length < MAX_HISTORY_LIMIT)) return;
    }
  }

  private acceptUpdate(u: MessageUpdate): void {
    const c = this.convs.get(u.conv);
    if (c) {
      if (u.useq <= c.lastUseq) return; // seen already
      c.lastUseq = u.useq;
      if (u.seq > c.lastSeq) return this.holdEarly(u);
    }
    this.emit('update', u);
  }

  private holdEarly(u: MessageUpdate): void {
    let early = this.earlyUpdates.get(u.conv);
    if (!early) this.earlyUpdates.set(u.conv, (early = new Map()));
    // Each update carries the message's whole state: only the latest one matters.
    early.delete(u.seq);
    early.set(u.seq, u);
    if (early.size > EARLY_UPDATES_MAX) early.delete(early.keys().next().value!);
  }

  private onRead(client: BanterClient, r: EventBodies['read']): void {
    const c = this.convs.get(r.conv);
    if (c && r.seq > c.readSeq) {
      c.readSeq = r.seq;
      if (r.seq >= c.lastSeq) {
        c.unread = 0;
        this.emit('conversations', this.conversations);
      } else {
        // Read part of the way on another device: the server counts what is left.
        void client.request('convs', {}).then(({ convs }) => this.applyUnread(convs), () => undefined);
      }
    }
    this.emit('read', r);
  }

  private applyUnread(convs: ConversationInfo[]): void {
    for (const info of convs) {
      const c = this.convs.get(info.conv);
      if (c && info.last_seq === c.lastSeq) c.unread = info.unread;
    }
    this.emit('conversations', this.conversations);
  }

  private roomJoined(info: RoomInfo): RoomInfo {
    this.setRoom(info);
    return info;
  }

  private setRoom(info: RoomInfo): void {
    this.joinedRooms.set(info.room, info);
    this.emit('rooms', this.rooms);
  }

  private bumpMembers(room: string, by: number): void {
    const r = this.joinedRooms.get(room);
    if (r) this.setRoom({ ...r, members: r.members + by });
  }

  private roomLeft(room: string): void {
    if (this.joinedRooms.delete(room)) this.emit('rooms', this.rooms);
  }

  /** Fetches every message after the last one handed over; returns those it handed over. */
  private async fill(client: BanterClient, c: Conversation): Promise<ChatMessage[]> {
    const accepted: ChatMessage[] = [];
    for (;;) {
      const { messages, more } = await client.request('history', { conv: c.conv, after: c.lastSeq, limit: MAX_HISTORY_LIMIT });
      for (const m of messages) if (this.accept(m)) accepted.push(m);
      if (messages.length === 0 || (!more && messages.length < MAX_HISTORY_LIMIT)) return accepted;
    }
  }

  private onLiveMessage(m: ChatMessage): void {
    if (this.held) {
      this.held.push(m);
      return;
    }
    let c = this.convs.get(m.conv);
    if (!c && this.caughtUpOnce && !m.conv.startsWith('#')) {
      // A private conversation that began since the last catch-up: it starts at seq 1. (A room
      // just joined starts at its present; its past is history to page through.)
      c = { conv: m.conv, lastSeq: 0, unread: 0, readSeq: 0, lastUseq: 0 };
      this.convs.set(m.conv, c);
    }
    if (c && m.seq > c.lastSeq + 1 && this.client) {
      // A gap (a message we never got): fetch it before going on.
      const client = this.client;
      this.held = [m];
      void this.fill(client, c).then(
        () => {
          const held = this.held ?? [];
          this.held = undefined;
          for (const h of held.sort((a, b) => a.seq - b.seq)) this.accept(h);
        },
        // Lost with the connection: the reconnect's catch-up fetches these again.
        () => (this.held = undefined),
      );
      return;
    }
    this.accept(m);
  }

  /** Hands a message to the application once; false if it was seen already. */
  private accept(m: ChatMessage): boolean {
    let c = this.convs.get(m.conv);
    if (!c) {
      c = { conv: m.conv, lastSeq: m.seq - 1, unread: 0, readSeq: 0, lastUseq: 0 };
      this.convs.set(m.conv, c);
    }
    if (m.seq <= c.lastSeq) return false; // seen already
    c.lastSeq = m.seq;
    if (m.from !== this.me?.user) c.unread++;
    this.emit('message', m);
    const early = this.earlyUpdates.get(m.conv);
    const update = early?.get(m.seq);
    if (update) {
      early!.delete(m.seq);
      if (early!.size === 0) this.earlyUpdates.delete(m.conv);
      if (update.useq > (m.useq ?? 0)) this.emit('update', update);
    }
    this.emit('conversations', this.conversations);
    return true;
  }

  private dropFromOutbox(entry: OutboxEntry): void {
    const at = this.outbox.indexOf(entry);
    if (at !== -1) this.outbox.splice(at, 1);
  }

  private transmit(entry: OutboxEntry): void {
    const client = this.client;
    if (!client) return;
    entry.inFlight = true;
    client.request('send', { to: entry.to, ...entry.content, cid: entry.cid } as RequestBody<'send'>).then(
      (result) => {
        this.dropFromOutbox(entry);
        entry.resolve(result);
      },
      (err: unknown) => {
        entry.inFlight = false;
        // Lost with the connection, or unanswered: sent again with the same cid, so stored once.
        if (err instanceof BanterError && err.code === 'TIMEOUT' && this.connState === 'online' && client === this.client) return this.transmit(entry);
        if (err instanceof BanterError && (err.code === 'DISCONNECTED' || err.code === 'TIMEOUT')) return;
        this.dropFromOutbox(entry);
        entry.reject(err);
      },
    );
  }
}

/** A fresh cid. randomUUID exists only in secure contexts (https, localhost): a page served over
 * plain http on the LAN has getRandomValues alone. */
/**
 * Every room the user is in, page by page: `rooms` with `joined` lists only those, so a server
 * with more public rooms than one page holds still gives all of them.
 */
async function joinedRooms(client: BanterClient): Promise<RoomInfo[]> {
  const all: RoomInfo[] = [];
  let after: string | undefined;
  for (;;) {
    const page = await client.request('rooms', after === undefined ? { joined: true } : { joined: true, after });
    all.push(...page.rooms);
    // A cursor that does not move would loop for ever: take what came.
    if (page.next === undefined || page.next === after || page.rooms.length === 0) return all;
    after = page.next;
  }
}

function newCid(): string {
  const c = globalThis.crypto;
  if (typeof c.randomUUID === 'function') return c.randomUUID();
  const bytes = c.getRandomValues(new Uint8Array(16));
  return Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('');
}

function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}

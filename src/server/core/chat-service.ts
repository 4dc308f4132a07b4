import { ProtocolError, type MutedUntil, type ReplyResults } from '../../protocol/index.js';
import type { Audience, Bus, BusMessage, Presence } from '../bus/port.js';
import type { Store, UserRecord } from '../store/port.js';
import { Accounts, type LoginOutcome } from './accounts.js';
import { BroadcastJournal } from './broadcast-journal.js';
import { ClientSession } from './client-session.js';
import type { CommandDomain } from './commands/command.js';
import type { CoreConfig, Logger } from './config.js';
import { ConnectionLimits, type DropReason } from './connection-limits.js';
import type { FileLinks } from './file-links.js';
import { Files } from './files.js';
import { MessageChanges } from './message-changes.js';
import { MessageRate } from './message-rate.js';
import { Messages } from './messages.js';
import { NO_METRICS, type ChatMetrics } from './metrics.js';
import { Moderation } from './moderation.js';
import { OnlineUsers, type OnlineUser } from './online-users.js';
import { OutboundEvent } from '../shared/outbound-event.js';
import { writeEvent, type Peer } from './peer.js';
import { ReadMarkers } from './read-markers.js';
import { RoomMembership } from './room-membership.js';
import { People } from './people.js';
import { Rooms } from './rooms.js';
import { Sending } from './sending.js';

/**
 * How long presence for everyone may wait to be handed out with the presence that follows it: in
 * a storm of logins each session then gets one write per window instead of one per login. Lines
 * written to a session meanwhile take its waiting presence along first (catchUp).
 */
export const JOURNAL_MS = 50;

export interface ChatServiceDeps {
  store: Store;
  bus: Bus;
  presence: Presence;
  config: CoreConfig;
  logger: Logger;
  metrics?: ChatMetrics;
  /** Signs file links; its key comes from the store (store.secrets), so every node signs alike. */
  fileLinks: FileLinks;
}

/**
 * The chat core: transport-agnostic. Transports hand it peers; it hands every event to the bus,
 * and delivers what the bus brings back to this node's sessions.
 */
export class ChatService implements CommandDomain {
  readonly store: Store;
  readonly bus: Bus;
  readonly presence: Presence;
  readonly config: CoreConfig;
  readonly logger: Logger;
  readonly metrics: ChatMetrics;
  readonly accounts: Accounts;
  readonly files: Files;
  readonly fileLinks: FileLinks;
  readonly messages: Messages;
  readonly sending: Sending;
  readonly moderation: Moderation;
  readonly online: OnlineUsers<ClientSession>;
  readonly rooms: Rooms;
  readonly people: People;
  readonly readMarkers: ReadMarkers;
  readonly changes: MessageChanges;
  /** Messages stored per second on this node, for the admin's `stats`. */
  readonly messageRate = new MessageRate();
  /** Told to clients in `hello`: where this node's HTTP API listens (set once it does). */
  httpPort: number | undefined;
  /** Every open connection, logged in or not. */
  private readonly connections = new Set<ClientSession>();
  /** Slots, the share of those not logged in, and their login deadline. */
  private readonly limits: ConnectionLimits<ClientSession>;
  private readonly heartbeat: NodeJS.Timeout;
  private stopping = false;
  /** Presence for everyone, handed out every JOURNAL_MS (broadcast-journal.ts). */
  private readonly journal = new BroadcastJournal();
  private journalScheduled = false;

  constructor(deps: ChatServiceDeps) {
    ({ store: this.store, bus: this.bus, presence: this.presence, config: this.config, logger: this.logger } = deps);
    this.metrics = deps.metrics ?? NO_METRICS;
    this.fileLinks = deps.fileLinks;
    this.accounts = new Accounts(this.store, this.bus, this.config);
    this.files = new Files(this.store);
    this.moderation = new Moderation(this.store, this.bus, this.logger);
    this.online = new OnlineUsers(this.config.sendRatePerSec, this.config.sendBurst, this.config.readRatePerSec, this.config.readBurst);
    const roomsConfig = {
      quietSize: this.config.roomQuietSize,
      batchIntervalMs: this.config.roomBatchMs,
      maxOwned: this.config.maxRoomsOwned,
      maxJoined: this.config.maxRoomsJoined,
    };
    this.rooms = new Rooms(this.store, this.bus, new RoomMembership(), roomsConfig, (keys) => this.presence.onlineOf(keys));
    this.people = new People(this.store, (keys) => this.presence.onlineOf(keys));
    this.messages = new Messages(this.store, this.bus, this.files, this.rooms);
    this.readMarkers = new ReadMarkers(this.store, this.bus);
    this.changes = new MessageChanges(this.store, this.messages);
    this.sending = new Sending(this.store, this.bus, this.messages, this.metrics, this.messageRate);
    this.bus.subscribe((m) => this.deliver(m));
    this.bus.onMissed?.(() => void this.resync());
    const { maxConnections, loginReserve: reserve, loginTimeoutMs } = this.config;
    this.limits = new ConnectionLimits({ maxConnections, reserve, loginTimeoutMs }, (s, why) => this.dropAnonymous(s, why));
    this.heartbeat = setInterval(() => this.sweepIdle(), Math.max(50, this.config.pingIntervalMs / 4));
    this.heartbeat.unref();
  }

  get connectionCount(): number {
    return this.connections.size;
  }

  /** A new connection; the session is its PeerHandler (and, for gateways, its way into the core). */
  connect(peer: Peer): ClientSession {
    const session = new ClientSession(this, peer);
    if (this.stopping) {
      session.closeWithError({ code: 'SHUTTING_DOWN', message: 'the server is shutting down' });
      return session;
    }
    // One limit for every transport together.
    if (this.limits.admit(session) === 'full') {
      this.logger.warn({ peer: peer.id, connections: this.connections.size }, 'connection refused: server full');
      session.closeWithError({ code: 'RATE_LIMITED', message: 'the server is full; try again later' });
      return session;
    }
    this.connections.add(session);
    return session;
  }

  private dropAnonymous(session: ClientSession, why: DropReason): void {
    if (why === 'evicted') {
      this.logger.info({ peer: session.peer.id, address: session.peer.address }, 'connection dropped for a newcomer: not logged in, and the oldest such');
      session.closeWithError({ code: 'RATE_LIMITED', message: 'the server is busy and this connection had not logged in; reconnect and log in' });
    } else {
      const seconds = this.config.loginTimeoutMs / 1000;
      session.closeWithError({ code: 'TIMEOUT', message: `not logged in within ${seconds} s` });
    }
  }

  /**
   * Binds a session to its user after a successful login (at once: from here on moderation
   * reaches it); resolves once the user's `presence` online, if this is their first session
   * anywhere, has been delivered here.
   */
  attach(session: ClientSession, outcome: LoginOutcome, quiet = false): Promise<UserRecord> {
    if (session.ended) throw new ProtocolError('BAD_REQUEST', 'the connection closed during login');
    const { user, first } = this.online.attach(session, outcome.user, quiet);
    session.user = user;
    session.quiet = quiet;
    session.tokenHash = outcome.tokenHash;
    // From here on it hears broadcast presence, starting with its own arrival's.
    session.journalPos = this.journal.end;
    this.limits.loggedIn(session);
    this.logger.info({ user: user.record.name, peer: session.peer.id, transport: session.peer.transport }, 'logged in');
    const record = user.record;
    if (!first) return Promise.resolve(record);
    const online = OutboundEvent.of('presence', { user: record.name, online: true, role: record.role, since: user.since });
    const offline = OutboundEvent.of('presence', { user: record.name, online: false });
    const entry = { key: record.key, user: record.name, role: record.role, since: user.since };
    return this.presence.arrive(entry, online, offline).then(
      () => record,
      (err: unknown) => {
        // Presence is a hint; the login stands.
        this.logger.error({ err, user: record.name }, 'presence: arrival not recorded');
        return record;
      },
    );
  }

  /**
   * A login that passed its checks (LoginOutcome): binds the session, loads the user's rooms if
   * this node did not have them, and reads the user again. Resolves with the login's reply.
   */
  async logIn(session: ClientSession, outcome: LoginOutcome, quiet = false): Promise<ReplyResults['login']> {
    const first = this.online.get(outcome.user.key) === undefined;
    await this.attach(session, outcome, quiet);
    // This node learns the user's rooms when they come online here (see RoomMembership).
    if (first) await this.rooms.load(outcome.user);
    // Online now, so a moderator's action from here on reaches this session; one taken while
    // the login was in flight is caught by reading the user again.
    let user;
    try {
      user = await this.accounts.recheck(outcome);
    } catch (err) {
      await this.detach(session);
      throw err;
    }
    if (session.user) session.user.record = { ...session.user.record, mutedUntil: user.mutedUntil, role: user.role };
    return { user: user.name, role: user.role, token: outcome.token, muted_until: this.activeMute(user) };
  }

  /** Ends a session's login: revokes its token and unbinds it (the connection stays). */
  async logOut(session: ClientSession): Promise<void> {
    if (session.tokenHash) await this.accounts.logout(session.tokenHash);
    await this.detach(session);
  }

  sessions(): ReplyResults['sessions'] {
    return {
      sessions: [...this.online.sessions, ...this.online.quiet]
        .filter((x) => x.user)
        .map((x) => ({ user: x.user!.record.name, role: x.user!.record.role, transport: x.peer.transport, address: x.peer.address, since: x.connectedAt }))
        .sort((a, b) => a.since - b.since),
    };
  }

  stats(): ReplyResults['stats'] {
    return {
      ts: Date.now(),
      connections: this.connectionCount,
      sessions: this.online.sessions.size + this.online.quiet.size,
      users: this.online.list().filter((u) => u.sessions.size > 0).length,
      messages: this.messageRate.lastMinute(),
    };
  }

  /** Unbinds a session; resolves once the user's `presence` offline, if it was their last session anywhere, has gone out. */
  detach(session: ClientSession): Promise<void> {
    const user = session.user;
    if (!user) return Promise.resolve();
    session.user = null;
    session.tokenHash = null;
    session.quiet = false;
    if (!session.ended) this.limits.loggedOut(session);
    const { departed, gone } = this.online.detach(session, user);
    if (gone) this.rooms.membership.forget(user.record.key);
    if (!departed) return Promise.resolve();
    // At shutdown everyone goes: telling each the others are leaving would be n² writes (the
    // presence adapter tells other nodes when it closes).
    if (this.stopping) return Promise.resolve();
    return this.presence.depart(user.record.key).catch((err: unknown) => {
      this.logger.error({ err, user: user.record.name }, 'presence: departure not recorded');
    });
  }

  sessionClosed(session: ClientSession): void {
    this.connections.delete(session);
    this.limits.closed(session);
    void this.detach(session);
  }

  /** The mute in force for a user now, or null. */
  activeMute(record: UserRecord): MutedUntil {
    const m = record.mutedUntil;
    return typeof m === 'number' && m <= Date.now() ? null : m;
  }

  /** Hands a bus message to this node's sessions: one event, encoded once per wire format, written to each of them. */
  private deliver(m: BusMessage): void {
    switch (m.kind) {
      case 'deliver':
        return this.deliverEvent(m.audience, m.event, m.lazy === true);
      case 'message':
      case 'update':
        for (const d of m.deliveries) this.deliverEvent(d.audience, d.event);
        return;
      case 'disconnect':
        return this.disconnectUser(m.userKey, m.event, m.keep);
      case 'user-changed': {
        const user = this.online.get(m.userKey);
        if (user) {
          user.record = { ...user.record, ...m.patch };
          user.patches++;
        }
        return;
      }
      case 'room-member':
        this.rooms.membership.changed(m.room, m.userKey, m.joined);
        return;
    }
  }

  /** Sends a last event to every session of a user here (but the one whose token hash is `keep`), then closes them (kick, ban, password change). */
  private disconnectUser(userKey: string, last: OutboundEvent, keep?: string): void {
    const user = this.online.get(userKey);
    if (!user) return;
    for (const s of [...user.sessions, ...user.quietSessions]) {
      if (keep !== undefined && s.tokenHash === keep) continue;
      void this.detach(s);
      s.peer.close(last);
    }
  }

  /**
   * The bus may have missed messages (Bus.onMissed): re-reads every user online here from the
   * store, so a mute, a ban or a room removal made meanwhile on another node holds here too.
   * A few users at a time, not every one at once, so a Redis blip does not flood the store.
   */
  private async resync(): Promise<void> {
    const queue = this.online.list();
    const next = async (): Promise<void> => {
      for (let user = queue.shift(); user; user = queue.shift()) {
        await this.resyncUser(user).catch((err: unknown) => this.logger.error({ err, user: user!.record.name }, 'resync: could not re-read a user'));
      }
    };
    await Promise.all(Array.from({ length: 8 }, next));
  }

  private async resyncUser(user: OnlineUser<ClientSession>): Promise<void> {
    const patches = user.patches;
    const [fresh] = await Promise.all([this.store.users.findById(user.record.id), this.rooms.reload(user.record)]);
    if (!fresh || this.online.get(fresh.key) !== user) return; // offline meanwhile
    if (fresh.banReason !== null) {
      return this.disconnectUser(fresh.key, OutboundEvent.of('banned', { reason: fresh.banReason || 'banned by an administrator' }));
    }
    // A patch heard while the store was read is at least as new as what it returned.
    if (user.patches === patches) user.record = { ...user.record, mutedUntil: fresh.mutedUntil };
    // A kick revokes the user's tokens before it is published: a session whose token was revoked
    // meanwhile ends here as it would have then.
    for (const s of [...user.sessions, ...user.quietSessions]) {
      const token = s.tokenHash && (await this.store.sessions.find(s.tokenHash));
      if (token && token.revoked && s.user === user) {
        void this.detach(s);
        s.peer.close(OutboundEvent.of('kicked', { reason: 'your session was ended while this server was cut off from the others' }));
      }
    }
  }

  /** `lazy`: may wait a few ms to share a write with what follows (Peer.write). */
  private deliverEvent(a: Audience, event: OutboundEvent, lazy = false): void {
    if (lazy && a.to === 'all' && a.exceptUser === undefined) return this.toJournal(event);
    const started = performance.now();
    let count = 0;
    this.forEachSession(a, (s) => {
      this.catchUp(s);
      writeEvent(s.peer, event, lazy);
      count++;
    });
    this.metrics.fannedOut(count, (performance.now() - started) / 1000);
  }

  /** Visits every session on this node that an audience names (a callback, not an iterator: this is the fan-out's hot loop). */
  private forEachSession(a: Audience, visit: (s: ClientSession) => void): void {
    if (a.to === 'user') {
      const user = this.online.get(a.key);
      if (user) for (const s of user.sessions) visit(s);
    } else if (a.to === 'all') {
      for (const s of this.online.sessions) if (s.user?.record.key !== a.exceptUser) visit(s);
    } else {
      for (const key of this.rooms.membership.membersHere(a.key)) {
        if (key === a.exceptUser) continue;
        const user = this.online.get(key);
        if (user) for (const s of user.sessions) visit(s);
      }
    }
  }

  /** An event for every logged-in session that may wait: kept once, handed out within JOURNAL_MS. */
  private toJournal(event: OutboundEvent): void {
    this.journal.append(event);
    if (this.journalScheduled) return;
    this.journalScheduled = true;
    setTimeout(this.flushJournal, JOURNAL_MS);
  }

  private readonly flushJournal = (): void => {
    this.journalScheduled = false;
    if (this.journal.isEmpty) return;
    const started = performance.now();
    const end = this.journal.end;
    const first = end - this.journal.length;
    let count = 0;
    for (const s of this.online.sessions) {
      if (s.journalPos < end) {
        count += end - Math.max(s.journalPos, first);
        this.writeUnread(s, false);
      }
      s.journalPos = end;
    }
    this.journal.clear();
    this.metrics.fannedOut(count, (performance.now() - started) / 1000);
  };

  /**
   * Gives a logged-in session the broadcast lines it has not had yet: called before anything
   * else is written to it, so nothing overtakes a line that came before it.
   */
  catchUp(s: ClientSession): void {
    if (this.journal.isEmpty || s.user === null || s.quiet || s.journalPos >= this.journal.end) return;
    this.writeUnread(s, true);
    s.journalPos = this.journal.end;
  }

  /** What a session has not read of the journal: one shared buffer for v1 peers, the events one by one for the others. */
  private writeUnread(s: ClientSession, lazy: boolean): void {
    const peer = s.peer;
    if (peer.writeEvent === undefined) {
      const unread = this.journal.unread(s.journalPos);
      if (unread) peer.write(unread, lazy);
    } else {
      for (const event of this.journal.unreadEvents(s.journalPos)) peer.writeEvent(event, lazy);
    }
  }

  /** Pings connections silent for a ping interval; drops those silent for two. */
  private sweepIdle(): void {
    const now = Date.now();
    const interval = this.config.pingIntervalMs;
    for (const s of this.connections) {
      const idle = now - s.lastHeard;
      if (idle > 2 * interval) {
        s.closeWithError({ code: 'TIMEOUT', message: `nothing heard for ${Math.round(idle / 1000)} s` });
      } else if (idle > interval && !s.pinged) {
        s.pinged = true;
        s.sendEvent(OutboundEvent.of('ping', {}));
      }
    }
  }

  /** Tells every client the server is going away and closes them; the store is the caller's to close. */
  shutdown(reason = 'the server is shutting down'): void {
    this.stopping = true;
    clearInterval(this.heartbeat);
    this.limits.close();
    this.moderation.close();
    this.rooms.close();
    const last = OutboundEvent.of('shutdown', { reason });
    for (const s of [...this.connections]) s.peer.close(last);
  }
}

import { ProtocolError, encodeEvent, type MutedUntil } from '../../protocol/index.js';
import type { Bus, BusMessage } from '../bus/port.js';
import type { Store, UserRecord } from '../store/port.js';
import { Accounts, type LoginOutcome } from './accounts.js';
import { ClientSession } from './client-session.js';
import type { CoreConfig, Logger } from './config.js';
import { Files } from './files.js';
import { MessageChanges } from './message-changes.js';
import { Messages } from './messages.js';
import { NO_METRICS, type ChatMetrics } from './metrics.js';
import { Moderation } from './moderation.js';
import { OnlineUsers } from './online-users.js';
import type { Peer, PeerHandler } from './peer.js';
import { ReadMarkers } from './read-markers.js';
import { RoomMembership } from './room-membership.js';
import { Rooms } from './rooms.js';

export interface ChatServiceDeps {
  store: Store;
  bus: Bus;
  config: CoreConfig;
  logger: Logger;
  metrics?: ChatMetrics;
}

/**
 * The chat core: transport-agnostic. Transports hand it peers; it hands every event to the bus,
 * and delivers what the bus brings back to this node's sessions.
 */
export class ChatService {
  readonly store: Store;
  readonly bus: Bus;
  readonly config: CoreConfig;
  readonly logger: Logger;
  readonly metrics: ChatMetrics;
  readonly accounts: Accounts;
  readonly files: Files;
  readonly messages: Messages;
  readonly moderation: Moderation;
  readonly online: OnlineUsers<ClientSession>;
  readonly rooms: Rooms;
  readonly readMarkers: ReadMarkers;
  readonly changes: MessageChanges;
  /** Told to clients in `hello`: where this node's HTTP API listens (set once it does). */
  httpPort: number | undefined;
  /** Every open connection, logged in or not. */
  private readonly connections = new Set<ClientSession>();
  private readonly heartbeat: NodeJS.Timeout;
  private stopping = false;

  constructor(deps: ChatServiceDeps) {
    ({ store: this.store, bus: this.bus, config: this.config, logger: this.logger } = deps);
    this.metrics = deps.metrics ?? NO_METRICS;
    this.accounts = new Accounts(this.store, this.config);
    this.files = new Files(this.store);
    this.moderation = new Moderation(this.store, this.bus);
    this.online = new OnlineUsers(this.config.sendRatePerSec, this.config.sendBurst);
    const roomsConfig = { quietSize: this.config.roomQuietSize, batchIntervalMs: this.config.roomBatchMs };
    this.rooms = new Rooms(this.store, this.bus, new RoomMembership(), roomsConfig, (key) => this.online.get(key) !== undefined);
    this.messages = new Messages(this.store, this.bus, this.files, this.rooms);
    this.readMarkers = new ReadMarkers(this.store, this.bus);
    this.changes = new MessageChanges(this.store, this.messages);
    this.bus.subscribe((m) => this.deliver(m));
    this.heartbeat = setInterval(() => this.sweepIdle(), Math.max(50, this.config.pingIntervalMs / 4));
    this.heartbeat.unref();
  }

  get connectionCount(): number {
    return this.connections.size;
  }

  connect(peer: Peer): PeerHandler {
    const session = new ClientSession(this, peer);
    if (this.stopping) {
      session.closeWithError({ code: 'SHUTTING_DOWN', message: 'the server is shutting down' });
      return session;
    }
    // One limit for every transport together.
    if (this.connections.size >= this.config.maxConnections) {
      this.logger.warn({ peer: peer.id, connections: this.connections.size }, 'connection refused: server full');
      session.closeWithError({ code: 'RATE_LIMITED', message: 'the server is full; try again later' });
      return session;
    }
    this.connections.add(session);
    return session;
  }

  /** Binds a session to its user after a successful login; announces the user if newly online. */
  attach(session: ClientSession, outcome: LoginOutcome): UserRecord {
    if (session.ended) throw new ProtocolError('BAD_REQUEST', 'the connection closed during login');
    const { user, first } = this.online.attach(session, outcome.user);
    session.user = user;
    session.tokenHash = outcome.tokenHash;
    this.logger.info({ user: user.record.name, peer: session.peer.id, transport: session.peer.transport }, 'logged in');
    if (first) this.announcePresence(user.record, true, user.since);
    return user.record;
  }

  detach(session: ClientSession): void {
    const user = session.user;
    if (!user) return;
    session.user = null;
    session.tokenHash = null;
    // At shutdown everyone goes: telling each the others are leaving would be n² writes.
    if (!this.online.detach(session, user)) return;
    this.rooms.membership.forget(user.record.key);
    if (!this.stopping) this.announcePresence(user.record, false);
  }

  sessionClosed(session: ClientSession): void {
    this.connections.delete(session);
    this.detach(session);
  }

  /** The mute in force for a user now, or null. */
  activeMute(record: UserRecord): MutedUntil {
    const m = record.mutedUntil;
    return typeof m === 'number' && m <= Date.now() ? null : m;
  }

  private announcePresence(record: UserRecord, online: boolean, since?: number): void {
    const body = online ? { user: record.name, online, role: record.role, since } : { user: record.name, online };
    this.bus.publish({ kind: 'deliver', audience: { to: 'all' }, line: encodeEvent('presence', body) });
  }

  /** Hands a bus message to this node's sessions: one encoded buffer, written to each of them. */
  private deliver(m: BusMessage): void {
    switch (m.kind) {
      case 'deliver': {
        const started = performance.now();
        const bytes = Buffer.from(m.line);
        const a = m.audience;
        let count = 0;
        if (a.to === 'all') {
          for (const s of this.online.sessions) {
            if (s.user?.record.key === a.exceptUser) continue;
            s.peer.write(bytes);
            count++;
          }
        } else if (a.to === 'room') {
          for (const key of this.rooms.membership.membersHere(a.key)) {
            if (key === a.exceptUser) continue;
            for (const s of this.online.get(key)?.sessions ?? []) {
              s.peer.write(bytes);
              count++;
            }
          }
        } else {
          const user = this.online.get(a.key);
          for (const s of user?.sessions ?? []) {
            s.peer.write(bytes);
            count++;
          }
        }
        this.metrics.fannedOut(count, (performance.now() - started) / 1000);
        return;
      }
      case 'disconnect': {
        const user = this.online.get(m.userKey);
        if (!user) return;
        const bytes = Buffer.from(m.line);
        for (const s of [...user.sessions]) {
          this.detach(s);
          s.peer.close(bytes);
        }
        return;
      }
      case 'user-changed': {
        const user = this.online.get(m.userKey);
        if (user) user.record = { ...user.record, ...m.patch };
        return;
      }
      case 'room-member':
        this.rooms.membership.changed(m.room, m.userKey, m.joined);
        return;
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
        s.sendEvent(encodeEvent('ping', {}));
      }
    }
  }

  /** Tells every client the server is going away and closes them; the store is the caller's to close. */
  shutdown(reason = 'the server is shutting down'): void {
    this.stopping = true;
    clearInterval(this.heartbeat);
    this.moderation.close();
    this.rooms.close();
    const bytes = Buffer.from(encodeEvent('shutdown', { reason }));
    for (const s of [...this.connections]) s.peer.close(bytes);
  }
}

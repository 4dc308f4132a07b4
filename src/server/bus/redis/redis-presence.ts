import type { OnlineUser } from '../../../protocol/index.js';
import type { Logger } from '../../shared/logger.js';
import type { OutboundEvent } from '../../shared/outbound-event.js';
import type { Presence, PresenceEntry } from '../port.js';
import type { RedisBus } from './redis-bus.js';
import { ARRIVE, DEPART, EXPIRE_NODES, HEARTBEAT } from './scripts.js';

export interface RedisPresenceOptions {
  /** A node that has not sent a heartbeat for this long is gone: its users go offline (ms). */
  ttlMs: number;
  logger: Logger;
}

type Scripted = RedisBus['pub'] & {
  banterArrive(users: string, where: string, online: string, node: string, key: string, info: string, onFrame: Buffer, offFrame: Buffer, channel: string): Promise<number>;
  banterDepart(users: string, where: string, online: string, node: string, key: string, offFrame: Buffer, channel: string): Promise<number>;
  banterHeartbeat(nodes: string, node: string, ttlMs: number): Promise<number>;
  banterExpireNodes(nodes: string, online: string, prefix: string, channel: string, only: string): Promise<number>;
};

interface Local {
  entry: PresenceEntry;
  online: OutboundEvent;
  offline: OutboundEvent;
}

/**
 * Presence over Redis. Each node keeps a hash of its users and a heartbeat (a sorted set of
 * node expiries); a set per user names the nodes that have them. Scripts announce online at a
 * user's first node and offline when their last node lets go, or stops heartbeating: every node
 * sweeps for expired nodes on each heartbeat, and the script makes sure only one announces.
 */
export class RedisPresence implements Presence {
  private readonly local = new Map<string, Local>();
  private readonly redis: Scripted;
  private readonly timer: NodeJS.Timeout;
  private readonly keys;
  private closed = false;

  constructor(
    private readonly bus: RedisBus,
    private readonly options: RedisPresenceOptions,
  ) {
    const pub = bus.pub;
    pub.defineCommand('banterArrive', { numberOfKeys: 3, lua: ARRIVE });
    pub.defineCommand('banterDepart', { numberOfKeys: 3, lua: DEPART });
    pub.defineCommand('banterHeartbeat', { numberOfKeys: 1, lua: HEARTBEAT });
    pub.defineCommand('banterExpireNodes', { numberOfKeys: 2, lua: EXPIRE_NODES });
    this.redis = pub as Scripted;
    const p = bus.prefix;
    this.keys = { nodes: `${p}:nodes`, online: `${p}:online`, mine: `${p}:node:${bus.nodeId}`, where: (key: string) => `${p}:where:${key}` };
    this.timer = setInterval(() => void this.heartbeat(), Math.max(20, options.ttlMs / 3));
    this.timer.unref();
  }

  /** Registers this node (first heartbeat); call before taking logins. */
  async start(): Promise<void> {
    await this.heartbeat();
  }

  async arrive(entry: PresenceEntry, online: OutboundEvent, offline: OutboundEvent): Promise<void> {
    this.local.set(entry.key, { entry, online, offline });
    await this.announceArrival(entry, online, offline);
  }

  private async announceArrival(entry: PresenceEntry, online: OutboundEvent, offline: OutboundEvent): Promise<void> {
    const { frame, echo, id } = this.bus.framed({ kind: 'deliver', audience: { to: 'all' }, event: online, lazy: true });
    const offFrame = this.bus.frameOnly({ kind: 'deliver', audience: { to: 'all' }, event: offline, lazy: true });
    const info = JSON.stringify({ user: entry.user, role: entry.role, since: entry.since });
    let sent: number;
    try {
      sent = await this.redis.banterArrive(this.keys.mine, this.keys.where(entry.key), this.keys.online, this.bus.nodeId, entry.key, info, frame, offFrame, this.bus.channel);
    } catch (err) {
      this.bus.settle(id);
      throw err;
    }
    if (sent === 1) await echo;
    else this.bus.settle(id);
  }

  async depart(userKey: string): Promise<void> {
    const known = this.local.get(userKey);
    if (!known) return;
    this.local.delete(userKey);
    const { frame, echo, id } = this.bus.framed({ kind: 'deliver', audience: { to: 'all' }, event: known.offline, lazy: true });
    let sent: number;
    try {
      sent = await this.redis.banterDepart(this.keys.mine, this.keys.where(userKey), this.keys.online, this.bus.nodeId, userKey, frame, this.bus.channel);
    } catch (err) {
      this.bus.settle(id);
      throw err;
    }
    if (sent === 1) await echo;
    else this.bus.settle(id);
  }

  async list(): Promise<OnlineUser[]> {
    const values = await this.redis.hvals(this.keys.online);
    return values.map((v) => JSON.parse(v) as OnlineUser).sort((a, b) => a.since - b.since);
  }

  async onlineOf(userKeys: string[]): Promise<Set<string>> {
    if (userKeys.length === 0) return new Set();
    const values = await this.redis.hmget(this.keys.online, ...userKeys);
    return new Set(userKeys.filter((_, i) => values[i] !== null));
  }

  private async heartbeat(): Promise<void> {
    if (this.closed) return;
    try {
      const isNew = await this.redis.banterHeartbeat(this.keys.nodes, this.bus.nodeId, this.options.ttlMs);
      // Others took us for dead (we stalled past the expiry, or Redis lost its data): our users
      // were announced offline, so arrive again.
      if (isNew === 1 && this.local.size > 0) {
        this.options.logger.warn({ users: this.local.size }, 'presence: this node had expired; registering its users again');
        for (const l of this.local.values()) await this.announceArrival(l.entry, l.online, l.offline);
      }
      await this.redis.banterExpireNodes(this.keys.nodes, this.keys.online, this.bus.prefix, this.bus.channel, '');
    } catch (err) {
      this.options.logger.warn({ err }, 'presence: heartbeat failed');
    }
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    clearInterval(this.timer);
    // Leaving: this node's users go offline at once unless another node has them.
    await this.redis.banterExpireNodes(this.keys.nodes, this.keys.online, this.bus.prefix, this.bus.channel, this.bus.nodeId).catch((err: unknown) => {
      this.options.logger.warn({ err }, 'presence: could not leave cleanly; the others will expire this node');
    });
    this.local.clear();
  }
}

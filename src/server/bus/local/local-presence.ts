import type { OnlineUser } from '../../../protocol/index.js';
import type { OutboundEvent } from '../../shared/outbound-event.js';
import type { Bus, Presence, PresenceEntry } from '../port.js';

/** Presence of one node: this node's users are everyone. */
export class LocalPresence implements Presence {
  private readonly online = new Map<string, { entry: PresenceEntry; offline: OutboundEvent }>();

  constructor(private readonly bus: Bus) {}

  arrive(entry: PresenceEntry, online: OutboundEvent, offline: OutboundEvent): Promise<void> {
    this.online.set(entry.key, { entry, offline });
    // Lazy: a storm of logins would otherwise cost every online session one write per login.
    return this.bus.publish({ kind: 'deliver', audience: { to: 'all' }, event: online, lazy: true });
  }

  depart(userKey: string): Promise<void> {
    const known = this.online.get(userKey);
    if (!known) return Promise.resolve();
    this.online.delete(userKey);
    return this.bus.publish({ kind: 'deliver', audience: { to: 'all' }, event: known.offline, lazy: true });
  }

  async list(): Promise<OnlineUser[]> {
    return [...this.online.values()].map(({ entry: { user, role, since } }) => ({ user, role, since }));
  }

  async onlineOf(userKeys: string[]): Promise<Set<string>> {
    return new Set(userKeys.filter((k) => this.online.has(k)));
  }

  async close(): Promise<void> {
    // Everyone leaves with the process: telling each the others are leaving would be n² writes.
    this.online.clear();
  }
}

import { DEFAULT_HISTORY_LIMIT, FORBIDDEN_CONTROL_CHARS, MAX_HISTORY_LIMIT, MAX_NOTICE_CHARS, MAX_REASON_CHARS, ProtocolError, nameKey, type MutedUntil } from '../../protocol/index.js';
import type { Bus } from '../bus/port.js';
import type { Logger } from './config.js';
import type { Store, UserRecord } from '../store/port.js';
import { OutboundEvent } from '../shared/outbound-event.js';

// setTimeout cannot wait longer than this; longer mutes simply end when checked.
const MAX_TIMER_MS = 2 ** 31 - 1;

/** Admin actions. Each one is stored, written to the audit log and announced in the lobby. */
export class Moderation {
  private readonly unmuteTimers = new Map<string, NodeJS.Timeout>();

  constructor(
    private readonly store: Store,
    private readonly bus: Bus,
    private readonly logger: Logger,
  ) {}

  async mute(actor: UserRecord, name: string, minutes: number | undefined, reason: string | undefined): Promise<{ user: string; until: MutedUntil }> {
    const target = await this.target(name, 'muted');
    const until: MutedUntil = minutes === undefined ? 'forever' : Date.now() + Math.round(minutes * 60_000);
    const why = cleanReason(reason);
    await this.store.users.update(target.id, { mutedUntil: until });
    await this.bus.publish({ kind: 'user-changed', userKey: target.key, patch: { mutedUntil: until } });
    await this.toUser(target, OutboundEvent.of('muted', why ? { until, reason: why } : { until }));
    this.scheduleUnmute(target, until);
    const span = minutes === undefined ? 'until further notice' : `for ${formatMinutes(minutes)}`;
    await this.record(actor, 'mute', target, `${target.name} was muted by ${actor.name} ${span}${why ? `: ${why}` : ''}`, why ?? null);
    return { user: target.name, until };
  }

  async unmute(actor: UserRecord, name: string): Promise<{ user: string }> {
    const target = await this.target(name, 'unmuted');
    await this.lift(target);
    await this.record(actor, 'unmute', target, `${target.name} was unmuted by ${actor.name}`, null);
    return { user: target.name };
  }

  async kick(actor: UserRecord, name: string, reason: string | undefined): Promise<{ user: string }> {
    const target = await this.target(name, 'kicked');
    const why = cleanReason(reason) ?? 'kicked by an administrator';
    // Revoke tokens first, so a client's automatic reconnect cannot walk straight back in.
    await this.store.sessions.revokeAllOf(target.id);
    await this.bus.publish({ kind: 'disconnect', userKey: target.key, event: OutboundEvent.of('kicked', { reason: why }) });
    await this.record(actor, 'kick', target, `${target.name} was kicked by ${actor.name}: ${why}`, why);
    return { user: target.name };
  }

  /**
   * Ends every session of a user, an administrator's too (a leaked admin token): revokes their
   * tokens and closes their connections with `kicked`. An administrator ending their own keeps
   * the connection that asked open (its token is revoked all the same) to hear the reply.
   */
  async revokeSessions(actor: UserRecord, name: string, actorToken: string | null): Promise<{ user: string; revoked: number }> {
    const target = await this.store.users.findByKey(nameKey(name));
    if (!target) throw new ProtocolError('NO_SUCH_USER', `no user named ${name}`);
    const revoked = await this.store.sessions.revokeAllOf(target.id);
    const event = OutboundEvent.of('kicked', { reason: 'your sessions were ended by an administrator; log in again' });
    const keep = target.id === actor.id && actorToken !== null ? actorToken : undefined;
    await this.bus.publish(keep === undefined ? { kind: 'disconnect', userKey: target.key, event } : { kind: 'disconnect', userKey: target.key, event, keep });
    await this.store.moderation.addAudit({ ts: Date.now(), actor: actor.name, action: 'revoke_sessions', target: target.name, detail: `${revoked} sessions` });
    return { user: target.name, revoked };
  }

  async ban(actor: UserRecord, name: string, reason: string | undefined): Promise<{ user: string }> {
    const target = await this.target(name, 'banned');
    const why = cleanReason(reason) ?? '';
    await this.store.users.update(target.id, { banReason: why });
    await this.store.sessions.revokeAllOf(target.id);
    await this.bus.publish({ kind: 'disconnect', userKey: target.key, event: OutboundEvent.of('banned', { reason: why || 'banned by an administrator' }) });
    await this.record(actor, 'ban', target, `${target.name} was banned by ${actor.name}${why ? `: ${why}` : ''}`, why || null);
    return { user: target.name };
  }

  async unban(actor: UserRecord, name: string): Promise<{ user: string }> {
    const target = await this.target(name, 'unbanned');
    await this.store.users.update(target.id, { banReason: null });
    await this.record(actor, 'unban', target, `${target.name} was unbanned by ${actor.name}`, null);
    return { user: target.name };
  }

  async notice(actor: UserRecord, text: string): Promise<void> {
    if (FORBIDDEN_CONTROL_CHARS.test(text) || text.trim() === '') throw new ProtocolError('BAD_REQUEST', 'a notice is plain text, without control characters');
    const length = [...text].length;
    if (length > MAX_NOTICE_CHARS) throw new ProtocolError('TOO_LONG', `a notice has at most ${MAX_NOTICE_CHARS} characters`);
    await this.store.moderation.addAudit({ ts: Date.now(), actor: actor.name, action: 'notice', target: null, detail: text });
    await this.announce(text, actor.name);
  }

  /** Ends a mute when its time is up, telling the user; on restart, a send after expiry is let through anyway. */
  private scheduleUnmute(target: UserRecord, until: MutedUntil): void {
    clearTimeout(this.unmuteTimers.get(target.key));
    this.unmuteTimers.delete(target.key);
    if (typeof until !== 'number') return;
    const wait = until - Date.now();
    if (wait > MAX_TIMER_MS) return;
    const timer = setTimeout(() => {
      this.unmuteTimers.delete(target.key);
      // Sends are let through after expiry anyway (see above); the user and the rooms are just not told.
      void this.lift(target).catch((err: unknown) => this.logger.error({ err, user: target.name }, 'moderation: lifting an expired mute failed'));
    }, Math.max(0, wait));
    timer.unref();
    this.unmuteTimers.set(target.key, timer);
  }

  private async lift(target: UserRecord): Promise<void> {
    clearTimeout(this.unmuteTimers.get(target.key));
    this.unmuteTimers.delete(target.key);
    await this.store.users.update(target.id, { mutedUntil: null });
    await this.bus.publish({ kind: 'user-changed', userKey: target.key, patch: { mutedUntil: null } });
    await this.toUser(target, OutboundEvent.of('unmuted', {}));
  }

  /** The audit log, newest first: at most `limit` entries (DEFAULT_HISTORY_LIMIT if not given, never over MAX_HISTORY_LIMIT). */
  audit(limit: number | undefined) {
    return this.store.moderation.listAudit(Math.min(limit ?? DEFAULT_HISTORY_LIMIT, MAX_HISTORY_LIMIT));
  }

  private async target(name: string, verb: string): Promise<UserRecord> {
    const target = await this.store.users.findByKey(nameKey(name));
    if (!target) throw new ProtocolError('NO_SUCH_USER', `no user named ${name}`);
    if (target.role === 'admin') throw new ProtocolError('FORBIDDEN', `an administrator cannot be ${verb}`);
    return target;
  }

  private async record(actor: UserRecord, action: string, target: UserRecord, announcement: string, detail: string | null): Promise<void> {
    await this.store.moderation.addAudit({ ts: Date.now(), actor: actor.name, action, target: target.name, detail });
    await this.announce(announcement);
  }

  private announce(text: string, from?: string): Promise<void> {
    const body = from ? { text, from, ts: Date.now() } : { text, ts: Date.now() };
    return this.bus.publish({ kind: 'deliver', audience: { to: 'all' }, event: OutboundEvent.of('notice', body) });
  }

  private toUser(target: UserRecord, event: OutboundEvent): Promise<void> {
    return this.bus.publish({ kind: 'deliver', audience: { to: 'user', key: target.key }, event });
  }

  close(): void {
    for (const timer of this.unmuteTimers.values()) clearTimeout(timer);
    this.unmuteTimers.clear();
  }
}

function cleanReason(reason: string | undefined): string | undefined {
  // eslint-disable-next-line no-control-regex
  const r = reason?.replace(/[\u0000-\u001f\u007f-\u009f]/g, ' ').trim();
  return r ? [...r].slice(0, MAX_REASON_CHARS).join('') : undefined;
}

function formatMinutes(minutes: number): string {
  if (minutes < 1) return `${Math.round(minutes * 60)} s`;
  if (minutes < 120) return `${Math.round(minutes)} min`;
  if (minutes < 48 * 60) return `${Math.round(minutes / 60)} h`;
  return `${Math.round(minutes / 1440)} days`;
}

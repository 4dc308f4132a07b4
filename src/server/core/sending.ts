import type { ReplyResults, RequestBody } from '../../protocol/index.js';
import type { Bus } from '../bus/port.js';
import type { Store, UserRecord } from '../store/port.js';
import type { MessageRate } from './message-rate.js';
import type { Messages, ResolvedConversation } from './messages.js';
import type { ChatMetrics } from './metrics.js';
import { OutboundEvent } from '../shared/outbound-event.js';
import type { TokenBucket } from './rate-limit.js';
import { activeMute } from './rooms.js';

/**
 * The order of one connection's sends: they reach the store in the order they arrived, even
 * though resolving a recipient (or sharing a file) may wait on the store for one and not another.
 */
export class SendOrder {
  private last: Promise<void> = Promise.resolve();

  /**
   * Takes the next place, at once (call it before any await). `previous` resolves once every
   * earlier send has been handed to the store; `release` hands on the turn (idempotent: call it
   * once this send is handed to the store, and in any case when it ends).
   */
  take(): { previous: Promise<void>; release: () => void } {
    const previous = this.last;
    let release!: () => void;
    this.last = new Promise((resolve) => (release = resolve));
    return { previous, release };
  }
}

/** Who sends: their record and typing allowance (what every session of the user shares). */
export interface Sender {
  record: UserRecord;
  readonly typingBucket: TokenBucket;
}

/** Sending messages and typing notifications: ordering, storing, metrics and fan-out. */
export class Sending {
  constructor(
    private readonly store: Store,
    private readonly bus: Bus,
    private readonly messages: Messages,
    private readonly metrics: ChatMetrics,
    private readonly rate: MessageRate,
  ) {}

  /**
   * Stores a message and delivers it (here, before this resolves: the sender's own `msg` event
   * comes before the reply). `admit` is the caller's check of the resolved conversation (a mute
   * within the room); it throws to refuse, before anything is stored.
   */
  async send(me: UserRecord, order: SendOrder, body: RequestBody<'send'>, admit: (conv: ResolvedConversation) => void): Promise<ReplyResults['send']> {
    const turn = order.take();
    try {
      const conv = await this.messages.resolve(me, body.to);
      admit(conv);
      const message = await this.messages.compose(me, conv, body);
      // Shared before it is stored, so a recipient can download as soon as the msg event arrives.
      await this.messages.shareFile(message);
      await turn.previous;
      const started = performance.now();
      const appended = this.store.messages.append(message);
      turn.release();
      const { message: stored, duplicate } = await appended;
      this.metrics.stored((performance.now() - started) / 1000);
      if (!duplicate) {
        this.rate.record();
        await this.messages.fanOut(stored, conv, me);
      }
      const asSeenBy = stored.conv === conv.key ? conv.asSeenBy : await this.messages.viewOf(stored.conv, me);
      return { conv: asSeenBy, seq: stored.seq, ts: stored.ts };
    } finally {
      turn.release();
    }
  }

  /**
   * Tells a conversation's other participants that the user is typing. Typing is a hint: over its
   * allowance, or from a muted user, it is dropped, not refused (and costs no lookup).
   */
  async typing(me: Sender, to: string): Promise<void> {
    if (!me.typingBucket.take().ok || activeMute(me.record.mutedUntil) !== null) return;
    const record = me.record;
    const conv = await this.messages.resolve(record, to);
    // Nor does a member muted within the room type there.
    if (conv.member && activeMute(conv.member.mutedUntil) !== null) return;
    if (!conv.peer) {
      const event = OutboundEvent.of('typing', { conv: conv.asSeenBy, user: record.name });
      const audience = conv.room ? { to: 'room' as const, key: conv.key, exceptUser: record.key } : { to: 'all' as const, exceptUser: record.key };
      await this.bus.publish({ kind: 'deliver', audience, event });
    } else if (conv.peer.key !== record.key) {
      const event = OutboundEvent.of('typing', { conv: `@${record.name}`, user: record.name });
      await this.bus.publish({ kind: 'deliver', audience: { to: 'user', key: conv.peer.key }, event });
    }
  }
}

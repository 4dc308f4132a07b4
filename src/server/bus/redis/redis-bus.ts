import type { Redis } from 'ioredis';
import type { Logger } from '../../shared/logger.js';
import type { Bus, BusMessage } from '../port.js';
import { decodeFrame, encodeFrame } from './frame.js';
import { FLUSH_HELD, PUBLISH_ORDERED } from './scripts.js';

export interface RedisBusOptions {
  /** Names this deployment's channel and keys, so several can share one Redis. */
  prefix: string;
  /** Unique per node (process). */
  nodeId: string;
  logger: Logger;
  /** How long a message after a gap in seq waits for the missing one, in ms. */
  holdMs?: number;
}

type Scripted = Redis & {
  banterPublishOrdered(last: string, held: string, holding: string, channel: string, seq: number, frame: Buffer, conv: string, ttl: number): Promise<number>;
  banterFlushHeld(holding: string, channel: string, prefix: string, holdMs: number, ttl: number): Promise<number>;
};

/**
 * Ordering state of a conversation lives this long after its last message (s). Past it, the
 * first message waits out the hold time (see PUBLISH_ORDERED): rare enough at a week.
 */
const ORDER_TTL_S = 7 * 24 * 3600;

/**
 * Fan-out over Redis pub/sub: one channel per deployment, every node subscribed. A node's own
 * messages reach it through Redis too, so all nodes see one order. Stored messages go through a
 * script that publishes each conversation's messages in seq order, whichever node stored them.
 * Pub/sub is at most once: what is published while a node is cut off from Redis does not reach
 * that node's clients live (they fetch it with history when they see the gap or reconnect).
 */
export class RedisBus implements Bus {
  readonly channel: string;
  readonly prefix: string;
  readonly nodeId: string;
  private readonly handlers: ((message: BusMessage) => void)[] = [];
  private readonly missedHandlers: (() => void)[] = [];
  private started = false;
  private readonly echoes = new Map<number, { resolve: () => void; at: number }>();
  private nextEcho = 0;
  private readonly holdMs: number;
  private readonly timer: NodeJS.Timeout;
  private closed = false;
  readonly pub: Scripted;

  constructor(
    pub: Redis,
    private readonly sub: Redis,
    private readonly options: RedisBusOptions,
  ) {
    this.prefix = options.prefix;
    this.channel = `${options.prefix}:bus`;
    this.nodeId = options.nodeId;
    this.holdMs = options.holdMs ?? 1000;
    pub.defineCommand('banterPublishOrdered', { numberOfKeys: 3, lua: PUBLISH_ORDERED });
    pub.defineCommand('banterFlushHeld', { numberOfKeys: 1, lua: FLUSH_HELD });
    this.pub = pub as Scripted;
    sub.on('messageBuffer', (channel: Buffer, payload: Buffer) => {
      if (channel.toString() === this.channel) this.receive(payload);
    });
    this.timer = setInterval(() => this.tick(), Math.max(20, this.holdMs / 2));
    this.timer.unref();
  }

  /** Subscribes to the channel; resolves once Redis confirmed it. */
  async start(): Promise<void> {
    await this.sub.subscribe(this.channel);
    this.started = true;
    // 'ready' again means the connection dropped and came back: whatever was published meanwhile
    // never reached this node. ioredis subscribes again by itself; once Redis has confirmed it,
    // nothing more is missed, and the store has everything that was.
    this.sub.on('ready', () => {
      if (this.closed || !this.started) return;
      this.sub.subscribe(this.channel).then(
        () => {
          this.options.logger.warn({}, 'bus: the Redis subscription dropped and is back; re-reading online users from the store');
          for (const handler of this.missedHandlers) handler();
        },
        (err: unknown) => this.options.logger.error({ err }, 'bus: subscribing again failed'),
      );
    });
  }

  onMissed(handler: () => void): void {
    this.missedHandlers.push(handler);
  }

  publish(message: BusMessage): Promise<void> {
    if (this.closed) return Promise.resolve();
    const { frame, echo, id } = this.framed(message);
    const ordered = orderedStream(message);
    const sent = ordered
      ? this.pub.banterPublishOrdered(
          `${this.prefix}:last:${ordered.stream}`,
          `${this.prefix}:held:${ordered.stream}`,
          `${this.prefix}:holding`,
          this.channel,
          ordered.seq,
          frame,
          ordered.stream,
          ORDER_TTL_S,
        )
      : this.pub.publish(this.channel, frame);
    sent.catch((err: unknown) => {
      this.options.logger.error({ err, kind: message.kind }, 'bus: publish to Redis failed');
      this.settle(id);
    });
    return echo;
  }

  /** A frame from this node, and a promise that resolves once it has come back and been delivered. */
  framed(message: BusMessage): { frame: Buffer; echo: Promise<void>; id: number } {
    const id = ++this.nextEcho;
    const echo = new Promise<void>((resolve) => this.echoes.set(id, { resolve, at: Date.now() }));
    return { frame: encodeFrame(this.nodeId, id, message), echo, id };
  }

  /** A frame nobody waits for (published later, maybe by another node). */
  frameOnly(message: BusMessage): Buffer {
    return encodeFrame(this.nodeId, 0, message);
  }

  /** Stops waiting for an echo (its frame was not published after all). */
  settle(id: number): void {
    this.echoes.get(id)?.resolve();
    this.echoes.delete(id);
  }

  subscribe(handler: (message: BusMessage) => void): void {
    this.handlers.push(handler);
  }

  private receive(payload: Buffer): void {
    let frame;
    try {
      frame = decodeFrame(payload);
    } catch (err) {
      this.options.logger.error({ err }, 'bus: dropped a malformed frame');
      return;
    }
    for (const handler of this.handlers) {
      try {
        handler(frame.message);
      } catch (err) {
        this.options.logger.error({ err, kind: frame.message.kind }, 'bus: delivery failed');
      }
    }
    if (frame.node === this.nodeId && frame.echo > 0) this.settle(frame.echo);
  }

  private tick(): void {
    // A failed flush leaves the held frames where they are: the next tick tries again.
    this.pub
      .banterFlushHeld(`${this.prefix}:holding`, this.channel, this.prefix, this.holdMs, ORDER_TTL_S)
      .catch((err: unknown) => this.options.logger.warn({ err }, 'bus: flushing held frames failed; retrying next tick'));
    // A frame that never came back (Redis restarted, the subscription dropped): stop waiting.
    const limit = Date.now() - (this.holdMs * 2 + 5000);
    for (const [id, e] of this.echoes) {
      if (e.at > limit) break;
      this.settle(id);
    }
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    clearInterval(this.timer);
    for (const id of [...this.echoes.keys()]) this.settle(id);
    this.handlers.length = 0;
    this.missedHandlers.length = 0;
    await Promise.allSettled([this.sub.quit(), this.pub.quit()]);
  }
}

/**
 * The ordered stream a message belongs to, and its number in it: a conversation's messages by
 * seq, and apart from them its updates (edits, deletes, reactions) by useq. Conversation keys
 * never contain "|" (names are letters, digits, "_", "." and "-"), so the two cannot collide.
 */
function orderedStream(m: BusMessage): { stream: string; seq: number } | null {
  if (m.kind === 'message') return { stream: m.conv, seq: m.seq };
  if (m.kind === 'update') return { stream: `u|${m.conv}`, seq: m.useq };
  return null;
}

import type { MutedUntil } from '../../protocol/index.js';

/**
 * The fan-out port. The core publishes what must reach sessions; every node (one, with the
 * in-process adapter; several, with Redis) hands each message to its own local sessions.
 * Lines are encoded once by the publisher, so every recipient gets the same bytes.
 */
export interface Bus {
  publish(message: BusMessage): void;
  subscribe(handler: (message: BusMessage) => void): void;
  close(): Promise<void>;
}

export type Audience =
  /** Every logged-in session (everyone is in #lobby). */
  | { to: 'all'; exceptUser?: string }
  /** Every session of one user, by user key. */
  | { to: 'user'; key: string }
  /**
   * Every session of every member of a room, by room key. Each node resolves it from its own
   * cache of its online users' memberships (kept current by `room-member` messages).
   */
  | { to: 'room'; key: string; exceptUser?: string };

export type BusMessage =
  | { kind: 'deliver'; audience: Audience; line: string }
  /** Sends a last line to every session of a user, then closes them (kick, ban). */
  | { kind: 'disconnect'; userKey: string; line: string }
  /** A user's state changed (already stored): nodes holding that user apply the patch at once. */
  | { kind: 'user-changed'; userKey: string; patch: { mutedUntil?: MutedUntil } }
  /** A user joined or left a room (already stored): nodes update their membership caches. */
  | { kind: 'room-member'; room: string; userKey: string; joined: boolean };

import type { MutedUntil, OnlineUser, Role } from '../../protocol/index.js';
import type { OutboundEvent } from '../shared/outbound-event.js';

/**
 * The fan-out port. The core publishes what must reach sessions; every node (one, with the
 * in-process adapter; several, with Redis) hands each message to its own local sessions.
 * Events are typed objects that encode themselves once per wire format (OutboundEvent), so every
 * recipient gets the same bytes; an adapter that carries them between nodes sends the v1 encoding.
 */
export interface Bus {
  /**
   * Sends a message to every node, this one included. Resolves once this node has handed it to
   * its own sessions (at once in-process; after the round trip with Redis), so a reply written
   * after it follows the events it caused. It never rejects: a message that cannot be carried
   * is logged by the adapter and lost to live delivery (clients catch up from history).
   */
  publish(message: BusMessage): Promise<void>;
  subscribe(handler: (message: BusMessage) => void): void;
  /**
   * Adapters whose delivery is at most once (Redis pub/sub) call `handler` when they may have
   * missed messages: their subscription dropped and is back. Nodes then re-read from the store
   * what they keep of their online users (mutes, bans, room memberships), which those messages
   * would have updated. The in-process bus misses nothing and never calls it.
   */
  onMissed?(handler: () => void): void;
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

export interface Delivery {
  audience: Audience;
  event: OutboundEvent;
}

export type BusMessage =
  /** `lazy`: low priority (presence), may be held a few ms to share writes (Peer.write). */
  | { kind: 'deliver'; audience: Audience; event: OutboundEvent; lazy?: boolean }
  /**
   * A stored message, with every delivery it makes (a private one reads differently for its two
   * parties). Every node delivers the messages of one conversation in seq order.
   */
  | { kind: 'message'; conv: string; seq: number; deliveries: Delivery[] }
  /**
   * A change (edit, delete, reaction) of a stored message, with its deliveries. Every node
   * delivers the changes of one conversation in useq order, as it does messages in seq order
   * (the two sequences are ordered apart: an update may reach a node before the message it
   * changes, if that message is still held there waiting for an earlier one).
   */
  | { kind: 'update'; conv: string; useq: number; deliveries: Delivery[] }
  /**
   * Sends a last event to every session of a user, then closes them (kick, ban, password change);
   * `keep`: the token hash of a session to leave open (the one that changed the password).
   */
  | { kind: 'disconnect'; userKey: string; event: OutboundEvent; keep?: string }
  /** A user's state changed (already stored): nodes holding that user apply the patch at once. */
  | { kind: 'user-changed'; userKey: string; patch: { mutedUntil?: MutedUntil } }
  /** A user joined or left a room (already stored): nodes update their membership caches. */
  | { kind: 'room-member'; room: string; userKey: string; joined: boolean };

/** A user as presence knows them: the protocol's OnlineUser and their key. */
export interface PresenceEntry extends OnlineUser {
  key: string;
  role: Role;
}

/**
 * Who is online, over every node. The core tells it when a user's first session on this node
 * begins and their last one here ends; the adapter announces `online` when it is their first
 * session anywhere and `offline` when their last anywhere ends (or the node holding it stops
 * answering), each once.
 */
export interface Presence {
  /**
   * The user's first session on this node began. `online` and `offline` are its presence
   * events; `online` goes to everyone if no other node has the user. Resolves once this
   * node has delivered it (if it was sent).
   */
  arrive(entry: PresenceEntry, online: OutboundEvent, offline: OutboundEvent): Promise<void>;
  /** The user's last session on this node ended; their `offline` goes out if no node has them. */
  depart(userKey: string): Promise<void>;
  /** Everyone online on any node. */
  list(): Promise<OnlineUser[]>;
  /** Those of these user keys that are online on any node (a room's members: no walk of everyone). */
  onlineOf(userKeys: string[]): Promise<Set<string>>;
  /** Leaves: this node's users are offline unless another node has them. */
  close(): Promise<void>;
}

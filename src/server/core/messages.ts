import {
  DEFAULT_HISTORY_LIMIT,
  FORBIDDEN_CONTROL_CHARS,
  HISTORY_PAGE_BYTES,
  LOBBY,
  MAX_HISTORY_LIMIT,
  MAX_TEXT_CHARS,
  ProtocolError,
  isSticker,
  type ChatMessage,
  type FileRef,
  type MessageChangeInfo,
  type RequestBody,
} from '../../protocol/index.js';
import type { Audience, Bus, Delivery } from '../bus/port.js';
import type { NewMessage, RoomMember, RoomRecord, Store, StoredMessage, UserRecord } from '../store/port.js';
import { dmKey, dmParties, isRoomKey, parseDestination } from './conversations.js';
import type { Files } from './files.js';
import { readHistoryPage, type HistoryPage } from './history-pages.js';
import { OutboundEvent } from '../shared/outbound-event.js';
import type { Rooms } from './rooms.js';

/** A conversation resolved for one user: its storage key and how that user names it. */
export interface ResolvedConversation {
  key: string;
  /** "#lobby", "#<room>" or "@<display name of the other party>". */
  asSeenBy: string;
  /** The other party of a private conversation. */
  peer?: UserRecord;
  /** A room's record and the user's membership (resolving a room checks that they are in it). */
  room?: RoomRecord;
  member?: RoomMember;
}

/** Sending, storing and fanning out messages; reading history. */
export class Messages {
  constructor(
    private readonly store: Store,
    private readonly bus: Bus,
    private readonly files: Files,
    private readonly rooms: Rooms,
  ) {}

  async resolve(me: UserRecord, to: string): Promise<ResolvedConversation> {
    const dest = parseDestination(to);
    if (dest.kind === 'lobby') return { key: LOBBY, asSeenBy: LOBBY };
    if (dest.kind === 'room') {
      const { room, member } = await this.rooms.access(me, to);
      return { key: room.key, asSeenBy: room.name, room, member };
    }
    const peer = dest.userKey === me.key ? me : await this.store.users.findByKey(dest.userKey);
    if (!peer) throw new ProtocolError('NO_SUCH_USER', `no user named ${dest.typed}`);
    return { key: dmKey(me.key, peer.key), asSeenBy: `@${peer.name}`, peer };
  }

  /** How a user names a conversation given its storage key (for a cid retry that named another). */
  async viewOf(key: string, me: UserRecord): Promise<string> {
    if (isRoomKey(key)) return (await this.store.rooms.find(key))?.name ?? key;
    const parties = dmParties(key);
    if (!parties) return LOBBY;
    const peerKey = parties[0] === me.key ? parties[1] : parties[0];
    const peer = await this.store.users.findByKey(peerKey);
    return `@${peer?.name ?? peerKey}`;
  }

  /** Checks what is sent and turns it into a storable message; throws the protocol's errors. */
  async compose(me: UserRecord, conv: ResolvedConversation, body: RequestBody<'send'>): Promise<NewMessage> {
    const base = { conv: conv.key, senderId: me.id, senderName: me.name, cid: body.cid ?? null };
    if (body.text !== undefined) return { ...base, kind: 'text', body: checkText(body.text) };
    if (body.sticker !== undefined) {
      if (!isSticker(body.sticker)) throw new ProtocolError('BAD_REQUEST', `no sticker named ${JSON.stringify(body.sticker)}`);
      return { ...base, kind: 'sticker', body: body.sticker };
    }
    // The name, size and type come from the server's own record, never from the sender.
    const file = await this.files.forSending(me, body.file?.id ?? '');
    const ref: FileRef = { id: file.id, name: file.name, size: file.size, mime: file.mime };
    return { ...base, kind: 'file', body: JSON.stringify(ref) };
  }

  /** Called before a file message is stored: lets the conversation's members download the file. */
  async shareFile(message: NewMessage): Promise<void> {
    if (message.kind === 'file') await this.files.shared((JSON.parse(message.body) as FileRef).id, message.conv);
  }

  /**
   * Delivers a just-stored message to every session of every participant, sender included;
   * resolves once this node has delivered it. Nodes deliver a conversation's messages in seq order.
   */
  fanOut(stored: StoredMessage, conv: ResolvedConversation, sender: UserRecord): Promise<void> {
    const deliveries = this.deliveries(conv, sender, (asSeenBy) => OutboundEvent.of('msg', toChatMessage(stored, asSeenBy)));
    return this.bus.publish({ kind: 'message', conv: stored.conv, seq: stored.seq, deliveries });
  }

  /**
   * Delivers a just-stored change (edit, delete, reaction) of a message, as an `update` event with
   * the message's whole new state; resolves once this node has delivered it. It goes through the
   * bus's ordered path like messages, by useq: every node delivers a conversation's updates in
   * useq order, so the last update a client gets is the message's current state.
   */
  fanOutUpdate(stored: StoredMessage, conv: ResolvedConversation, actor: UserRecord, change: MessageChangeInfo): Promise<void> {
    const useq = stored.useq!;
    const deliveries = this.deliveries(conv, actor, (asSeenBy) => OutboundEvent.of('update', { ...toChatMessage(stored, asSeenBy), useq, change }));
    return this.bus.publish({ kind: 'update', conv: stored.conv, useq, deliveries });
  }

  /**
   * Who hears of an event in a conversation: one event for the lobby or a room, one per party of a
   * private conversation (each names it after the other). `actor` is the user who caused it, the
   * one `conv` was resolved for.
   */
  private deliveries(conv: ResolvedConversation, actor: UserRecord, eventFor: (asSeenBy: string) => OutboundEvent): Delivery[] {
    if (!conv.peer) {
      const audience: Audience = conv.room ? { to: 'room', key: conv.key } : { to: 'all' };
      return [{ audience, event: eventFor(conv.asSeenBy) }];
    }
    const deliveries: Delivery[] = [{ audience: { to: 'user', key: actor.key }, event: eventFor(conv.asSeenBy) }];
    if (conv.peer.key !== actor.key) deliveries.push({ audience: { to: 'user', key: conv.peer.key }, event: eventFor(`@${actor.name}`) });
    return deliveries;
  }

  /** One page of history, bounded in rows (`limit`) and in bytes (HISTORY_PAGE_BYTES): history-pages.ts. */
  history(conv: ResolvedConversation, q: RequestBody<'history'>): Promise<HistoryPage> {
    const limit = Math.min(q.limit ?? DEFAULT_HISTORY_LIMIT, MAX_HISTORY_LIMIT);
    return readHistoryPage(this.store.messages, conv, q, limit, HISTORY_PAGE_BYTES, toChatMessage);
  }
}

/** Checks a message text (send, edit); returns it as it is stored. */
export function checkText(text: string): string {
  if (text.trim().length === 0) throw new ProtocolError('BAD_REQUEST', 'the text is empty');
  // Escape sequences would let one user drive other users' terminals.
  if (FORBIDDEN_CONTROL_CHARS.test(text)) throw new ProtocolError('BAD_REQUEST', 'the text contains control characters (only tab and newline are allowed)');
  // Characters are code points; a text of at most MAX_TEXT_CHARS UTF-16 units has no more than
  // that, so only longer ones are counted (the count builds an array).
  const length = text.length <= MAX_TEXT_CHARS ? 0 : [...text].length;
  if (length > MAX_TEXT_CHARS) {
    throw new ProtocolError('TOO_LONG', `a message has at most ${MAX_TEXT_CHARS} characters (this one has ${length})`);
  }
  return text;
}

export function toChatMessage(m: StoredMessage, asSeenBy: string): ChatMessage {
  const out: ChatMessage = { conv: asSeenBy, seq: m.seq, ts: m.ts, from: m.senderName };
  if (m.deleted) out.deleted = true;
  else if (m.kind === 'text') out.text = m.body;
  else if (m.kind === 'sticker') out.sticker = m.body as ChatMessage['sticker'];
  else out.file = JSON.parse(m.body) as FileRef;
  if (m.cid !== null) out.cid = m.cid;
  if (m.editedTs !== undefined) out.edited_ts = m.editedTs;
  if (m.reactions && Object.keys(m.reactions).length > 0) out.reactions = m.reactions;
  if (m.useq !== undefined) out.useq = m.useq;
  return out;
}

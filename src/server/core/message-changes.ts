import { MAX_REACTION_EMOJIS, ProtocolError, isEmoji, type MessageChangeInfo } from '../../protocol/index.js';
import type { StoredMessage, Store, UserRecord, MessageChange } from '../store/port.js';
import { checkText, type Messages, type ResolvedConversation } from './messages.js';

/**
 * Edits, deletes and reactions of stored messages. Each change gets the conversation's next update
 * sequence (useq) and goes to the conversation's audience as one `update` event carrying the
 * message's whole new state; `history {updated_after}` replays them for clients that were away.
 */
export class MessageChanges {
  constructor(
    private readonly store: Store,
    private readonly messages: Messages,
  ) {}

  /** Only the sender edits, and only text. */
  async edit(me: UserRecord, conv: ResolvedConversation, seq: number, text: string) {
    const m = await this.existing(conv, seq);
    if (m.senderId !== me.id) throw new ProtocolError('FORBIDDEN', 'you can edit only your own messages');
    if (m.kind !== 'text') throw new ProtocolError('BAD_REQUEST', 'only text messages can be edited');
    const changed = await this.apply(me, conv, seq, { kind: 'edit', body: checkText(text), ts: Date.now() });
    return { conv: conv.asSeenBy, seq, useq: changed.message.useq! };
  }

  /** The sender deletes; so do administrators anywhere and room owners in their room. */
  async delete(me: UserRecord, conv: ResolvedConversation, seq: number) {
    const m = await this.existing(conv, seq);
    const mayModerate = me.role === 'admin' || (conv.room !== undefined && conv.room.ownerId === me.id);
    if (m.senderId !== me.id && !mayModerate) throw new ProtocolError('FORBIDDEN', 'you can delete only your own messages');
    const changed = await this.apply(me, conv, seq, { kind: 'delete', ts: Date.now() });
    return { conv: conv.asSeenBy, seq, useq: changed.message.useq! };
  }

  /** Toggles the user's reaction with one emoji. */
  async react(me: UserRecord, conv: ResolvedConversation, seq: number, emoji: string) {
    if (!isEmoji(emoji)) throw new ProtocolError('BAD_REQUEST', 'a reaction is one emoji');
    await this.existing(conv, seq);
    const change: MessageChange = { kind: 'react', userId: me.id, userName: me.name, emoji, ts: Date.now(), maxEmojis: MAX_REACTION_EMOJIS };
    const changed = await this.apply(me, conv, seq, change);
    return { conv: conv.asSeenBy, seq, useq: changed.message.useq!, added: changed.added };
  }

  private async existing(conv: ResolvedConversation, seq: number): Promise<StoredMessage> {
    const m = await this.store.messages.find(conv.key, seq);
    if (!m || m.deleted) throw new ProtocolError('NO_SUCH_MESSAGE', `no message ${seq} in ${conv.asSeenBy}`);
    return m;
  }

  private async apply(me: UserRecord, conv: ResolvedConversation, seq: number, change: MessageChange) {
    const changed = await this.store.messages.change(conv.key, seq, change);
    // Deleted by someone else since it was looked up.
    if (!changed) throw new ProtocolError('NO_SUCH_MESSAGE', `no message ${seq} in ${conv.asSeenBy}`);
    if (changed.refused) throw new ProtocolError('BAD_REQUEST', `a message has at most ${MAX_REACTION_EMOJIS} different reactions`);
    const stored = changed.message;
    const info: MessageChangeInfo = change.kind === 'react' ? { kind: 'react', by: me.name, emoji: change.emoji, added: changed.added } : { kind: change.kind, by: me.name };
    await this.messages.fanOutUpdate(stored, conv, me, info);
    return changed;
  }
}

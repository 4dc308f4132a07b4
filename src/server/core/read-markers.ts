import { LOBBY, MAX_UNREAD_COUNT, type ConversationInfo } from '../../protocol/index.js';
import type { Bus } from '../bus/port.js';
import type { Store, UserRecord } from '../store/port.js';
import type { ResolvedConversation } from './messages.js';
import { OutboundEvent } from '../shared/outbound-event.js';

/**
 * Read markers, kept by the server per user and conversation so every device shows the same
 * unread counts. A marker only moves forward; each move is told to all the user's sessions.
 */
export class ReadMarkers {
  constructor(
    private readonly store: Store,
    private readonly bus: Bus,
  ) {}

  /** Marks everything up to `seq` read (never past the newest message); returns the marker. */
  async read(me: UserRecord, conv: ResolvedConversation, seq: number): Promise<{ conv: string; seq: number }> {
    const [newest] = await this.store.messages.history(conv.key, { limit: 1 });
    const target = Math.min(seq, newest?.seq ?? 0);
    const marker = await this.store.readMarkers.advance(me.id, conv.key, target);
    if (marker.moved) {
      const event = OutboundEvent.of('read', { conv: conv.asSeenBy, seq: marker.seq });
      await this.bus.publish({ kind: 'deliver', audience: { to: 'user', key: me.key }, event });
    }
    return { conv: conv.asSeenBy, seq: marker.seq };
  }

  /** The user's conversations (#lobby, rooms, private ones), each with its marker and unread count. */
  async conversations(me: UserRecord): Promise<ConversationInfo[]> {
    const [direct, rooms, markers] = await Promise.all([this.store.messages.conversationsOf(me.key), this.store.rooms.roomsOf(me.id), this.store.readMarkers.listOf(me.id)]);
    const readSeq = new Map(markers.map((m) => [m.conv, m.seq]));
    const all = [
      ...direct.map((c) => ({ key: c.conv, conv: c.peer === null ? LOBBY : `@${c.peer}`, lastSeq: c.lastSeq, lastTs: c.lastTs })),
      ...rooms.map((r) => ({ key: r.room.key, conv: r.room.name, lastSeq: r.lastSeq, lastTs: r.lastTs })),
    ];
    const useqs = await this.store.messages.lastUpdateSeqs(all.map((c) => c.key));
    const out = await Promise.all(
      all.map(async (c): Promise<ConversationInfo & { sortTs: number }> => {
        const read = readSeq.get(c.key) ?? 0;
        const unread = c.lastSeq > read ? await this.store.messages.countUnread(c.key, read, me.id, MAX_UNREAD_COUNT) : 0;
        return { conv: c.conv, last_seq: c.lastSeq, last_ts: c.lastTs, read_seq: read, unread, last_useq: useqs[c.key] ?? 0, sortTs: c.lastTs ?? -1 };
      }),
    );
    // Newest first; conversations without messages last.
    return out.sort((a, b) => b.sortTs - a.sortTs).map(({ sortTs: _sortTs, ...c }) => c);
  }
}

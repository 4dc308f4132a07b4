import type { ChatMessage, RequestBody } from '../../protocol/index.js';
import type { MessageStore, StoredMessage } from '../store/port.js';

/**
 * Rows read from the store per slice, growing while the messages are small. The SQLite store
 * reads on the event loop: 200 rows of 4000 emoji are 3.2 MB of synchronous work, so a page is
 * read in slices with a turn of the event loop between them, and other users' requests and
 * messages get their turn while a big page is built.
 */
const FIRST_SLICE_ROWS = 25;
const MAX_SLICE_ROWS = 100;

export interface HistoryPage {
  messages: ChatMessage[];
  /** The page stopped at the byte budget before `limit`: there are further messages in its direction. */
  more: boolean;
}

/**
 * One `history` page: at most `limit` messages and about `maxBytes` of JSON (at least one
 * message), read from the end the query is anchored at: the newest first when there is no `after`
 * (the page keeps the messages nearest `before`, or the latest), the oldest first with `after`
 * or `updated_after`. Returned oldest first (by useq with `updated_after`), as the protocol says.
 */
export async function readHistoryPage(
  store: MessageStore,
  conv: { key: string; asSeenBy: string },
  q: RequestBody<'history'>,
  limit: number,
  maxBytes: number,
  toChatMessage: (m: StoredMessage, asSeenBy: string) => ChatMessage,
): Promise<HistoryPage> {
  const backwards = q.updated_after === undefined && q.after === undefined;
  let cursor = q.updated_after ?? q.after ?? q.before;
  const taken: ChatMessage[] = [];
  let bytes = 0;
  let sliceRows = FIRST_SLICE_ROWS;
  for (;;) {
    const want = Math.min(sliceRows, limit - taken.length);
    const rows = await readSlice(store, conv.key, q, cursor, want);
    const ordered = backwards ? rows.reverse() : rows;
    for (const row of ordered) {
      const message = toChatMessage(row, conv.asSeenBy);
      // The reply's JSON has each message once, with a comma: the same measure, near enough.
      const size = Buffer.byteLength(JSON.stringify(message)) + 1;
      if (taken.length > 0 && bytes + size > maxBytes) return finish(taken, backwards, true);
      taken.push(message);
      bytes += size;
    }
    if (rows.length < want || taken.length >= limit) return finish(taken, backwards, false);
    const last = ordered[ordered.length - 1]!;
    cursor = q.updated_after !== undefined ? last.useq : last.seq;
    sliceRows = Math.min(MAX_SLICE_ROWS, sliceRows * 2);
    await new Promise<void>((resolve) => setImmediate(resolve));
  }
}

function readSlice(store: MessageStore, key: string, q: RequestBody<'history'>, cursor: number | undefined, limit: number): Promise<StoredMessage[]> {
  if (q.updated_after !== undefined) return store.changedAfter(key, cursor ?? q.updated_after, limit);
  if (q.after !== undefined) return store.history(key, { after: cursor, before: q.before, limit });
  return store.history(key, { before: cursor, limit });
}

function finish(taken: ChatMessage[], backwards: boolean, more: boolean): HistoryPage {
  return { messages: backwards ? taken.reverse() : taken, more };
}

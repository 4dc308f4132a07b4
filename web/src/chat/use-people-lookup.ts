import { useEffect, useRef, useState } from 'react';
import type { UserListing } from '../../../src/protocol/messages.js';
import type { ChatStore } from '../app/chat-store.js';

/** How long typing must pause before the server is asked (one request per pause, not per key). */
export const LOOKUP_DELAY_MS = 200;
/** Suggestions shown at once. */
export const LOOKUP_LIMIT = 8;

/** The server's answer for one prefix (protocol §4.35 `users`). */
export interface Lookup {
  prefix: string;
  users: readonly UserListing[];
}

/**
 * Registered people whose name starts with `prefix`, online or not, asked of the server a moment
 * after typing stops. Only the latest request's answer is kept: a slow reply to an older prefix
 * never replaces a newer one. An empty prefix asks nothing (undefined).
 */
export function usePeopleLookup(store: ChatStore, prefix: string): Lookup | undefined {
  const [lookup, setLookup] = useState<Lookup | undefined>();
  const latest = useRef(0);
  useEffect(() => {
    const ticket = ++latest.current;
    if (!prefix) {
      setLookup(undefined);
      return;
    }
    const timer = setTimeout(() => {
      store.session.request('users', { prefix, limit: LOOKUP_LIMIT }).then(
        (r) => ticket === latest.current && setLookup({ prefix, users: r.users }),
        // Offline or refused: the suggestions stay as they were; Open chat still reports errors.
        () => undefined,
      );
    }, LOOKUP_DELAY_MS);
    return () => clearTimeout(timer);
  }, [store, prefix]);
  return lookup;
}

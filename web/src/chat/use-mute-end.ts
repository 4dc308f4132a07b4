import { useEffect, useState } from 'react';
import type { MutedUntil } from '../../../src/protocol/messages.js';

/**
 * Whether the user is muted now. A timed mute ends by itself at its time: the server sends
 * `unmuted` then, but the composer must not wait on the network (or stay shut if the event is lost).
 */
export function useMuteEnd(until: MutedUntil): boolean {
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    if (typeof until !== 'number') return;
    const left = until - Date.now();
    if (left <= 0) return;
    // setTimeout's longest wait is about 24.8 days: wake up then and look again.
    const timer = setTimeout(() => setNow(Date.now()), Math.min(left + 50, 2 ** 31 - 1));
    return () => clearTimeout(timer);
  }, [until, now]);
  return until === 'forever' || (typeof until === 'number' && until > Math.max(now, Date.now()));
}

// A peer is a slow consumer when bytes written in *earlier* event-loop turns are still queued
// beyond the limit: the operating system has not taken them. Bytes offered in the current turn do
// not count, so a client that reads everything is never dropped because a group commit fanned a
// burst of messages out at once. A hard cap bounds memory within a single turn as well.
const BURST_CAP_BYTES = 32 * 1024 * 1024;

const seenThisTurn = new Set<object>();
const backlogAtTurnStart = new WeakMap<object, number>();
let clearScheduled = false;

/**
 * Decides whether queuing `adding` more bytes on a peer whose queue now holds `queued` bytes
 * means it has fallen too far behind.
 */
export function tooFarBehind(peer: object, queued: number, adding: number, limit: number): boolean {
  if (!seenThisTurn.has(peer)) {
    seenThisTurn.add(peer);
    backlogAtTurnStart.set(peer, queued);
    if (!clearScheduled) {
      clearScheduled = true;
      process.nextTick(() => {
        clearScheduled = false;
        seenThisTurn.clear();
      });
    }
  }
  return (backlogAtTurnStart.get(peer) ?? 0) > limit || queued + adding > limit + BURST_CAP_BYTES;
}

import { currentTurn } from './write-coalescer.js';

// A peer is a slow consumer when bytes written in *earlier* turns of the event loop are still
// queued beyond the limit: the operating system has not taken them. Bytes offered in the current
// turn do not count, so a client that reads everything is never dropped because a group commit
// fanned a burst of messages out at once. A hard cap bounds memory within a single turn as well.
// Turns end where write-coalescer.ts writes them out.
const BURST_CAP_BYTES = 32 * 1024 * 1024;

/** One connection's outbound allowance. */
export class OutboundLimit {
  private turn = -1;
  private backlogAtTurnStart = 0;
  private addedThisTurn = 0;

  constructor(readonly limit: number) {}

  /**
   * Whether queuing `adding` more bytes means the peer has fallen too far behind. `queued` (the
   * bytes the connection holds) is asked once per turn: what this turn adds is counted here.
   */
  tooFarBehind(queued: () => number, adding: number): boolean {
    const turn = currentTurn();
    if (turn !== this.turn) {
      this.turn = turn;
      this.backlogAtTurnStart = queued();
      this.addedThisTurn = 0;
    }
    this.addedThisTurn += adding;
    return this.backlogAtTurnStart > this.limit || this.backlogAtTurnStart + this.addedThisTurn > this.limit + BURST_CAP_BYTES;
  }
}

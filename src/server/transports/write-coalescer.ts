import type { Writable } from 'node:stream';

// Writes are held until the current turn of the event loop is over, then each connection gets one
// write. A turn is every I/O callback of one loop iteration (many sockets' requests are read in one
// poll phase) and ends in the check phase (setImmediate), not after each callback
// (process.nextTick): a group commit that fans out a batch of messages, or a storm of logins whose
// presence events go to everyone, then costs each socket one syscall instead of one per event.

// Low-priority bytes (Peer.write's `lazy`) may wait up to LAZY_MS for more to share a write with.
// Anything else written to a connection takes its waiting bytes along at the end of the turn, so
// the order on a connection never changes. (Presence for everyone is gathered before it gets
// here, by the core's broadcast journal, which hands it out once per window.)
export const LAZY_MS = 20;

let turn = 0;
let scheduled = false;
let lazyScheduled = false;
const due = new Set<TurnBuffer>();
const lazyDue = new Set<TurnBuffer>();
const corked = new Set<Writable>();

/** Increases when a turn ends; a peer compares it to tell a new turn from the current one. */
export function currentTurn(): number {
  return turn;
}

function endTurn(): void {
  scheduled = false;
  turn++;
  // Recipients of the same events in the same order (a lobby fan-out) share one joined buffer:
  // the bytes are copied once per turn, not once per recipient.
  let lastChunks: Buffer[] = [];
  let lastJoined: Buffer | undefined;
  for (const b of due) {
    due.delete(b);
    const chunks = b.take();
    if (chunks.length === 0) continue;
    let data: Buffer;
    if (chunks.length === 1) data = chunks[0]!;
    else if (lastJoined && sameChunks(chunks, lastChunks)) data = lastJoined;
    else {
      data = Buffer.concat(chunks);
      lastChunks = chunks;
      lastJoined = data;
    }
    b.out(data);
  }
  for (const stream of corked) stream.uncork();
  corked.clear();
}

function sameChunks(a: Buffer[], b: Buffer[]): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

function schedule(): void {
  if (!scheduled) {
    scheduled = true;
    setImmediate(endTurn);
  }
}

function flushLazy(): void {
  lazyScheduled = false;
  for (const b of lazyDue) due.add(b);
  lazyDue.clear();
  schedule();
}

/** One connection's bytes of the current turn, written out as one buffer when the turn ends. */
export class TurnBuffer {
  private chunks: Buffer[] = [];
  private bytes = 0;

  constructor(readonly out: (data: Buffer) => void) {}

  /** Bytes held for the end of this turn. */
  get pending(): number {
    return this.bytes;
  }

  /** Holds `data` for the end of this turn; `lazy` data may wait up to LAZY_MS (see above). */
  push(data: Buffer, lazy = false): void {
    this.chunks.push(data);
    this.bytes += data.length;
    if (due.has(this)) return;
    if (!lazy) {
      lazyDue.delete(this);
      due.add(this);
      schedule();
    } else if (!lazyDue.has(this)) {
      lazyDue.add(this);
      if (!lazyScheduled) {
        lazyScheduled = true;
        setTimeout(flushLazy, LAZY_MS);
      }
    }
  }

  take(): Buffer[] {
    const chunks = this.chunks;
    this.chunks = [];
    this.bytes = 0;
    return chunks;
  }

  /** Writes what is held now, ahead of a last line and a close. */
  flush(): void {
    due.delete(this);
    lazyDue.delete(this);
    const chunks = this.take();
    if (chunks.length > 0) this.out(chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks));
  }
}

/**
 * For streams that frame each message themselves (WebSocket): corks the stream until the turn
 * ends, so its frames of this turn leave in one writev.
 */
export function corkForTurn(stream: Writable): void {
  if (corked.has(stream)) return;
  stream.cork();
  corked.add(stream);
  schedule();
}

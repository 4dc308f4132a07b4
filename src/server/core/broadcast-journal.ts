import type { OutboundEvent } from '../shared/outbound-event.js';

/**
 * Lines for every logged-in session that may wait a moment (presence), kept once for everyone
 * instead of once per session. A storm of N logins announces each to every session: handing each
 * announcement to each session walks the sessions N times (N² steps); the journal takes each line
 * in one step and hands the turn's lines to every session in one walk, as one shared buffer.
 *
 * Each session remembers how far it has read (a position). Before anything else is written to a
 * session it gets what it has not read yet, so no line overtakes a journal line it came after.
 */
export class BroadcastJournal {
  private events: OutboundEvent[] = [];
  private lines: Buffer[] = [];
  /** Byte offset of lines[i] within the joined lines. */
  private offsets: number[] = [];
  private bytes = 0;
  /** Lines handed out (to every session) before lines[0]. */
  private base = 0;
  private joined: Buffer | undefined;
  /** The views unread() handed out, by line index: sessions at one position share one object. */
  private views = new Map<number, Buffer>();

  /** The position after the last line: a session that starts reading now gets only later lines. */
  get end(): number {
    return this.base + this.lines.length;
  }

  get isEmpty(): boolean {
    return this.lines.length === 0;
  }

  /** Lines not yet cleared. */
  get length(): number {
    return this.lines.length;
  }

  append(event: OutboundEvent): void {
    const line = event.v1;
    this.events.push(event);
    this.offsets.push(this.bytes);
    this.lines.push(line);
    this.bytes += line.length;
    this.joined = undefined;
    this.views.clear();
  }

  /** What a session at `position` has not read yet, as bytes shared with every other reader; undefined when nothing. */
  unread(position: number): Buffer | undefined {
    const i = Math.max(0, position - this.base);
    if (i >= this.lines.length) return undefined;
    const all = (this.joined ??= this.lines.length === 1 ? this.lines[0]! : Buffer.concat(this.lines, this.bytes));
    if (i === 0) return all;
    let view = this.views.get(i);
    if (!view) this.views.set(i, (view = all.subarray(this.offsets[i])));
    return view;
  }

  /** The events a session at `position` has not read yet, for peers that take events (Peer.writeEvent). */
  unreadEvents(position: number): readonly OutboundEvent[] {
    const i = Math.max(0, position - this.base);
    return i === 0 ? this.events : this.events.slice(i);
  }

  /** Every session has read everything: the lines can go. */
  clear(): void {
    this.base += this.lines.length;
    this.events = [];
    this.lines = [];
    this.offsets = [];
    this.bytes = 0;
    this.joined = undefined;
    this.views.clear();
  }
}

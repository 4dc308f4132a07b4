/**
 * The reasons IRC users give for QUIT, PART and KICK. Banter's events (presence, left) carry
 * none, so the gateway keeps each reason for a few seconds, until the event it explains comes
 * back from the core, and this node's IRC sessions show it then: RFC 2812 §3.1.7, §3.2.2 and
 * §3.2.8 relay the reason to the channel. Clients on other nodes, or not on IRC, get the
 * event without it, as before.
 */

/** The event follows its command within milliseconds; a reason older than this is stale. */
const REASON_TTL_MS = 10_000;
/** A bound on what a flood of QUITs and PARTs can make the gateway hold. */
const MAX_REASONS = 10_000;
/** Reasons are cut to this many characters (as KICKLEN and AWAYLEN say) so that lines fit. */
export const MAX_RELAYED_REASON_CHARS = 200;

export class ReasonMemory {
  private readonly reasons = new Map<string, { text: string; at: number }>();

  constructor(private readonly now: () => number = Date.now) {}

  set(key: string, text: string): void {
    const cut = [...text].slice(0, MAX_RELAYED_REASON_CHARS).join('');
    this.reasons.delete(key);
    // Map order is insertion order: the first key is the oldest.
    if (this.reasons.size >= MAX_REASONS) this.reasons.delete(this.reasons.keys().next().value!);
    this.reasons.set(key, { text: cut, at: this.now() });
  }

  /** The reason, if one was given recently; every session showing the event reads it. */
  get(key: string): string | undefined {
    const r = this.reasons.get(key);
    if (!r) return undefined;
    if (this.now() - r.at > REASON_TTL_MS) {
      this.reasons.delete(key);
      return undefined;
    }
    return r.text;
  }

  delete(key: string): void {
    this.reasons.delete(key);
  }
}

export const quitKey = (userKey: string): string => `quit ${userKey}`;
export const partKey = (roomKey: string, userKey: string): string => `part ${roomKey} ${userKey}`;
export const kickKey = (roomKey: string, userKey: string): string => `kick ${roomKey} ${userKey}`;

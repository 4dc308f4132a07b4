import { nowMicros } from './proc.js';

/**
 * Every benchmark message carries "<sender>.<index>.<send time in µs>." padded with "x" to
 * PAYLOAD_BYTES, the same text on every system, so receivers can check order and measure latency
 * by reading a few ASCII digits, without parsing the whole delivery.
 */
export const PAYLOAD_BYTES = 100;

export function makePayload(sender: number, index: number): string {
  const head = `${sender}.${index}.${nowMicros()}.`;
  return head + 'x'.repeat(PAYLOAD_BYTES - head.length);
}

const DOT = 46;

export interface PayloadFields {
  sender: number;
  index: number;
  sentMicros: number;
}

/** Reads the three numbers at buf[at...]; returns false if they are not there. */
export function readPayload(buf: Buffer, at: number, out: PayloadFields): boolean {
  let field = 0;
  let value = 0;
  for (let i = at; i < buf.length && i < at + 40; i++) {
    const c = buf[i]!;
    if (c === DOT) {
      if (field === 0) out.sender = value;
      else if (field === 1) out.index = value;
      else {
        out.sentMicros = value;
        return true;
      }
      field++;
      value = 0;
    } else if (c >= 48 && c <= 57) value = value * 10 + (c - 48);
    else return false;
  }
  return false;
}

/**
 * Where a payload ending at buf[stop - 1] starts, if `marker` comes right before it (every
 * payload is PAYLOAD_BYTES of ASCII); -1 if not. Receivers look there first: the payload is the
 * last field of a Banter msg line and the trailing parameter of an IRC PRIVMSG, so this spares a
 * search through every line.
 */
export function payloadBefore(buf: Buffer, stop: number, marker: Buffer): number {
  const at = stop - PAYLOAD_BYTES;
  const m = at - marker.length;
  if (m < 0) return -1;
  for (let i = 0; i < marker.length; i++) if (buf[m + i] !== marker[i]) return -1;
  return at;
}

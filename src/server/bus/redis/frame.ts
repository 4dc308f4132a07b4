import { OutboundEvent } from '../../shared/outbound-event.js';
import type { Audience, BusMessage } from '../port.js';

/**
 * How a bus message travels through Redis: one JSON header line, then the events' v1 lines as
 * they are, byte for byte (the header gives their lengths). The publisher encodes each event
 * once; every node copies the same bytes out once, as the event's v1 encoding (decoded only if
 * a recipient there wants the typed event: see OutboundEvent.fromV1).
 */
interface Header {
  /** Publishing node, and its echo number (0: nobody waits for it). */
  n: string;
  i: number;
  k: 'd' | 'm' | 'e' | 'x' | 'u' | 'r';
  a?: Audience | Audience[];
  c?: string;
  s?: number;
  u?: string;
  /** disconnect: the token hash of the session to keep open. */
  t?: string;
  /** room-member: the room, and whether the user joined. */
  r?: string;
  j?: boolean;
  p?: Extract<BusMessage, { kind: 'user-changed' }>['patch'];
  /** A lazy delivery (presence): may wait a few ms to share a write. */
  z?: 1;
  l: number[];
}

export interface Frame {
  node: string;
  echo: number;
  message: BusMessage;
}

const NEWLINE = 0x0a;

export function encodeFrame(node: string, echo: number, m: BusMessage): Buffer {
  let header: Omit<Header, 'l'>;
  let lines: Buffer[];
  switch (m.kind) {
    case 'deliver':
      header = m.lazy ? { n: node, i: echo, k: 'd', a: m.audience, z: 1 } : { n: node, i: echo, k: 'd', a: m.audience };
      lines = [m.event.v1];
      break;
    case 'message':
      header = { n: node, i: echo, k: 'm', c: m.conv, s: m.seq, a: m.deliveries.map((d) => d.audience) };
      lines = m.deliveries.map((d) => d.event.v1);
      break;
    case 'update':
      header = { n: node, i: echo, k: 'e', c: m.conv, s: m.useq, a: m.deliveries.map((d) => d.audience) };
      lines = m.deliveries.map((d) => d.event.v1);
      break;
    case 'disconnect':
      header = m.keep === undefined ? { n: node, i: echo, k: 'x', u: m.userKey } : { n: node, i: echo, k: 'x', u: m.userKey, t: m.keep };
      lines = [m.event.v1];
      break;
    case 'user-changed':
      header = { n: node, i: echo, k: 'u', u: m.userKey, p: m.patch };
      lines = [];
      break;
    case 'room-member':
      header = { n: node, i: echo, k: 'r', r: m.room, u: m.userKey, j: m.joined };
      lines = [];
      break;
  }
  const head = Buffer.from(JSON.stringify({ ...header, l: lines.map((b) => b.length) }) + '\n');
  return Buffer.concat([head, ...lines]);
}

/** Reads a frame; throws on anything that is not one (the caller logs and drops it). */
export function decodeFrame(buf: Buffer): Frame {
  const nl = buf.indexOf(NEWLINE);
  if (nl < 0) throw new Error('bus frame without a header');
  const h = JSON.parse(buf.subarray(0, nl).toString('utf8')) as Header;
  const events: OutboundEvent[] = [];
  let at = nl + 1;
  for (const length of h.l) {
    if (at + length > buf.length) throw new Error('bus frame shorter than its header says');
    // A copy: the payload may be a view of the Redis client's read buffer, and the event's bytes
    // wait in socket queues.
    events.push(OutboundEvent.fromV1(Buffer.from(buf.subarray(at, at + length))));
    at += length;
  }
  const frame = (message: BusMessage): Frame => ({ node: h.n, echo: h.i, message });
  switch (h.k) {
    case 'd':
      return frame(h.z === 1 ? { kind: 'deliver', audience: h.a as Audience, event: events[0]!, lazy: true } : { kind: 'deliver', audience: h.a as Audience, event: events[0]! });
    case 'm': {
      const audiences = h.a as Audience[];
      return frame({ kind: 'message', conv: h.c!, seq: h.s!, deliveries: audiences.map((audience, i) => ({ audience, event: events[i]! })) });
    }
    case 'e': {
      const audiences = h.a as Audience[];
      return frame({ kind: 'update', conv: h.c!, useq: h.s!, deliveries: audiences.map((audience, i) => ({ audience, event: events[i]! })) });
    }
    case 'r':
      if (typeof h.r !== 'string' || typeof h.u !== 'string' || typeof h.j !== 'boolean') throw new Error('bus frame: bad room-member');
      return frame({ kind: 'room-member', room: h.r, userKey: h.u, joined: h.j });
    case 'x':
      return frame(h.t === undefined ? { kind: 'disconnect', userKey: h.u!, event: events[0]! } : { kind: 'disconnect', userKey: h.u!, event: events[0]!, keep: h.t });
    case 'u':
      return frame({ kind: 'user-changed', userKey: h.u!, patch: h.p ?? {} });
    default:
      throw new Error(`bus frame of unknown kind ${JSON.stringify(h.k)}`);
  }
}

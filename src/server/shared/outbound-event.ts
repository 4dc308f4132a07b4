import { encodeLine, type EventBodies, type EventName, type ServerEvent } from '../../protocol/index.js';

/**
 * A wire format other than v1 that events are encoded into (the IRC gateway has one per line
 * style). Only its identity matters: it is the key an event caches its encoding under.
 */
export class EventFormat<T> {
  /** Never read: it ties the format to the type of its encodings. */
  declare private readonly encoding?: T;
  constructor(readonly name: string) {}
}

/**
 * One event from the core to its clients: the typed event, and its encodings, each made once on
 * first use and then handed to every recipient (the same Buffer to every v1 peer, the same IRC
 * bytes to every IRC peer with the same line style). The core never encodes for a format other
 * than v1 itself: an adapter asks for its encoding (encodedAs) with its own encoder.
 */
export class OutboundEvent {
  private decoded: ServerEvent | undefined;
  private bytes: Buffer | undefined;
  private encodings: Map<EventFormat<unknown>, unknown> | undefined;

  private constructor(decoded: ServerEvent | undefined, bytes: Buffer | undefined) {
    this.decoded = decoded;
    this.bytes = bytes;
  }

  static of<E extends EventName>(ev: E, body: EventBodies[E]): OutboundEvent {
    return new OutboundEvent({ ev, ...body } as ServerEvent, undefined);
  }

  /**
   * An event that arrived already encoded as a v1 line (from another node, through the bus):
   * its bytes are used as they are, and decoded only if a recipient needs the typed event.
   */
  static fromV1(line: Buffer): OutboundEvent {
    return new OutboundEvent(undefined, line);
  }

  /** The event as the v1 protocol sends it: one JSON line, newline included. */
  get v1(): Buffer {
    return (this.bytes ??= Buffer.from(encodeLine(this.decoded!)));
  }

  /** The typed event. */
  get event(): ServerEvent {
    return (this.decoded ??= JSON.parse(this.bytes!.toString('utf8')) as ServerEvent);
  }

  get name(): EventName {
    return this.event.ev;
  }

  /** The encoding of this event in another wire format, made by `encode` the first time it is asked for. */
  encodedAs<T>(format: EventFormat<T>, encode: (event: ServerEvent) => T): T {
    this.encodings ??= new Map();
    if (this.encodings.has(format)) return this.encodings.get(format) as T;
    const encoded = encode(this.event);
    this.encodings.set(format, encoded);
    return encoded;
  }
}

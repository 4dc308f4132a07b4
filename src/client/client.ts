import type { EventBodies, EventName, Op, ReplyResults, RequestBody } from '../protocol/index.js';
import { Emitter } from './emitter.js';
import { BanterError } from './errors.js';
import type { Transport, TransportFactory } from './transport.js';

export interface ClientOptions {
  /** How long a request may wait for its reply. */
  requestTimeoutMs?: number;
}

interface Pending {
  resolve: (value: unknown) => void;
  reject: (error: BanterError) => void;
  timer: ReturnType<typeof setTimeout>;
}

/** Server events, plus `close` (with the reason, when known) when the connection ends. */
export type ClientEvents = EventBodies & { close: string | undefined };

/**
 * One connection to a Banter server: requests with typed replies and errors, typed events.
 * Runs anywhere its transport does (TCP in Node, WebSocket in the browser).
 */
export class BanterClient extends Emitter<ClientEvents> {
  private nextId = 1;
  private readonly pending = new Map<number, Pending>();
  private open = true;

  private constructor(
    private readonly transport: Transport,
    private readonly options: Required<ClientOptions>,
  ) {
    super();
    transport.onMessage((text) => this.receive(text));
    transport.onClose((reason) => this.closed(reason));
  }

  static async connect(factory: TransportFactory, options: ClientOptions = {}): Promise<BanterClient> {
    return new BanterClient(await factory(), { requestTimeoutMs: options.requestTimeoutMs ?? 15_000 });
  }

  get isOpen(): boolean {
    return this.open;
  }

  request<O extends Op>(op: O, body: RequestBody<O>, timeoutMs = this.options.requestTimeoutMs): Promise<ReplyResults[O]> {
    if (!this.open) return Promise.reject(new BanterError({ code: 'DISCONNECTED', message: 'not connected' }));
    const id = this.nextId++;
    return new Promise<ReplyResults[O]>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.pending.delete(id);
        reject(new BanterError({ code: 'TIMEOUT', message: `${op} got no reply within ${timeoutMs} ms` }));
      }, timeoutMs);
      this.pending.set(id, { resolve: resolve as (v: unknown) => void, reject, timer });
      this.transport.send(JSON.stringify({ id, op, ...body }));
    });
  }

  /** Sends a request that wants no reply (typing, pong). */
  notify<O extends Op>(op: O, body: RequestBody<O>): void {
    if (this.open) this.transport.send(JSON.stringify({ op, ...body }));
  }

  onClose(listener: (reason?: string) => void): () => void {
    return this.on('close', listener);
  }

  close(): void {
    this.transport.close();
  }

  private receive(text: string): void {
    let msg: Record<string, unknown>;
    try {
      msg = JSON.parse(text) as Record<string, unknown>;
    } catch {
      return; // a server never sends this; nothing sensible to do with it
    }
    if (typeof msg.re === 'number') {
      const p = this.pending.get(msg.re);
      if (!p) return;
      this.pending.delete(msg.re);
      clearTimeout(p.timer);
      if (msg.ok === true) {
        const { re: _re, ok: _ok, ...result } = msg;
        p.resolve(result);
      } else p.reject(new BanterError(msg.error as ConstructorParameters<typeof BanterError>[0]));
      return;
    }
    if (typeof msg.ev !== 'string' || msg.ev === 'close') return; // `close` is ours, not the server's
    if (msg.ev === 'ping') this.notify('pong', {});
    const { ev, ...body } = msg;
    this.emit(ev as EventName, body as never);
  }

  private closed(reason?: string): void {
    if (!this.open) return;
    this.open = false;
    for (const [id, p] of this.pending) {
      clearTimeout(p.timer);
      p.reject(new BanterError({ code: 'DISCONNECTED', message: reason ?? 'connection closed' }));
      this.pending.delete(id);
    }
    this.emit('close', reason);
  }
}

import type { Transport, TransportFactory } from './transport.js';

/** The slice of the WebSocket API (browser, or the `ws` package in Node) this transport needs. */
export interface WebSocketLike {
  readonly readyState: number;
  send(data: string): void;
  close(code?: number, reason?: string): void;
  onopen: ((ev: unknown) => void) | null;
  onmessage: ((ev: { data: unknown }) => void) | null;
  onclose: ((ev: { code: number; reason: string }) => void) | null;
  onerror: ((ev: unknown) => void) | null;
}

export type WebSocketConstructor = new (url: string) => WebSocketLike;

/**
 * Protocol v1 over WebSocket: one JSON object per text frame. In the browser the global
 * WebSocket is used; in Node pass the `ws` package's WebSocket class.
 */
export function webSocketTransport(url: string, Impl: WebSocketConstructor = (globalThis as { WebSocket?: WebSocketConstructor }).WebSocket!, connectTimeoutMs = 10_000): TransportFactory {
  return () =>
    new Promise<Transport>((resolve, reject) => {
      if (!Impl) return reject(new Error('no WebSocket implementation available'));
      const ws = new Impl(url);
      let onMessage: (text: string) => void = () => undefined;
      let onClose: (reason?: string) => void = () => undefined;
      let opened = false;
      const timer = setTimeout(() => {
        ws.close();
        reject(new Error(`connect to ${url} timed out`));
      }, connectTimeoutMs);
      ws.onopen = () => {
        opened = true;
        clearTimeout(timer);
        resolve({
          send: (text) => {
            if (ws.readyState === 1) ws.send(text);
          },
          close: () => ws.close(1000),
          onMessage: (h) => (onMessage = h),
          onClose: (h) => (onClose = h),
        });
      };
      ws.onmessage = (ev) => {
        if (typeof ev.data === 'string') onMessage(ev.data);
        else if (ev.data instanceof ArrayBuffer) onMessage(new TextDecoder().decode(ev.data));
        else onMessage(String(ev.data)); // a Node Buffer
      };
      ws.onerror = () => {
        if (!opened) {
          clearTimeout(timer);
          reject(new Error(`cannot connect to ${url}`));
        }
      };
      ws.onclose = (ev) => onClose(ev.reason || `closed (${ev.code})`);
    });
}

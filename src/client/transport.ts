/**
 * A message-oriented connection to a Banter server: whole protocol objects in and out as text,
 * whatever carries them. One implementation per runtime: TCP lines in Node (node/tcp-transport.ts),
 * WebSocket frames in the browser.
 */
export interface Transport {
  /** Sends one protocol object, already encoded as JSON (no newline). */
  send(text: string): void;
  close(): void;
  onMessage(handler: (text: string) => void): void;
  /** Called once when the connection ends, with the reason if known. */
  onClose(handler: (reason?: string) => void): void;
}

/** Opens a new connection; a reconnecting client calls it again. */
export type TransportFactory = () => Promise<Transport>;

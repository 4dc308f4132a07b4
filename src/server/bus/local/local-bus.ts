import type { Bus, BusMessage } from '../port.js';

/** Single-process fan-out: publish hands the message straight to this node's subscribers. */
export class LocalBus implements Bus {
  private handlers: ((message: BusMessage) => void)[] = [];

  publish(message: BusMessage): Promise<void> {
    for (const handler of this.handlers) handler(message);
    return Promise.resolve();
  }

  subscribe(handler: (message: BusMessage) => void): void {
    this.handlers.push(handler);
  }

  async close(): Promise<void> {
    this.handlers = [];
  }
}

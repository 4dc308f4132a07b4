import net from 'node:net';
import { BanterClient } from '../../src/client/index.js';
import type { Transport } from '../../src/client/transport.js';
import { LineDecoder, MAX_SERVER_LINE_BYTES } from '../../src/protocol/index.js';

/**
 * A client connected from another loopback address (127.0.0.2, 127.0.0.3, ...: all of 127/8 is
 * loopback on Linux), so one test can be several addresses to the server's per-address limits.
 */
export function connectFrom(localAddress: string, port: number): Promise<BanterClient> {
  return BanterClient.connect(
    () =>
      new Promise<Transport>((resolve, reject) => {
        const socket = net.connect({ host: '127.0.0.1', port, localAddress, noDelay: true });
        let onMessage: (text: string) => void = () => undefined;
        let onClose: (reason?: string) => void = () => undefined;
        const decoder = new LineDecoder((line) => onMessage(line), () => socket.destroy(), MAX_SERVER_LINE_BYTES);
        socket.once('connect', () =>
          resolve({
            send: (text) => void (socket.destroyed || socket.write(text + '\n')),
            close: () => socket.end(),
            onMessage: (h) => (onMessage = h),
            onClose: (h) => (onClose = h),
          }),
        );
        socket.on('data', (chunk: Buffer) => decoder.write(chunk));
        socket.once('error', reject);
        socket.on('close', () => onClose());
      }),
  );
}

import net from 'node:net';
import { LineDecoder, MAX_SERVER_LINE_BYTES } from '../../protocol/index.js';
import type { Transport, TransportFactory } from '../transport.js';

/** Opens a TCP connection speaking protocol v1 lines. */
export function tcpTransport(host: string, port: number, connectTimeoutMs = 10_000): TransportFactory {
  return () =>
    new Promise<Transport>((resolve, reject) => {
      const socket = net.connect({ host, port, noDelay: true });
      const timer = setTimeout(() => socket.destroy(new Error(`connect to ${host}:${port} timed out`)), connectTimeoutMs);
      let onMessage: (text: string) => void = () => undefined;
      let onClose: (reason?: string) => void = () => undefined;
      let reason: string | undefined;
      const decoder = new LineDecoder(
        (line) => onMessage(line),
        (code, message) => {
          reason = `${code}: ${message}`;
          socket.destroy();
        },
        MAX_SERVER_LINE_BYTES,
      );
      socket.once('connect', () => {
        clearTimeout(timer);
        resolve({
          send: (text) => {
            if (!socket.destroyed) socket.write(text + '\n');
          },
          close: () => socket.end(),
          onMessage: (h) => (onMessage = h),
          onClose: (h) => (onClose = h),
        });
      });
      socket.on('data', (chunk: Buffer) => decoder.write(chunk));
      socket.on('error', (err) => {
        clearTimeout(timer);
        reason ??= err.message;
        reject(err);
      });
      socket.on('close', () => onClose(reason));
    });
}

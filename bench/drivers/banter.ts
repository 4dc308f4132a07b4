import { payloadBefore } from '../lib/payload.js';
import { connectReading, lineReader, startsWith, type BenchClient, type ClientHandlers, type ConnectOptions } from './types.js';

const TEXT_FIELD = Buffer.from('"text":"');

/**
 * A Banter client on a raw socket: logs in with a token, then frames lines and reads only what it
 * needs (the payload digits of `msg` events, the start of replies) instead of parsing JSON.
 */
export function connectBanter(o: ConnectOptions, h: ClientHandlers): Promise<BenchClient> {
  return new Promise((resolve, reject) => {
    const socket = connectReading(o.port, (chunk) => onChunk(chunk));
    let nextId = 1;
    let loggedIn = false;
    socket.on('error', (err) => (loggedIn ? undefined : reject(err)));
    socket.on('close', () => (loggedIn ? undefined : reject(new Error('closed before login'))));
    const client: BenchClient = {
      socket,
      send(payload) {
        socket.write(`{"id":${nextId++},"op":"send","to":"#lobby","text":"${payload}"}\n`);
      },
      flushAcks() {},
      close: () => socket.destroy(),
    };
    const onChunk = lineReader((buf, from, end) => {
      if (buf[from + 7] === 109 && startsWith(buf, from, '{"ev":"msg"')) {
        // The text is the last field ("...","text":"<payload>"}), else it is searched for.
        const last = payloadBefore(buf, end - 2, TEXT_FIELD);
        if (last > from) return h.onPayload(buf, last);
        const at = buf.indexOf(TEXT_FIELD, from);
        if (at !== -1 && at < end) h.onPayload(buf, at + TEXT_FIELD.length);
      } else if (startsWith(buf, from, '{"re":')) {
        const line = buf.toString('utf8', from, end);
        const ok = line.includes('"ok":true');
        if (!loggedIn) {
          if (!ok) return reject(new Error(`login failed: ${line}`));
          loggedIn = true;
          return resolve(client);
        }
        h.onReply?.(line);
        h.onAck(1, !ok);
      }
    });
    socket.once('connect', () => socket.write(`{"id":0,"op":"login","token":"${o.token}"}\n`));
  });
}

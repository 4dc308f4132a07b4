import { connectReading, type BenchClient, type ClientHandlers, type ConnectOptions } from './types.js';

const TOPIC = Buffer.from('lobby');

function remainingLength(n: number): number[] {
  const out: number[] = [];
  do {
    let byte = n % 128;
    n = Math.floor(n / 128);
    if (n > 0) byte |= 128;
    out.push(byte);
  } while (n > 0);
  return out;
}

function packet(type: number, body: Buffer): Buffer {
  return Buffer.concat([Buffer.from([type, ...remainingLength(body.length)]), body]);
}

/**
 * A minimal MQTT 3.1.1 client on a raw socket: CONNECT (clean session, no keep-alive), SUBSCRIBE
 * "lobby" at QoS 0 when receiving, PUBLISH at QoS 1 so each send is acknowledged (PUBACK) like a
 * Banter send. It walks the packet stream by its length prefixes and reads only each PUBLISH's
 * first payload bytes (mqtt.js would decode every packet fully and become the bottleneck).
 */
export function connectMqtt(o: ConnectOptions, h: ClientHandlers): Promise<BenchClient> {
  return new Promise((resolve, reject) => {
    const socket = connectReading(o.port, (d) => onChunk(d));
    let ready = false;
    let packetId = 0;
    socket.on('error', (err) => (ready ? undefined : reject(err)));
    socket.on('close', () => (ready ? undefined : reject(new Error('closed before CONNACK/SUBACK'))));
    const client: BenchClient = {
      socket,
      send(payload) {
        packetId = (packetId % 65535) + 1;
        const p = Buffer.from(payload, 'latin1');
        const len = 2 + TOPIC.length + 2 + p.length;
        const header = [0x32, ...remainingLength(len), 0, TOPIC.length];
        const out = Buffer.allocUnsafe(header.length + TOPIC.length + 2 + p.length);
        out.set(header, 0);
        TOPIC.copy(out, header.length);
        out.writeUInt16BE(packetId, header.length + TOPIC.length);
        p.copy(out, header.length + TOPIC.length + 2);
        socket.write(out);
      },
      flushAcks() {},
      close: () => socket.destroy(),
    };
    const id = Buffer.from(`c${o.index}-${process.pid}`);
    // Protocol name "MQTT", level 4, flags: clean session; keep-alive 0 (off).
    socket.once('connect', () => socket.write(packet(0x10, Buffer.concat([Buffer.from([0, 4, 77, 81, 84, 84, 4, 2, 0, 0, 0, id.length]), id]))));
    let pending: Buffer | null = null;
    const onChunk = (d: Buffer): void => {
      const buf: Buffer = pending ? Buffer.concat([pending, d]) : d;
      let at = 0;
      for (;;) {
        if (at + 2 > buf.length) break;
        let length = 0;
        let multiplier = 1;
        let p = at + 1;
        let byte = 128;
        while (byte & 128) {
          if (p >= buf.length) break;
          byte = buf[p++]!;
          length += (byte & 127) * multiplier;
          multiplier *= 128;
        }
        if (byte & 128 || p + length > buf.length) break;
        const type = buf[at]! >> 4;
        if (type === 3) {
          const qos = (buf[at]! >> 1) & 3;
          h.onPayload(buf, p + 2 + buf.readUInt16BE(p) + (qos > 0 ? 2 : 0));
        } else if (type === 4) h.onAck(1, false);
        else if (type === 2) {
          if (buf[p + 1] !== 0) return reject(new Error(`CONNACK refused: ${buf[p + 1]}`));
          if (!o.receive) {
            ready = true;
            resolve(client);
          } else {
            const body = Buffer.concat([Buffer.from([0, 1, 0, TOPIC.length]), TOPIC, Buffer.from([0])]);
            socket.write(packet(0x82, body));
          }
        } else if (type === 9) {
          ready = true;
          resolve(client);
        }
        at = p + length;
      }
      // Copied: d is the thread's shared read buffer (types.ts).
      pending = at < buf.length ? Buffer.from(buf.subarray(at)) : null;
    };
  });
}

import { payloadBefore } from '../lib/payload.js';
import { connectReading, lineReader, startsWith, type BenchClient, type ClientHandlers, type ConnectOptions } from './types.js';

export const IRC_OPER = { name: 'bench', password: 'bench-oper-1' };
const SPACE_COLON = Buffer.from(' :');

/**
 * An IRC client on a raw socket: registers (NICK/USER), optionally becomes an operator with user
 * mode +F (relaxed flood protection), joins #lobby when receiving, answers server PINGs, and
 * reads only the payload digits of each PRIVMSG. IRC has no acknowledgements, so a PING after
 * every `ackEvery` messages is the sender's window: the server answers PONG once it has handled
 * everything before it.
 */
export function connectIrc(o: ConnectOptions, h: ClientHandlers): Promise<BenchClient> {
  return new Promise((resolve, reject) => {
    const socket = connectReading(o.port, (chunk) => onChunk(chunk));
    const nick = `c${o.index}`;
    const ackEvery = o.ackEvery ?? 1;
    let ready = false;
    let unacked = 0;
    let pings = 0;
    const ackSizes: number[] = [];
    socket.on('error', (err) => (ready ? undefined : reject(err)));
    socket.on('close', () => (ready ? undefined : reject(new Error(`closed before registration (${nick})`))));
    const done = (): void => {
      ready = true;
      resolve(client);
    };
    const client: BenchClient = {
      socket,
      send(payload) {
        unacked++;
        if (unacked >= ackEvery) {
          socket.write(`PRIVMSG #lobby :${payload}\r\nPING :a${pings++}\r\n`);
          ackSizes.push(unacked);
          unacked = 0;
        } else socket.write(`PRIVMSG #lobby :${payload}\r\n`);
      },
      flushAcks() {
        if (unacked === 0) return;
        socket.write(`PING :a${pings++}\r\n`);
        ackSizes.push(unacked);
        unacked = 0;
      },
      close: () => socket.destroy(),
    };
    const onChunk = lineReader((buf, from, end) => {
      if (buf[from] === 58 /* : */) {
        const sp = buf.indexOf(32, from);
        if (sp === -1 || sp > end) return;
        if (startsWith(buf, sp + 1, 'PRIVMSG')) {
          // The payload is the trailing parameter (" :<payload>\r\n"), else it is searched for.
          const last = payloadBefore(buf, buf[end - 1] === 13 ? end - 1 : end, SPACE_COLON);
          if (last > sp) return h.onPayload(buf, last);
          const at = buf.indexOf(SPACE_COLON, sp + 8);
          if (at !== -1 && at < end) h.onPayload(buf, at + 2);
          return;
        }
        if (startsWith(buf, sp + 1, 'PONG')) {
          if (!ready) {
            if (o.receive) socket.write('JOIN #lobby\r\n');
            else done();
          } else h.onAck(ackSizes.shift() ?? 0, false);
          return;
        }
        const code = buf.toString('latin1', sp + 1, sp + 4);
        if (code === '001') {
          if (o.oper) socket.write(`OPER ${IRC_OPER.name} ${IRC_OPER.password}\r\nMODE ${nick} +F\r\n`);
          socket.write('PING :ready\r\n');
        } else if (code === '366' && !ready) done();
        else if (!ready && (code === '433' || code === '464' || code === '491' || code === '465')) {
          reject(new Error(`IRC refused ${nick}: ${buf.toString('latin1', from, end)}`));
        }
      } else if (startsWith(buf, from, 'PING')) {
        socket.write(`PONG${buf.toString('latin1', from + 4, end)}\n`);
      } else if (startsWith(buf, from, 'ERROR') && !ready) {
        reject(new Error(`IRC error for ${nick}: ${buf.toString('latin1', from, end)}`));
      }
    });
    socket.once('connect', () => socket.write(`NICK ${nick}\r\nUSER ${nick} 0 * :bench\r\n`));
  });
}

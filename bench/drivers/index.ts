import { connectBanter } from './banter.js';
import { connectIrc } from './irc.js';
import { connectMqtt } from './mqtt.js';
import type { BenchClient, ClientHandlers, ConnectOptions, Protocol } from './types.js';

export type { BenchClient, ClientHandlers, ConnectOptions, Protocol } from './types.js';

export function connectClient(protocol: Protocol, o: ConnectOptions, h: ClientHandlers): Promise<BenchClient> {
  switch (protocol) {
    case 'banter':
      return connectBanter(o, h);
    case 'mqtt':
      return connectMqtt(o, h);
    case 'irc':
      return connectIrc(o, h);
  }
}

import type { Protocol } from '../drivers/types.js';

/** A server under test, started privately for one workload and stopped after it. */
export interface PeerServer {
  /** banter, mosquitto or ngircd */
  name: string;
  protocol: Protocol;
  port: number;
  pid: number;
  /** Banter: a session token for each client number. */
  tokens: string[];
  stop(): Promise<void>;
}

/** Why a peer was skipped (it is not installed, ...), printed in the table. */
export type Skipped = { skipped: string };

import type { PasswordCost } from './passwords.js';
import { DEFAULT_MAX_ROOMS_JOINED, DEFAULT_MAX_ROOMS_OWNED } from '../../protocol/index.js';

/** Tunables of the chat core; the server's configuration fills them from flags, env and file. */
export interface CoreConfig {
  serverName: string;
  /** Sends per second a user may keep up, and how many may come at once. */
  sendRatePerSec: number;
  sendBurst: number;
  /** Registrations one address may make per hour, and at once. */
  registerPerHour: number;
  /** Consecutive failed logins allowed before backing off, per account and per address. */
  loginFailuresPerAccount: number;
  loginFailuresPerAddress: number;
  /** Longest back-off after repeated failures, in ms. */
  loginMaxBackoffMs: number;
  /** Session tokens expire after this long unused (each use extends them)... */
  sessionTtlMs: number;
  /** ...and this long after the login that made them, used or not. */
  sessionMaxMs: number;
  /** An idle connection is pinged after this long, and dropped if still silent after as long again. */
  pingIntervalMs: number;
  /** Requests one connection may have in progress at once. */
  maxInFlight: number;
  /**
   * Read ops (history, who, convs, rooms, members, ...) per second a user may keep up over all
   * their connections, and how many may come at once (read-gate.ts).
   */
  readRatePerSec: number;
  readBurst: number;
  /** Read ops one connection may have running at once; more wait in its queue. */
  maxReadsRunning: number;
  /** Read ops one connection may have waiting; more are refused with RATE_LIMITED. */
  maxReadsWaiting: number;
  /** Open connections over all transports. */
  maxConnections: number;
  /** Of those, slots connections not logged in may never hold (connection-limits.ts). */
  loginReserve: number;
  /** A connection not logged in after this long is closed. */
  loginTimeoutMs: number;
  /** Rooms with more members than this get their joins and leaves batched, one event per roomBatchMs. */
  roomQuietSize: number;
  roomBatchMs: number;
  /** Rooms one user may own (the administrator: any number), and be a member of. */
  maxRoomsOwned: number;
  maxRoomsJoined: number;
  /** How long the signed file links of `file_url` work (a little longer: expiries are rounded up to the hour). */
  fileLinkTtlMs: number;
  /**
   * argon2id cost of new password hashes (passwords.ts); absent: OWASP's minimum. Lower only
   * where nothing real is protected (tests); hashes keep their own cost, so logins still check.
   */
  passwordCost?: PasswordCost;
}

export const DEFAULT_CORE_CONFIG: CoreConfig = {
  serverName: 'banter',
  sendRatePerSec: 10,
  sendBurst: 30,
  registerPerHour: 20,
  loginFailuresPerAccount: 5,
  loginFailuresPerAddress: 20,
  loginMaxBackoffMs: 15 * 60_000,
  sessionTtlMs: 30 * 24 * 3600_000,
  sessionMaxMs: 90 * 24 * 3600_000,
  pingIntervalMs: 30_000,
  maxInFlight: 256,
  readRatePerSec: 20,
  readBurst: 60,
  maxReadsRunning: 2,
  maxReadsWaiting: 64,
  maxConnections: 20_000,
  loginReserve: 1000,
  loginTimeoutMs: 30_000,
  roomQuietSize: 500,
  roomBatchMs: 1000,
  maxRoomsOwned: DEFAULT_MAX_ROOMS_OWNED,
  maxRoomsJoined: DEFAULT_MAX_ROOMS_JOINED,
  fileLinkTtlMs: 4 * 3600_000,
};

/** The slice of a pino logger the core uses (defined outside the core: adapters log too). */
export type { Logger } from '../shared/logger.js';

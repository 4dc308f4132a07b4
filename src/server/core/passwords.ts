import { Algorithm, hash, verify } from '@node-rs/argon2';
import { ProtocolError } from '../../protocol/index.js';

// argon2id with OWASP's recommended minimum (19 MiB, 2 passes, 1 lane). @node-rs/argon2 runs it on
// libuv's thread pool, so hashing never blocks the event loop. Hashes are PHC strings
// ($argon2id$v=19$m=...,t=...,p=...$salt$hash): parameters can be raised later without breaking
// stored ones.
export const DEFAULT_PASSWORD_COST: PasswordCost = { memoryCost: 19_456, timeCost: 2 };

/** argon2id's cost: memory in KiB and passes. Stored hashes carry their own, so it can change. */
export interface PasswordCost {
  memoryCost: number;
  timeCost: number;
}

// Hashing is the one costly thing an anonymous client can ask for. At most this many run at once
// (libuv's pool has 4 threads; more would only queue there, ahead of everything else that uses
// it), and a bounded number wait; beyond that the server says it is busy instead of piling up.
const MAX_RUNNING = 4;
const MAX_WAITING = 512;
let running = 0;
const waiting: (() => void)[] = [];

async function limited<T>(work: () => Promise<T>): Promise<T> {
  if (running >= MAX_RUNNING) {
    if (waiting.length >= MAX_WAITING) throw new ProtocolError('RATE_LIMITED', 'the server is busy; try again in a moment', { retry_after: 1 });
    await new Promise<void>((resolve) => waiting.push(resolve)); // the finishing task hands over its slot
  } else running++;
  try {
    return await work();
  } finally {
    const next = waiting.shift();
    if (next) next();
    else running--;
  }
}

export function hashPassword(password: string, cost: PasswordCost = DEFAULT_PASSWORD_COST): Promise<string> {
  return limited(() => hash(password.normalize('NFC'), { algorithm: Algorithm.Argon2id, ...cost, parallelism: 1 }));
}

export async function verifyPassword(password: string, stored: string): Promise<boolean> {
  try {
    return await limited(() => verify(stored, password.normalize('NFC')));
  } catch (err) {
    if (err instanceof ProtocolError) throw err;
    return false; // not a hash we can read
  }
}

const dummies = new Map<string, Promise<string>>();
/** Spends the time of a real check (at the cost new hashes get), so an unknown user cannot be told from a wrong password. */
export async function burnPasswordCheck(password: string, cost: PasswordCost = DEFAULT_PASSWORD_COST): Promise<void> {
  const key = `${cost.memoryCost}/${cost.timeCost}`;
  let dummy = dummies.get(key);
  if (!dummy) dummies.set(key, (dummy = hashPassword('not-a-real-password', cost)));
  await verifyPassword(password, await dummy);
}

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
// Waiting hashes queue per address and are served round-robin, one per address in turn, and one
// address may hold only a few places: a spray from one address costs others one turn in each
// round, not the whole queue.
const MAX_RUNNING = 4;
const MAX_WAITING = 512;
const MAX_WAITING_PER_ADDRESS = 16;
let running = 0;
let waitingCount = 0;
/** Address -> its waiting hashes. Map order is the round-robin order: served addresses go to the back. */
const queues = new Map<string, (() => void)[]>();
const counts = { run: 0, refused: 0 };

/** Hashes run and refused (server busy) since the process started, for metrics and tests. */
export function passwordWork(): { run: number; refused: number; waiting: number } {
  return { ...counts, waiting: waitingCount };
}

async function limited<T>(address: string, work: () => Promise<T>): Promise<T> {
  if (running >= MAX_RUNNING) {
    const queue = queues.get(address);
    if (waitingCount >= MAX_WAITING || (queue?.length ?? 0) >= MAX_WAITING_PER_ADDRESS) {
      counts.refused++;
      throw new ProtocolError('RATE_LIMITED', 'the server is busy; try again in a moment', { retry_after: 1 });
    }
    waitingCount++;
    // The finishing task hands over its slot (handOver).
    await new Promise<void>((resolve) => (queue ? queue.push(resolve) : queues.set(address, [resolve])));
  } else running++;
  try {
    counts.run++;
    return await work();
  } finally {
    handOver();
  }
}

/** Gives a finished hash's slot to the next address in turn, which then goes to the back of the line. */
function handOver(): void {
  const first = queues.entries().next();
  if (first.done) {
    running--;
    return;
  }
  const [address, queue] = first.value;
  const resume = queue.shift()!;
  queues.delete(address);
  if (queue.length > 0) queues.set(address, queue);
  waitingCount--;
  resume();
}

/** `address`: whose turn in the queue this is (the client's address; "local" for the server's own). */
export function hashPassword(password: string, cost: PasswordCost = DEFAULT_PASSWORD_COST, address = 'local'): Promise<string> {
  return limited(address, () => hash(password.normalize('NFC'), { algorithm: Algorithm.Argon2id, ...cost, parallelism: 1 }));
}

export async function verifyPassword(password: string, stored: string, address = 'local'): Promise<boolean> {
  try {
    return await limited(address, () => verify(stored, password.normalize('NFC')));
  } catch (err) {
    if (err instanceof ProtocolError) throw err;
    return false; // not a hash we can read
  }
}

const dummies = new Map<string, Promise<string>>();
/** Spends the time of a real check (at the cost new hashes get), so an unknown user cannot be told from a wrong password. */
export async function burnPasswordCheck(password: string, cost: PasswordCost = DEFAULT_PASSWORD_COST, address = 'local'): Promise<void> {
  const key = `${cost.memoryCost}/${cost.timeCost}`;
  let dummy = dummies.get(key);
  if (!dummy) {
    // A refusal (server busy) must not be kept as the dummy for good.
    dummy = hashPassword('not-a-real-password', cost).catch((err: unknown) => {
      dummies.delete(key);
      throw err;
    });
    dummies.set(key, dummy);
  }
  await verifyPassword(password, await dummy, address);
}

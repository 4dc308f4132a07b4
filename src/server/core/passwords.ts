import { Algorithm, hash, verify } from '@node-rs/argon2';

// argon2id with OWASP's recommended minimum (19 MiB, 2 passes, 1 lane). @node-rs/argon2 runs it on
// libuv's thread pool, so hashing never blocks the event loop. Hashes are PHC strings
// ($argon2id$v=19$m=...,t=...,p=...$salt$hash): parameters can be raised later without breaking
// stored ones.
const PARAMS = { algorithm: Algorithm.Argon2id, memoryCost: 19_456, timeCost: 2, parallelism: 1 };

export function hashPassword(password: string): Promise<string> {
  return hash(password.normalize('NFC'), PARAMS);
}

export async function verifyPassword(password: string, stored: string): Promise<boolean> {
  try {
    return await verify(stored, password.normalize('NFC'));
  } catch {
    return false; // not a hash we can read
  }
}

let dummy: Promise<string> | undefined;
/** Spends the time of a real check, so an unknown user cannot be told from a wrong password. */
export async function burnPasswordCheck(password: string): Promise<void> {
  dummy ??= hashPassword('not-a-real-password');
  await verifyPassword(password, await dummy);
}

import type { EventBodies, EventName } from '../../src/protocol/index.js';
import assert from 'node:assert/strict';
import { BanterClient, BanterError } from '../../src/client/index.js';
import { tcpTransport } from '../../src/client/node/tcp-transport.js';
import { ADMIN_PASSWORD } from './server.js';

export const PASSWORD = 'correct-horse-1';
let counter = 0;

/** A fresh, unused user name. */
export function uniqueName(prefix = 'user'): string {
  return `${prefix}${process.pid}_${++counter}`;
}

export function connect(port: number): Promise<BanterClient> {
  return BanterClient.connect(tcpTransport('127.0.0.1', port));
}

/** Registers a new user and returns a client logged in as them. */
export async function newUser(port: number, name = uniqueName()): Promise<{ client: BanterClient; name: string; token: string }> {
  const client = await connect(port);
  await whenNotBusy(() => client.request('register', { user: name, password: PASSWORD }));
  const { token } = await whenNotBusy(() => client.request('login', { user: name, password: PASSWORD }));
  return { client, name, token };
}

/**
 * Every test client comes from one address, whose password checks may wait only a few at a time
 * (a fair hash queue, docs/operations.md): a suite that registers dozens at once is told the server
 * is busy, and does what a client should: asks again after `retry_after`.
 */
async function whenNotBusy<T>(request: () => Promise<T>): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await request();
    } catch (err) {
      const busy = err instanceof BanterError && err.code === 'RATE_LIMITED' && /busy/.test(err.message);
      if (!busy || attempt >= 20) throw err;
      await new Promise((resolve) => setTimeout(resolve, ((err as BanterError).retryAfter ?? 1) * 1000));
    }
  }
}

export async function adminClient(port: number): Promise<BanterClient> {
  const client = await connect(port);
  await client.request('login', { user: 'admin', password: ADMIN_PASSWORD });
  return client;
}

/** Records every event of one kind a client receives. */
export function record<E extends EventName>(client: BanterClient, event: E): EventBodies[E][] {
  const seen: EventBodies[E][] = [];
  client.on(event, (body) => seen.push(body));
  return seen;
}

// The suites' one polling wait lives in wait.ts; re-exported here, where most of them import it from.
export { waitUntil } from './wait.js';

/** Resolves with the next event of a kind (that matches, if a filter is given). */
export function nextEvent<E extends EventName>(client: BanterClient, event: E, filter: (b: EventBodies[E]) => boolean = () => true, timeoutMs = 10_000): Promise<EventBodies[E]> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      off();
      reject(new Error(`no ${event} event within ${timeoutMs} ms`));
    }, timeoutMs);
    const off = client.on(event, (body) => {
      if (!filter(body)) return;
      clearTimeout(timer);
      off();
      resolve(body);
    });
  });
}

/** The refusal a request ends in (fails the test if it succeeds). */
export async function refusal(promise: Promise<unknown>): Promise<BanterError> {
  const err = await promise.then(
    () => assert.fail('expected a refusal'),
    (e: unknown) => e,
  );
  assert.ok(err instanceof BanterError, String(err));
  return err;
}

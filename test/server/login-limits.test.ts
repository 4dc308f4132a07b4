import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { BanterClient } from '../../src/client/index.js';
import { hashPassword, passwordWork } from '../../src/server/core/passwords.js';
import { PASSWORD, connect, uniqueName, waitUntil } from '../helpers/clients.js';
import { connectFrom } from '../helpers/from-address.js';
import { startTestServer, type TestServer } from '../helpers/server.js';

/** The outcome of a login: "ok" or the refusal's code. */
async function attempt(client: BanterClient, user: string, password: string): Promise<string> {
  return client.request('login', { user, password }).then(
    () => 'ok',
    (err: { code: string }) => err.code,
  );
}

function tally(outcomes: string[]): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const o of outcomes) counts[o] = (counts[o] ?? 0) + 1;
  return counts;
}

async function clientsFrom(address: string, port: number, n: number): Promise<BanterClient[]> {
  return Promise.all(Array.from({ length: n }, () => connectFrom(address, port)));
}

// The server's default limit: 20 consecutive failed logins per address (core/config.ts).
const PER_ADDRESS = 20;

describe('login limits under parallel attempts', () => {
  let server: TestServer;
  before(async () => (server = await startTestServer()));
  after(() => server.dispose());

  it('checks no more passwords from one address than its limit, even all at once', async () => {
    const names = Array.from({ length: 40 }, () => uniqueName('par'));
    const registrar = await connect(server.tcpPort);
    for (const name of names) await registrar.request('register', { user: name, password: PASSWORD });
    registrar.close();
    const clients = await clientsFrom('127.0.0.2', server.tcpPort, names.length);
    const hashesBefore = passwordWork().run;
    // One guess per account, so no account's own limit is reached; the last guess is right.
    const outcomes = await Promise.all(names.map((name, i) => attempt(clients[i]!, name, i === names.length - 1 ? PASSWORD : `guess-${i}-xxxx`)));
    const hashes = passwordWork().run - hashesBefore;
    const counts = tally(outcomes);
    assert.ok(hashes <= PER_ADDRESS, `${hashes} passwords checked, limit ${PER_ADDRESS}; outcomes ${JSON.stringify(counts)}`);
    assert.ok((counts.BAD_CREDENTIALS ?? 0) + (counts.ok ?? 0) <= PER_ADDRESS, JSON.stringify(counts));
    assert.equal((counts.RATE_LIMITED ?? 0) + (counts.BAD_CREDENTIALS ?? 0) + (counts.ok ?? 0), names.length, JSON.stringify(counts));
    assert.ok((counts.RATE_LIMITED ?? 0) >= names.length - PER_ADDRESS, JSON.stringify(counts));
    for (const c of clients) c.close();
  });

  it('refuses a spray from one address before hashing, and serves another address at once', async () => {
    const name = uniqueName('good');
    const registrar = await connect(server.tcpPort);
    await registrar.request('register', { user: name, password: PASSWORD });
    // Unknown users are checked against a dummy hash, made at the first such login: made now.
    assert.equal(await attempt(registrar, uniqueName('ghost'), 'guess-xxxx'), 'BAD_CREDENTIALS');
    registrar.close();
    const oneHashMs = await timeOneHash();
    const clients = await clientsFrom('127.0.0.3', server.tcpPort, 300);
    const other = await connectFrom('127.0.0.4', server.tcpPort);
    const hashesBefore = passwordWork().run;
    let answered = 0;
    let refused = 0;
    const spray = Promise.all(
      clients.map((c, i) =>
        attempt(c, uniqueName('ghost'), `guess-${i}-xxxx`).then((outcome) => {
          answered++;
          if (outcome === 'RATE_LIMITED') refused++;
          return outcome;
        }),
      ),
    );
    // The refusals cost no hash; once they are all out, what is left of the spray waits for one.
    await waitUntil(() => refused >= 300 - PER_ADDRESS - 1, { what: 'the spray to be refused', timeoutMs: 30_000 });
    const answeredBefore = answered;
    const started = Date.now();
    assert.equal(await attempt(other, name, PASSWORD), 'ok');
    const took = Date.now() - started;
    const sprayCheckedMeanwhile = answered - answeredBefore;
    const counts = tally(await spray);
    const hashes = passwordWork().run - hashesBefore;
    // The spray's admitted attempts (its limit, and one more that sets the back-off), the good login.
    assert.ok(hashes <= PER_ADDRESS + 2, `${hashes} hashes for a spray of 300; outcomes ${JSON.stringify(counts)}`);
    assert.ok((counts.BAD_CREDENTIALS ?? 0) <= PER_ADDRESS + 1, JSON.stringify(counts));
    assert.equal((counts.RATE_LIMITED ?? 0) + (counts.BAD_CREDENTIALS ?? 0), 300, JSON.stringify(counts));
    // At most the checks already running and one turn of the spraying address go first.
    assert.ok(sprayCheckedMeanwhile <= 4 + 1, `${sprayCheckedMeanwhile} of the spray's checks went first`);
    // Within 1 s on a machine with time for it (a loaded one stretches every hash).
    assert.ok(took < Math.max(1000, 8 * oneHashMs), `the other address's login took ${took} ms (one hash: ${oneHashMs} ms)`);
    for (const c of [...clients, other]) c.close();
  });

  it('serves addresses in turn: sprays from many addresses do not starve another', async () => {
    // 8 addresses, 10 attempts each: all within each address's limit, 80 checks queued at once.
    const addresses = Array.from({ length: 8 }, (_, i) => `127.0.1.${i + 10}`);
    const name = uniqueName('fair');
    const registrar = await connect(server.tcpPort);
    await registrar.request('register', { user: name, password: PASSWORD });
    registrar.close();
    const sprayers = (await Promise.all(addresses.map((a) => clientsFrom(a, server.tcpPort, 10)))).flat();
    const other = await connectFrom('127.0.0.5', server.tcpPort);
    let answered = 0;
    const spray = Promise.all(sprayers.map((c, i) => attempt(c, uniqueName('ghost'), `guess-${i}-xxxx`).finally(() => answered++)));
    // Once most of the spray waits for the hash queue, the good login joins it.
    await waitUntil(() => passwordWork().waiting >= 60, 'the spray to queue');
    const answeredBefore = answered;
    assert.equal(await attempt(other, name, PASSWORD), 'ok');
    const servedMeanwhile = answered - answeredBefore;
    const counts = tally(await spray);
    assert.equal(counts.BAD_CREDENTIALS, sprayers.length, JSON.stringify(counts));
    // In arrival order it would wait for the 60 or more queued ahead of it; in turn, for the 4
    // checks running, one round of the 8 addresses, and what runs beside its own check and
    // finishes while its reply is made (replies also reach the test a little late).
    assert.ok(servedMeanwhile <= 4 + addresses.length + 4 + 4, `${servedMeanwhile} of the spray's checks went before the login`);
    for (const c of [...sprayers, other]) c.close();
  });
});

async function timeOneHash(): Promise<number> {
  const started = Date.now();
  await hashPassword('time-one-hash');
  return Date.now() - started;
}

import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import pg from 'pg';
import type { AppendResult, NewMessage, Store } from '../../src/server/store/port.js';
import { SchemaTooNewError, StoreUnavailableError } from '../../src/server/store/errors.js';
import { SCHEMA_VERSION } from '../../src/server/store/migrations.js';
import { PostgresStore } from '../../src/server/store/postgres/postgres-store.js';
import { PG_URL, dropSchema, pgUrlWithSchema, postgresUnavailable, uniqueSpace } from '../helpers/services.js';
import { storeContract, type OpenedStore } from './contract.js';
import { roomsStoreContract } from './rooms-contract.js';

const unavailable = await postgresUnavailable();
if (unavailable) console.log(`# skipping the PostgreSQL store tests: ${unavailable}`);

const schemas: string[] = [];
after(async () => {
  if (!unavailable) for (const s of schemas) await dropSchema(s);
});

function freshSchema(): string {
  const schema = uniqueSpace('banter_test');
  schemas.push(schema);
  return schema;
}

async function openPostgres(): Promise<OpenedStore> {
  const schema = freshSchema();
  let current: Store = await PostgresStore.open(pgUrlWithSchema(schema));
  return {
    store: current,
    async reopen() {
      current = await PostgresStore.open(pgUrlWithSchema(schema));
      return current;
    },
    async cleanup() {
      await current.close();
      await dropSchema(schema);
    },
  };
}

if (!unavailable) {
  storeContract('PostgresStore', openPostgres);
  roomsStoreContract('PostgresStore', openPostgres);
}

describe('PostgresStore', { skip: unavailable }, () => {
  let schema: string;
  let stores: PostgresStore[] = [];
  before(() => {
    schema = freshSchema();
  });
  after(async () => {
    for (const s of stores) await s.close();
    stores = [];
  });

  it('keeps seq gap-free and unique with two nodes (two pools) appending to one conversation at once', async () => {
    const url = pgUrlWithSchema(schema);
    const [a, b] = [await PostgresStore.open(url, { poolSize: 4 }), await PostgresStore.open(url, { poolSize: 4 })];
    stores.push(a, b);
    const alice = await a.users.create({ name: 'Alice', key: 'alice', passHash: 'h', role: 'user', createdAt: 1 });
    const bob = await b.users.create({ name: 'Bob', key: 'bob', passHash: 'h', role: 'user', createdAt: 1 });
    const msg = (sender: typeof alice, i: number, conv = '#lobby'): NewMessage => ({
      conv, senderId: sender.id, senderName: sender.name, kind: 'text', body: `${sender.name}-${i}`, cid: `c${i}`,
    });
    const fromA: Promise<AppendResult>[] = [];
    const fromB: Promise<AppendResult>[] = [];
    // 600 each, in bursts over many turns so that batches of the two nodes interleave; some also
    // go to a private conversation, so batches lock several rows in different mixes.
    for (let i = 0; i < 600; i++) {
      fromA.push(a.messages.append(msg(alice, i, i % 5 === 0 ? 'dm:alice:bob' : '#lobby')));
      fromB.push(b.messages.append(msg(bob, i, i % 7 === 0 ? 'dm:alice:bob' : '#lobby')));
      if (i % 25 === 0) await new Promise((r) => setImmediate(r));
    }
    const results = await Promise.all([...fromA, ...fromB]);
    assert.ok(results.every((r) => !r.duplicate));
    for (const conv of ['#lobby', 'dm:alice:bob']) {
      const seqs = results.filter((r) => r.message.conv === conv).map((r) => r.message.seq).sort((x, y) => x - y);
      assert.deepEqual(seqs, Array.from({ length: seqs.length }, (_, i) => i + 1), `${conv}: 1..N, no gap, no duplicate`);
      // Each node's own appends got increasing seqs, in the order it made them.
      for (const mine of [fromA, fromB]) {
        const own = (await Promise.all(mine)).filter((r) => r.message.conv === conv).map((r) => r.message.seq);
        assert.deepEqual(own, [...own].sort((x, y) => x - y));
      }
      const stored = await a.messages.history(conv, { after: 0, limit: 5000 });
      assert.equal(stored.length, seqs.length);
      for (let i = 1; i < stored.length; i++) assert.ok(stored[i]!.ts >= stored[i - 1]!.ts, 'ts never goes back within a conversation');
    }
    // A retry with a cid already used goes back to the first, whichever node asks.
    const again = await b.messages.append(msg(alice, 3, '#lobby'));
    assert.equal(again.duplicate, true);
    assert.equal(again.message.body, 'Alice-3');
  });

  it('keeps seq gap-free with three nodes appending to one conversation only', async () => {
    const url = pgUrlWithSchema(schema);
    const nodes = [await PostgresStore.open(url), await PostgresStore.open(url), await PostgresStore.open(url)];
    stores.push(...nodes);
    const dave = await nodes[0]!.users.create({ name: 'Dave', key: 'dave', passHash: 'h', role: 'user', createdAt: 1 });
    const conv = 'dm:dave:dave';
    const pending: Promise<AppendResult>[] = [];
    for (let i = 0; i < 300; i++) {
      for (const store of nodes) pending.push(store.messages.append({ conv, senderId: dave.id, senderName: 'Dave', kind: 'text', body: `d${i}`, cid: null }));
      if (i % 10 === 0) await new Promise((r) => setImmediate(r));
    }
    const seqs = (await Promise.all(pending)).map((r) => r.message.seq).sort((x, y) => x - y);
    assert.deepEqual(seqs, Array.from({ length: 900 }, (_, i) => i + 1));
  });

  it('keeps useq gap-free with three nodes changing messages of one conversation at once, appends going on', async () => {
    const url = pgUrlWithSchema(schema);
    const nodes = [await PostgresStore.open(url), await PostgresStore.open(url), await PostgresStore.open(url)];
    stores.push(...nodes);
    const erin = await nodes[0]!.users.create({ name: 'Erin', key: 'erin', passHash: 'h', role: 'user', createdAt: 1 });
    const room = await nodes[0]!.rooms.create({ key: '#race', name: '#Race', topic: '', private: false, ownerId: erin.id, createdAt: 1 });
    const base = await Promise.all([1, 2, 3].map((i) => nodes[0]!.messages.append({ conv: room.key, senderId: erin.id, senderName: 'Erin', kind: 'text', body: `m${i}`, cid: null })));
    const changes: Promise<{ useq: number; seq: number; body: string }>[] = [];
    const appends: Promise<AppendResult>[] = [];
    for (let i = 0; i < 60; i++) {
      nodes.forEach((store, n) => {
        const seq = base[(i + n) % 3]!.message.seq;
        const change = i % 2 === 0 ? { kind: 'edit' as const, body: `e${n}-${i}`, ts: 10 + i } : { kind: 'react' as const, userId: erin.id, userName: 'Erin', emoji: '👍', ts: 10 + i, maxEmojis: 20 };
        changes.push(store.messages.change(room.key, seq, change).then((r) => ({ useq: r!.message.useq!, seq, body: r!.message.body })));
        appends.push(store.messages.append({ conv: room.key, senderId: erin.id, senderName: 'Erin', kind: 'text', body: `x${n}-${i}`, cid: null }));
      });
    }
    const done = await Promise.all(changes);
    assert.deepEqual(done.map((c) => c.useq).sort((x, y) => x - y), Array.from({ length: 180 }, (_, i) => i + 1), 'useq 1..N, no gap, no duplicate');
    const seqs = (await Promise.all(appends)).map((r) => r.message.seq).sort((x, y) => x - y);
    assert.deepEqual(seqs, Array.from({ length: 180 }, (_, i) => i + 4), 'appends kept their own sequence');
    assert.deepEqual(await nodes[1]!.messages.lastUpdateSeqs([room.key]), { [room.key]: 180 });
    // Each message's stored useq is that of its last change, as changedAfter lists them.
    const changed = await nodes[2]!.messages.changedAfter(room.key, 0, 10);
    assert.equal(changed.length, 3);
    for (const m of changed) assert.equal(m.useq, Math.max(...done.filter((c) => c.seq === m.seq).map((c) => c.useq)));
  });
  it('rejects only the write that fails in a batch; the others keep gap-free seqs in every conversation', async () => {
    // A schema of its own: the other tests' appends would take #lobby's seqs.
    const store = await PostgresStore.open(pgUrlWithSchema(freshSchema()));
    stores.push(store);
    const dave = await store.users.create({ name: 'Dave', key: 'dave', passHash: 'h', role: 'user', createdAt: 1 });
    const lobby = (i: number): NewMessage => ({ conv: '#lobby', senderId: dave.id, senderName: 'Dave', kind: 'text', body: `l${i}`, cid: `l${i}` });
    const dm = (i: number): NewMessage => ({ ...lobby(i), conv: 'dm:dave:dave', body: `d${i}`, cid: `d${i}` });
    // body NOT NULL: this write fails inside PostgreSQL (in banter_append), as a bad row would.
    const broken = { ...lobby(2), body: null } as unknown as NewMessage;
    // Made in one turn, so they go in one batch.
    const settled = await Promise.allSettled([lobby(0), dm(0), lobby(1), broken, lobby(3), dm(1)].map((m) => store.messages.append(m)));
    assert.deepEqual(
      settled.map((s) => (s.status === 'fulfilled' ? `${s.value.message.conv}:${s.value.message.seq}:${s.value.message.body}` : 'rejected')),
      ['#lobby:1:l0', 'dm:dave:dave:1:d0', '#lobby:2:l1', 'rejected', '#lobby:3:l3', 'dm:dave:dave:2:d1'],
    );
    assert.equal((settled[3] as PromiseRejectedResult).reason.code, '23502', 'the bad write is rejected with its own error');
    assert.deepEqual((await store.messages.history('#lobby', { after: 0, limit: 10 })).map((m) => `${m.seq}:${m.body}`), ['1:l0', '2:l1', '3:l3']);
    assert.deepEqual((await store.messages.history('dm:dave:dave', { after: 0, limit: 10 })).map((m) => `${m.seq}:${m.body}`), ['1:d0', '2:d1']);
    assert.equal((await store.messages.append(lobby(4))).message.seq, 4, 'the next batch carries on from the stored seq');
  });

  it('stores a repeated (sender, cid) once when two nodes race with it', async () => {
    const url = pgUrlWithSchema(schema);
    const [a, b] = [await PostgresStore.open(url), await PostgresStore.open(url)];
    stores.push(a, b);
    const carol = await a.users.create({ name: 'Carol', key: 'carol', passHash: 'h', role: 'user', createdAt: 1 });
    for (let i = 0; i < 20; i++) {
      // The same retry reaches two nodes at once, once even naming another conversation.
      const m: NewMessage = { conv: '#lobby', senderId: carol.id, senderName: 'Carol', kind: 'text', body: `r${i}`, cid: `race-${i}` };
      const [x, y] = await Promise.all([a.messages.append(m), b.messages.append(i % 2 ? m : { ...m, conv: 'dm:carol:carol' })]);
      assert.equal([x, y].filter((r) => r.duplicate).length, 1, `race ${i}: one stored, one duplicate`);
      assert.deepEqual(x.message, y.message);
    }
  });

  it('migrates a new schema, records its version, and refuses a schema from a newer Banter', async () => {
    const s = freshSchema();
    const store = await PostgresStore.open(pgUrlWithSchema(s));
    await store.close();
    const client = new pg.Client({ connectionString: PG_URL });
    await client.connect();
    try {
      const { rows } = await client.query(`SELECT version FROM "${s}".schema_version`);
      assert.deepEqual(rows, [{ version: SCHEMA_VERSION }]);
      // Opening again migrates nothing and keeps the data.
      const again = await PostgresStore.open(pgUrlWithSchema(s));
      await again.close();
      await client.query(`UPDATE "${s}".schema_version SET version = $1`, [SCHEMA_VERSION + 1]);
    } finally {
      await client.end();
    }
    await assert.rejects(PostgresStore.open(pgUrlWithSchema(s)), (err: unknown) => err instanceof SchemaTooNewError && /newer than this Banter/.test(err.message));
  });

  it('names the database it cannot reach, without its password', async () => {
    const err = await PostgresStore.open('postgres://root:s3cret@127.0.0.1:1/test').then(
      () => assert.fail('opened a store on a closed port'),
      (e: unknown) => e,
    );
    assert.ok(err instanceof StoreUnavailableError, String(err));
    assert.match(err.message, /cannot open PostgreSQL at postgres:\/\/root:\*\*\*@127\.0\.0\.1:1\/test/);
    assert.doesNotMatch(err.message, /s3cret/);
  });
});

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  DuplicateUserError,
  LookAlikeUserError,
  type AppendResult,
  type FileRecord,
  type NewMessage,
  type NewUser,
  type SessionRecord,
  type Store,
  type StoredMessage,
  type UserRecord,
} from '../../src/server/store/port.js';

/** An expiry no adapter may treat as past (adapters may drop expired sessions). */
const FAR_FUTURE = 4_102_444_800_000;

/**
 * What an adapter's test hands the contract: a store over fresh, empty data; `cleanup` closes
 * whatever store is open and removes the data. `reopen` (used after `store.close()`) returns a new
 * store over the same data, as a restarted server would see it.
 */
export interface OpenedStore {
  store: Store;
  cleanup(): Promise<void>;
  reopen(): Promise<Store>;
}

const LOBBY = '#lobby';

/** The storage key of a private conversation, as port.ts defines it. */
function dm(a: string, b: string): string {
  return a < b ? `dm:${a}:${b}` : `dm:${b}:${a}`;
}

function newUser(name: string, overrides: Partial<NewUser> = {}): NewUser {
  return { name, key: name.toLowerCase(), passHash: `hash-of-${name}`, role: 'user', createdAt: 1_700_000_000_000, ...overrides };
}

function text(sender: UserRecord, conv: string, body: string, cid: string | null = null): NewMessage {
  return { conv, senderId: sender.id, senderName: sender.name, kind: 'text', body, cid };
}

function seqs(messages: StoredMessage[]): number[] {
  return messages.map((m) => m.seq);
}

function range(from: number, to: number): number[] {
  const out: number[] = [];
  for (let i = from; i <= to; i++) out.push(i);
  return out;
}

/** Every message of a conversation, oldest first, read in pages the way a client catches up. */
async function fullHistory(store: Store, conv: string): Promise<StoredMessage[]> {
  const all: StoredMessage[] = [];
  for (;;) {
    const page = await store.messages.history(conv, { after: all.at(-1)?.seq ?? 0, limit: 100 });
    all.push(...page);
    if (page.length < 100) return all;
  }
}

/**
 * The Store contract: every adapter (SQLite now, PostgreSQL later) must pass it. It checks only
 * what src/server/store/port.ts promises, each test on fresh data.
 */
export function storeContract(name: string, open: () => Promise<OpenedStore>): void {
  async function withStore(fn: (opened: OpenedStore) => Promise<void>): Promise<void> {
    const opened = await open();
    try {
      await fn(opened);
    } finally {
      await opened.cleanup();
    }
  }

  /** Creates the users most tests need: Alice, Bob and Carol (keys alice, bob, carol). */
  async function people(store: Store): Promise<{ alice: UserRecord; bob: UserRecord; carol: UserRecord }> {
    const alice = await store.users.create(newUser('Alice'));
    const bob = await store.users.create(newUser('Bob'));
    const carol = await store.users.create(newUser('Carol'));
    return { alice, bob, carol };
  }

  describe(`Store contract: ${name}`, () => {
    describe('users', () => {
      it('creates a user and finds it by key and by id', () =>
        withStore(async ({ store }) => {
          const input = newUser('Ünal', { key: 'ünal', role: 'admin' });
          const created = await store.users.create(input);
          assert.equal(typeof created.id, 'number');
          assert.deepEqual(created, { ...input, id: created.id, mutedUntil: null, banReason: null });
          assert.deepEqual(await store.users.findByKey('ünal'), created);
          assert.deepEqual(await store.users.findById(created.id), created);
        }));

      it('answers null for an unknown key or id', () =>
        withStore(async ({ store }) => {
          const { alice } = await people(store);
          assert.equal(await store.users.findByKey('nobody'), null);
          assert.equal(await store.users.findById(alice.id + 1000), null);
        }));

      it('gives every user its own id', () =>
        withStore(async ({ store }) => {
          const { alice, bob, carol } = await people(store);
          assert.equal(new Set([alice.id, bob.id, carol.id]).size, 3);
          assert.equal((await store.users.findById(bob.id))?.name, 'Bob');
          assert.equal((await store.users.findByKey('carol'))?.id, carol.id);
        }));

      it('finds a user by look-alike skeleton, and refuses a second one with LookAlikeUserError', () =>
        withStore(async ({ store }) => {
          const alice = await store.users.create(newUser('Alice', { skeleton: 'alice' }));
          assert.deepEqual(await store.users.findBySkeleton('alice'), alice);
          assert.equal(await store.users.findBySkeleton('bob'), null);
          await assert.rejects(store.users.create(newUser('Аlice', { key: 'аlice', skeleton: 'alice' })), LookAlikeUserError);
          assert.equal(await store.users.findByKey('аlice'), null);
        }));

      it('lists users without a skeleton in id order, and gives each one unless another has it', () =>
        withStore(async ({ store }) => {
          const { alice, bob, carol } = await people(store);
          await store.users.create(newUser('Dave', { skeleton: 'dave' }));
          assert.deepEqual(await store.users.listWithoutSkeleton(0, 2), [{ id: alice.id, name: 'Alice' }, { id: bob.id, name: 'Bob' }]);
          assert.deepEqual(await store.users.listWithoutSkeleton(bob.id, 10), [{ id: carol.id, name: 'Carol' }]);
          assert.equal(await store.users.setSkeleton(alice.id, 'alice'), true);
          assert.equal(await store.users.setSkeleton(bob.id, 'dave'), false, 'Dave has that one');
          assert.equal((await store.users.findBySkeleton('alice'))?.id, alice.id);
          assert.equal((await store.users.findById(bob.id))?.skeleton, undefined);
          assert.deepEqual((await store.users.listWithoutSkeleton(0, 10)).map((u) => u.name), ['Bob', 'Carol']);
        }));

      it('refuses a second user with the same key with DuplicateUserError, keeping the first', () =>
        withStore(async ({ store }) => {
          const first = await store.users.create(newUser('Alice'));
          const err = await store.users.create(newUser('ALICE', { key: 'alice', passHash: 'other' })).then(
            () => assert.fail('a duplicate key was accepted'),
            (e: unknown) => e,
          );
          assert.ok(err instanceof DuplicateUserError, `expected DuplicateUserError, got ${String(err)}`);
          assert.equal(err.key, 'alice');
          assert.deepEqual(await store.users.findByKey('alice'), first);
          // The store still works after the refusal.
          assert.equal((await store.users.create(newUser('Bob'))).key, 'bob');
        }));

      it('patches a mute: a time, "forever", then none', () =>
        withStore(async ({ store }) => {
          const { alice, bob } = await people(store);
          const until = Date.now() + 3_600_000;
          await store.users.update(alice.id, { mutedUntil: until });
          assert.equal((await store.users.findById(alice.id))?.mutedUntil, until);
          await store.users.update(alice.id, { mutedUntil: 'forever' });
          assert.equal((await store.users.findByKey('alice'))?.mutedUntil, 'forever');
          await store.users.update(alice.id, { mutedUntil: null });
          assert.equal((await store.users.findById(alice.id))?.mutedUntil, null);
          assert.deepEqual(await store.users.findById(bob.id), bob, 'other users are untouched');
        }));

      it('patches a ban reason, keeping an empty reason distinct from no ban', () =>
        withStore(async ({ store }) => {
          const { alice } = await people(store);
          await store.users.update(alice.id, { banReason: 'spam' });
          assert.equal((await store.users.findById(alice.id))?.banReason, 'spam');
          await store.users.update(alice.id, { banReason: '' });
          assert.equal((await store.users.findById(alice.id))?.banReason, '', 'a ban without a reason is still a ban');
          await store.users.update(alice.id, { banReason: null });
          assert.equal((await store.users.findById(alice.id))?.banReason, null);
        }));

      it('changes only the fields a patch names', () =>
        withStore(async ({ store }) => {
          const { alice } = await people(store);
          await store.users.update(alice.id, { mutedUntil: 'forever', banReason: 'flood' });
          await store.users.update(alice.id, { passHash: 'new-hash', role: 'admin' });
          assert.deepEqual(await store.users.findById(alice.id), {
            ...alice,
            passHash: 'new-hash',
            role: 'admin',
            mutedUntil: 'forever',
            banReason: 'flood',
          });
          await store.users.update(alice.id, {});
          assert.equal((await store.users.findById(alice.id))?.passHash, 'new-hash', 'an empty patch changes nothing');
        }));

      it('lists users by key prefix in UTF-8 byte order, in pages, without banned ones', () =>
        withStore(async ({ store }) => {
          // Byte order puts ASCII before Latin-1 before CJK, and 'bo' before 'bob'.
          for (const name of ['bob', 'Bo', 'Bé', 'alice', 'Zoë', '李雷', '李', 'bobby', 'banned']) await store.users.create(newUser(name));
          const banned = await store.users.findByKey('banned');
          await store.users.update(banned!.id, { banReason: 'spam' });
          const keys = async (page: Parameters<Store['users']['list']>[0]): Promise<string[]> => (await store.users.list(page)).map((u) => u.key);
          assert.deepEqual(await keys({ limit: 100 }), ['alice', 'bo', 'bob', 'bobby', 'bé', 'zoë', '李', '李雷']);
          assert.deepEqual(await keys({ prefix: 'b', limit: 100 }), ['bo', 'bob', 'bobby', 'bé']);
          assert.deepEqual(await keys({ prefix: 'bo', limit: 2 }), ['bo', 'bob']);
          assert.deepEqual(await keys({ prefix: 'bo', after: 'bob', limit: 2 }), ['bobby']);
          assert.deepEqual(await keys({ prefix: '李', limit: 100 }), ['李', '李雷']);
          assert.deepEqual(await keys({ prefix: 'x', limit: 100 }), []);
          assert.deepEqual(await keys({ prefix: '%', limit: 100 }), [], 'no pattern characters');
          const [bob] = await store.users.list({ prefix: 'bob', limit: 1 });
          assert.deepEqual(bob, await store.users.findByKey('bob'), 'whole records');
        }));
    });

    describe('sessions', () => {
      const session = (tokenHash: string, userId: number, over: Partial<SessionRecord> = {}): SessionRecord => ({
        tokenHash,
        userId,
        createdAt: 1_700_000_000_000,
        expiresAt: 1_700_000_000_000 + 86_400_000,
        revoked: false,
        ...over,
      });

      it('creates and finds a session by token hash; unknown hashes find nothing', () =>
        withStore(async ({ store }) => {
          const { alice } = await people(store);
          await store.sessions.create(session('h1', alice.id));
          assert.deepEqual(await store.sessions.find('h1'), session('h1', alice.id));
          assert.equal(await store.sessions.find('h2'), null);
        }));

      it('extends a session, changing only its expiry', () =>
        withStore(async ({ store }) => {
          const { alice } = await people(store);
          await store.sessions.create(session('h1', alice.id));
          await store.sessions.create(session('h2', alice.id));
          await store.sessions.extend('h1', 1_800_000_000_000);
          assert.deepEqual(await store.sessions.find('h1'), session('h1', alice.id, { expiresAt: 1_800_000_000_000 }));
          assert.deepEqual(await store.sessions.find('h2'), session('h2', alice.id), 'other sessions keep their expiry');
        }));

      it('revokes one session', () =>
        withStore(async ({ store }) => {
          const { alice } = await people(store);
          await store.sessions.create(session('h1', alice.id));
          await store.sessions.create(session('h2', alice.id));
          await store.sessions.revoke('h1');
          assert.equal((await store.sessions.find('h1'))?.revoked, true);
          assert.equal((await store.sessions.find('h2'))?.revoked, false);
        }));

      it("revokes all of one user's sessions and counts those it revoked", () =>
        withStore(async ({ store }) => {
          const { alice, bob, carol } = await people(store);
          await store.sessions.create(session('a1', alice.id));
          await store.sessions.create(session('a2', alice.id));
          await store.sessions.create(session('a3', alice.id, { revoked: true }));
          await store.sessions.create(session('b1', bob.id));
          assert.equal(await store.sessions.revokeAllOf(alice.id), 2);
          for (const h of ['a1', 'a2', 'a3']) assert.equal((await store.sessions.find(h))?.revoked, true, h);
          assert.equal((await store.sessions.find('b1'))?.revoked, false, "another user's session is untouched");
          assert.equal(await store.sessions.revokeAllOf(alice.id), 0, 'nothing left to revoke');
          assert.equal(await store.sessions.revokeAllOf(carol.id), 0, 'a user without sessions');
          // All but one (a password change keeps the session that made it).
          await store.sessions.create(session('b2', bob.id));
          assert.equal(await store.sessions.revokeAllOf(bob.id, 'b2'), 1);
          assert.deepEqual([(await store.sessions.find('b1'))?.revoked, (await store.sessions.find('b2'))?.revoked], [true, false]);
        }));
    });

    describe('messages', () => {
      it('stores a message as given, with a seq and the time it was stored', () =>
        withStore(async ({ store }) => {
          const { alice } = await people(store);
          const input: NewMessage = { conv: LOBBY, senderId: alice.id, senderName: 'Alice', kind: 'sticker', body: 'wave', cid: 'c-1' };
          const t0 = Date.now();
          const result = await store.messages.append(input);
          const t1 = Date.now();
          assert.equal(result.duplicate, false);
          assert.deepEqual(result.message, { ...input, seq: 1, ts: result.message.ts });
          // ms since the epoch, taken when the message was stored (a database server's clock may be a little off ours).
          const slack = 5000;
          assert.ok(Number.isInteger(result.message.ts), `ts ${result.message.ts}`);
          assert.ok(result.message.ts >= t0 - slack && result.message.ts <= t1 + slack, `ts ${result.message.ts} is not around [${t0}, ${t1}]`);
          assert.deepEqual(await store.messages.history(LOBBY, { limit: 10 }), [result.message]);
        }));

      it('numbers each conversation 1, 2, 3... on its own', () =>
        withStore(async ({ store }) => {
          const { alice, bob, carol } = await people(store);
          const ab = dm('alice', 'bob');
          const bc = dm('bob', 'carol');
          const got: [string, number][] = [];
          for (const [sender, conv] of [
            [alice, LOBBY],
            [alice, ab],
            [bob, ab],
            [bob, LOBBY],
            [carol, bc],
            [carol, LOBBY],
            [bob, ab],
            [bob, bc],
          ] as const) {
            const { message } = await store.messages.append(text(sender, conv, `to ${conv}`));
            got.push([conv, message.seq]);
          }
          assert.deepEqual(got, [
            [LOBBY, 1],
            [ab, 1],
            [ab, 2],
            [LOBBY, 2],
            [bc, 1],
            [LOBBY, 3],
            [ab, 3],
            [bc, 2],
          ]);
          assert.deepEqual(seqs(await store.messages.history(LOBBY, { limit: 50 })), [1, 2, 3]);
          assert.deepEqual(seqs(await store.messages.history(ab, { limit: 50 })), [1, 2, 3]);
          assert.deepEqual(seqs(await store.messages.history(bc, { limit: 50 })), [1, 2]);
        }));

      it('keeps concurrent appends in call order, gap-free per conversation', () =>
        withStore(async ({ store }) => {
          const { alice, bob, carol } = await people(store);
          const convs = [LOBBY, dm('alice', 'bob'), dm('alice', 'carol'), dm('bob', 'carol')];
          const senders = [alice, bob, carol];
          const calls: NewMessage[] = [];
          const promises: Promise<AppendResult>[] = [];
          const settled: number[] = [];
          const issue = (i: number): void => {
            // A deterministic but irregular mix of conversations and senders.
            const m = text(senders[(i * 7) % 3]!, convs[(i * i + 3 * i) % convs.length]!, `m${i}`, i % 3 === 0 ? `cid-${i}` : null);
            calls.push(m);
            promises.push(
              store.messages.append(m).then((r) => {
                settled.push(i);
                return r;
              }),
            );
          };
          // 240 in one turn, then 160 more spread over several turns, never waiting for a result.
          for (let i = 0; i < 240; i++) issue(i);
          for (let i = 240; i < 400; i++) {
            if (i % 40 === 0) await new Promise((r) => setImmediate(r));
            issue(i);
          }
          const results = await Promise.all(promises);
          assert.deepEqual(settled, range(0, 399), 'appends resolve in the order they were called');
          const next = new Map<string, number>();
          results.forEach((r, i) => {
            const expected = (next.get(calls[i]!.conv) ?? 0) + 1;
            next.set(calls[i]!.conv, expected);
            assert.equal(r.duplicate, false);
            assert.deepEqual(r.message, { ...calls[i]!, seq: expected, ts: r.message.ts }, `append #${i}`);
          });
          for (const conv of convs) {
            const stored = await fullHistory(store, conv);
            assert.deepEqual(seqs(stored), range(1, next.get(conv) ?? 0), conv);
            assert.deepEqual(
              stored.map((m) => m.body),
              calls.filter((c) => c.conv === conv).map((c) => c.body),
              `${conv} holds its messages in call order`,
            );
          }
        }));

      it('returns the first message for a repeated (sender, cid), storing nothing new', () =>
        withStore(async ({ store }) => {
          const { alice, bob } = await people(store);
          const first = await store.messages.append(text(alice, LOBBY, 'hello', 'c-1'));
          assert.equal(first.duplicate, false);
          const again = await store.messages.append(text(alice, LOBBY, 'hello, edited', 'c-1'));
          assert.equal(again.duplicate, true);
          assert.deepEqual(again.message, first.message, 'the stored original comes back, not the resend');
          // Another sender may use the same cid; no cid never counts as a repeat.
          const bobs = await store.messages.append(text(bob, LOBBY, 'hi', 'c-1'));
          assert.equal(bobs.duplicate, false);
          assert.equal(bobs.message.seq, 2, 'the duplicate used no seq');
          const n1 = await store.messages.append(text(alice, LOBBY, 'plain'));
          const n2 = await store.messages.append(text(alice, LOBBY, 'plain'));
          assert.deepEqual([n1.duplicate, n2.duplicate, n1.message.seq, n2.message.seq], [false, false, 3, 4]);
          assert.deepEqual(
            (await store.messages.history(LOBBY, { limit: 50 })).map((m) => [m.seq, m.senderName, m.body]),
            [
              [1, 'Alice', 'hello'],
              [2, 'Bob', 'hi'],
              [3, 'Alice', 'plain'],
              [4, 'Alice', 'plain'],
            ],
          );
        }));

      it('recognizes a repeated cid sent to another conversation', () =>
        withStore(async ({ store }) => {
          const { alice } = await people(store);
          const ab = dm('alice', 'bob');
          const first = await store.messages.append(text(alice, ab, 'secret', 'c-9'));
          const again = await store.messages.append(text(alice, LOBBY, 'secret', 'c-9'));
          assert.equal(again.duplicate, true);
          assert.deepEqual(again.message, first.message);
          assert.deepEqual(await store.messages.history(LOBBY, { limit: 10 }), [], 'nothing was stored in the lobby');
        }));

      it('recognizes a repeat that arrives together with the original', () =>
        withStore(async ({ store }) => {
          const { alice, bob } = await people(store);
          const pending = [
            store.messages.append(text(alice, LOBBY, 'one', 'c-1')),
            store.messages.append(text(bob, LOBBY, 'two', 'c-1')),
            store.messages.append(text(alice, LOBBY, 'one again', 'c-1')),
            store.messages.append(text(alice, LOBBY, 'three', 'c-2')),
            store.messages.append(text(alice, LOBBY, 'three again', 'c-2')),
          ];
          const [a, b, c, d, e] = await Promise.all(pending);
          assert.deepEqual(
            [a, b, c, d, e].map((r) => [r!.duplicate, r!.message.seq, r!.message.body]),
            [
              [false, 1, 'one'],
              [false, 2, 'two'],
              [true, 1, 'one'],
              [false, 3, 'three'],
              [true, 3, 'three'],
            ],
          );
          assert.deepEqual(c!.message, a!.message);
          assert.deepEqual(seqs(await store.messages.history(LOBBY, { limit: 50 })), [1, 2, 3]);
        }));
    });

    describe('history', () => {
      /** Ten lobby messages m1..m10 and two in a private conversation. */
      async function tenInLobby(store: Store): Promise<StoredMessage[]> {
        const { alice, bob } = await people(store);
        const out: StoredMessage[] = [];
        for (let i = 1; i <= 10; i++) {
          out.push((await store.messages.append(text(i % 2 ? alice : bob, LOBBY, `m${i}`))).message);
          if (i % 5 === 0) await store.messages.append(text(alice, dm('alice', 'bob'), `private ${i}`));
        }
        return out;
      }

      it('gives the newest messages, oldest first, when no position is given', () =>
        withStore(async ({ store }) => {
          const all = await tenInLobby(store);
          assert.deepEqual(await store.messages.history(LOBBY, { limit: 3 }), all.slice(7));
          assert.deepEqual(await store.messages.history(LOBBY, { limit: 50 }), all);
        }));

      it('gives the newest `limit` before a seq, oldest first', () =>
        withStore(async ({ store }) => {
          await tenInLobby(store);
          assert.deepEqual(seqs(await store.messages.history(LOBBY, { before: 5, limit: 2 })), [3, 4]);
          assert.deepEqual(seqs(await store.messages.history(LOBBY, { before: 5, limit: 10 })), [1, 2, 3, 4]);
          assert.deepEqual(seqs(await store.messages.history(LOBBY, { before: 11, limit: 3 })), [8, 9, 10]);
          assert.deepEqual(await store.messages.history(LOBBY, { before: 1, limit: 5 }), []);
        }));

      it('gives the oldest `limit` after a seq, oldest first', () =>
        withStore(async ({ store }) => {
          const all = await tenInLobby(store);
          assert.deepEqual(await store.messages.history(LOBBY, { after: 2, limit: 3 }), all.slice(2, 5));
          assert.deepEqual(seqs(await store.messages.history(LOBBY, { after: 7, limit: 10 })), [8, 9, 10]);
          assert.deepEqual(seqs(await store.messages.history(LOBBY, { after: 0, limit: 2 })), [1, 2]);
          assert.deepEqual(await store.messages.history(LOBBY, { after: 10, limit: 5 }), []);
        }));

      it('gives what lies strictly between `after` and `before`, oldest first', () =>
        withStore(async ({ store }) => {
          const all = await tenInLobby(store);
          assert.deepEqual(await store.messages.history(LOBBY, { after: 2, before: 6, limit: 10 }), all.slice(2, 5));
          assert.deepEqual(seqs(await store.messages.history(LOBBY, { after: 0, before: 11, limit: 50 })), range(1, 10));
          assert.deepEqual(await store.messages.history(LOBBY, { after: 4, before: 5, limit: 10 }), []);
        }));

      it('keeps conversations apart and knows nothing of unknown ones', () =>
        withStore(async ({ store }) => {
          await tenInLobby(store);
          assert.deepEqual(
            (await store.messages.history(dm('alice', 'bob'), { limit: 50 })).map((m) => [m.seq, m.body]),
            [
              [1, 'private 5'],
              [2, 'private 10'],
            ],
          );
          assert.deepEqual(await store.messages.history(dm('bob', 'carol'), { limit: 50 }), []);
          assert.deepEqual(await store.messages.history('dm:nobody:noone', { after: 0, limit: 50 }), []);
        }));
    });

    describe('conversationsOf', () => {
      it('lists the lobby even before anyone has spoken', () =>
        withStore(async ({ store }) => {
          await people(store);
          assert.deepEqual(await store.messages.conversationsOf('alice'), [{ conv: LOBBY, lastSeq: 0, lastTs: null, peer: null }]);
        }));

      it("lists the lobby and the user's private conversations only, with the peer's display name", () =>
        withStore(async ({ store }) => {
          const { alice, bob, carol } = await people(store);
          const lobbyLast = (await store.messages.append(text(bob, LOBBY, 'hi all'))).message;
          await store.messages.append(text(alice, dm('alice', 'bob'), 'hi bob'));
          const abLast = (await store.messages.append(text(bob, dm('alice', 'bob'), 'hi alice'))).message;
          const acLast = (await store.messages.append(text(carol, dm('alice', 'carol'), 'psst'))).message;
          const bcLast = (await store.messages.append(text(bob, dm('bob', 'carol'), 'not for alice'))).message;
          const selfLast = (await store.messages.append(text(alice, dm('alice', 'alice'), 'note to self'))).message;
          const byConv = <T extends { conv: string }>(list: T[]): T[] => [...list].sort((x, y) => x.conv.localeCompare(y.conv));

          assert.deepEqual(
            byConv(await store.messages.conversationsOf('alice')),
            byConv([
              { conv: LOBBY, lastSeq: 1, lastTs: lobbyLast.ts, peer: null },
              { conv: dm('alice', 'bob'), lastSeq: 2, lastTs: abLast.ts, peer: 'Bob' },
              { conv: dm('alice', 'carol'), lastSeq: 1, lastTs: acLast.ts, peer: 'Carol' },
              { conv: dm('alice', 'alice'), lastSeq: 1, lastTs: selfLast.ts, peer: 'Alice' },
            ]),
          );
          assert.deepEqual(
            byConv(await store.messages.conversationsOf('carol')),
            byConv([
              { conv: LOBBY, lastSeq: 1, lastTs: lobbyLast.ts, peer: null },
              { conv: dm('alice', 'carol'), lastSeq: 1, lastTs: acLast.ts, peer: 'Alice' },
              { conv: dm('bob', 'carol'), lastSeq: 1, lastTs: bcLast.ts, peer: 'Bob' },
            ]),
          );
          const dave = await store.users.create(newUser('Dave'));
          assert.deepEqual(await store.messages.conversationsOf(dave.key), [{ conv: LOBBY, lastSeq: 1, lastTs: lobbyLast.ts, peer: null }]);
        }));
    });

    describe('audit', () => {
      it('lists entries newest first, up to the limit', () =>
        withStore(async ({ store }) => {
          const entries = [
            { ts: 1000, actor: 'admin', action: 'mute', target: 'bob', detail: 'flood' },
            { ts: 2000, actor: 'admin', action: 'notice', target: null, detail: 'maintenance at noon' },
            { ts: 3000, actor: 'root', action: 'unban', target: 'carol', detail: null },
          ];
          assert.deepEqual(await store.moderation.listAudit(10), []);
          for (const e of entries) await store.moderation.addAudit(e);
          const all = await store.moderation.listAudit(10);
          assert.deepEqual(
            all.map(({ id: _id, ...rest }) => rest),
            [...entries].reverse(),
          );
          assert.ok(all.every((r) => typeof r.id === 'number'));
          assert.equal(new Set(all.map((r) => r.id)).size, 3, 'every entry has its own id');
          assert.deepEqual(await store.moderation.listAudit(2), all.slice(0, 2));
        }));
    });

    describe('files', () => {
      function fileOf(uploader: UserRecord, id: string, overrides: Partial<FileRecord> = {}): FileRecord {
        return {
          id,
          sha256: 'ab'.repeat(32),
          size: 1234,
          mime: 'image/png',
          name: 'Ünïcode photo (1).png',
          uploaderId: uploader.id,
          createdAt: 1_700_000_000_123,
          ...overrides,
        };
      }

      it('stores a file record and finds it by id, every field intact', () =>
        withStore(async ({ store }) => {
          const { alice, bob } = await people(store);
          const a = fileOf(alice, 'f-Alice_1');
          const b = fileOf(bob, 'f-Bob_1', { size: 0, mime: 'application/octet-stream', name: 'empty', sha256: 'cd'.repeat(32) });
          await store.files.create(a);
          await store.files.create(b);
          assert.deepEqual(await store.files.find('f-Alice_1'), a);
          assert.deepEqual(await store.files.find('f-Bob_1'), b);
          assert.equal(await store.files.find('f-alice_1'), null, 'ids are case-sensitive');
          assert.equal(await store.files.find('nope'), null);
        }));

      it('lets two records share one content hash (equal uploads)', () =>
        withStore(async ({ store }) => {
          const { alice, bob } = await people(store);
          await store.files.create(fileOf(alice, 'one'));
          await store.files.create(fileOf(bob, 'two', { name: 'same bytes.png' }));
          assert.equal((await store.files.find('one'))?.sha256, (await store.files.find('two'))?.sha256);
          assert.equal((await store.files.find('two'))?.uploaderId, bob.id);
        }));

      it('refuses a second record with the same id', () =>
        withStore(async ({ store }) => {
          const { alice, bob } = await people(store);
          await store.files.create(fileOf(alice, 'dup'));
          await assert.rejects(store.files.create(fileOf(bob, 'dup', { name: 'other' })));
          assert.equal((await store.files.find('dup'))?.uploaderId, alice.id, 'the first record stays');
        }));

      it('sums the sizes of the files each user uploaded', () =>
        withStore(async ({ store }) => {
          const { alice, bob } = await people(store);
          assert.equal(await store.files.uploadedBytes(alice.id), 0, 'none yet');
          await store.files.create(fileOf(alice, 'a1', { size: 1000 }));
          await store.files.create(fileOf(alice, 'a2', { size: 2500 }));
          await store.files.create(fileOf(alice, 'a3', { size: 0 }));
          await store.files.create(fileOf(bob, 'b1', { size: 7 }));
          assert.equal(await store.files.uploadedBytes(alice.id), 3500, 'equal contents count each time');
          assert.equal(await store.files.uploadedBytes(bob.id), 7);
          assert.equal(await store.files.uploadedBytes(999_999), 0, 'an unknown user has uploaded nothing');
          // Large totals stay exact (a 100 GiB history).
          await store.files.create(fileOf(bob, 'b2', { size: 100 * 1024 ** 3 }));
          assert.equal(await store.files.uploadedBytes(bob.id), 100 * 1024 ** 3 + 7);
        }));

      it('records the conversations a file was sent to, once each', () =>
        withStore(async ({ store }) => {
          const { alice } = await people(store);
          await store.files.create(fileOf(alice, 'f1'));
          await store.files.create(fileOf(alice, 'f2'));
          assert.deepEqual(await store.files.conversationsOf('f1'), []);
          await store.files.share('f1', dm('alice', 'bob'));
          await store.files.share('f1', LOBBY);
          await store.files.share('f1', dm('alice', 'bob'));
          assert.deepEqual((await store.files.conversationsOf('f1')).sort(), [LOBBY, dm('alice', 'bob')].sort());
          assert.deepEqual(await store.files.conversationsOf('f2'), [], 'other files are untouched');
          assert.deepEqual(await store.files.conversationsOf('unknown'), []);
        }));

      it('keeps files and shares across a reopen', () =>
        withStore(async ({ store, reopen }) => {
          const { alice } = await people(store);
          const f = fileOf(alice, 'kept');
          await store.files.create(f);
          await store.files.share('kept', LOBBY);
          await store.close();
          const again = await reopen();
          assert.deepEqual(await again.files.find('kept'), f);
          assert.deepEqual(await again.files.conversationsOf('kept'), [LOBBY]);
        }));
    });

    describe('secrets', () => {
      it('stores the first value given for a name and keeps it: later ones are ignored, across a reopen too', () =>
        withStore(async ({ store, reopen }) => {
          assert.equal(await store.secrets.getOrCreate('file-links', 'first'), 'first');
          assert.equal(await store.secrets.getOrCreate('file-links', 'second'), 'first');
          assert.equal(await store.secrets.getOrCreate('other', 'x'), 'x', 'names are separate');
          await store.close();
          const again = await reopen();
          assert.equal(await again.secrets.getOrCreate('file-links', 'third'), 'first');
        }));

      it('gives every caller the same value when several ask at once', () =>
        withStore(async ({ store }) => {
          const values = await Promise.all(['a', 'b', 'c', 'd'].map((v) => store.secrets.getOrCreate('raced', v)));
          assert.equal(new Set(values).size, 1);
        }));
    });

    describe('persistence', () => {
      it('keeps everything across close and reopen', () =>
        withStore(async ({ store, reopen }) => {
          const { alice, bob, carol } = await people(store);
          await store.users.update(alice.id, { mutedUntil: 'forever' });
          await store.users.update(bob.id, { mutedUntil: 1_900_000_000_000, banReason: '' });
          await store.sessions.create({ tokenHash: 'h1', userId: carol.id, createdAt: 1, expiresAt: FAR_FUTURE, revoked: false });
          await store.sessions.create({ tokenHash: 'h2', userId: carol.id, createdAt: 1, expiresAt: FAR_FUTURE, revoked: true });
          const sent: StoredMessage[] = [];
          for (let i = 0; i < 5; i++) sent.push((await store.messages.append(text(alice, LOBBY, `l${i}`, `cid-${i}`))).message);
          const private1 = (await store.messages.append(text(bob, dm('bob', 'carol'), 'p0', 'cid-p'))).message;
          await store.moderation.addAudit({ ts: 5, actor: 'admin', action: 'mute', target: 'Alice', detail: null });
          await store.close();

          const again = await reopen();
          assert.deepEqual(await again.users.findById(alice.id), { ...alice, mutedUntil: 'forever' });
          assert.deepEqual(await again.users.findByKey('bob'), { ...bob, mutedUntil: 1_900_000_000_000, banReason: '' });
          assert.deepEqual(await again.sessions.find('h1'), { tokenHash: 'h1', userId: carol.id, createdAt: 1, expiresAt: FAR_FUTURE, revoked: false });
          assert.equal((await again.sessions.find('h2'))?.revoked, true);
          assert.deepEqual(await again.messages.history(LOBBY, { limit: 50 }), sent);
          assert.deepEqual(await again.messages.history(dm('bob', 'carol'), { limit: 50 }), [private1]);
          assert.deepEqual(
            (await again.moderation.listAudit(10)).map((r) => r.action),
            ['mute'],
          );
          await assert.rejects(again.users.create(newUser('alice')), DuplicateUserError);

          // Numbering and duplicate detection carry on where they left off.
          const repeat = await again.messages.append(text(alice, LOBBY, 'l3 resent', 'cid-3'));
          assert.equal(repeat.duplicate, true);
          assert.deepEqual(repeat.message, sent[3]);
          assert.equal((await again.messages.append(text(alice, LOBBY, 'l5', 'cid-5'))).message.seq, 6);
          assert.equal((await again.messages.append(text(carol, dm('bob', 'carol'), 'p1'))).message.seq, 2);
          const convs = await again.messages.conversationsOf('carol');
          assert.deepEqual(
            convs.map((c) => [c.conv, c.lastSeq, c.peer]).sort(),
            [
              [LOBBY, 6, null],
              [dm('bob', 'carol'), 2, 'Bob'],
            ].sort(),
          );
        }));
    });
  });
}

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { DuplicateRoomError, type NewMessage, type NewRoom, type Store, type UserRecord } from '../../src/server/store/port.js';
import type { OpenedStore } from './contract.js';

const LOBBY = '#lobby';

function text(sender: UserRecord, conv: string, body: string): NewMessage {
  return { conv, senderId: sender.id, senderName: sender.name, kind: 'text', body, cid: null };
}

function room(key: string, owner: UserRecord, overrides: Partial<NewRoom> = {}): NewRoom {
  return { key: `#${key}`, name: `#${key[0]!.toUpperCase()}${key.slice(1)}`, topic: `about ${key}`, private: false, ownerId: owner.id, createdAt: 1_700_000_000_000, ...overrides };
}

async function people(store: Store): Promise<{ alice: UserRecord; bob: UserRecord; carol: UserRecord }> {
  const make = (name: string) => store.users.create({ name, key: name.toLowerCase(), passHash: 'x', role: 'user', createdAt: 1 });
  return { alice: await make('Alice'), bob: await make('Bob'), carol: await make('Carol') };
}

/**
 * The Store contract for read markers, message changes (edits, deletes, reactions) and rooms.
 * Every adapter must pass it, like test/store/contract.ts.
 */
export function roomsStoreContract(name: string, open: () => Promise<OpenedStore>): void {
  async function withStore(fn: (opened: OpenedStore) => Promise<void>): Promise<void> {
    const opened = await open();
    try {
      await fn(opened);
    } finally {
      await opened.cleanup();
    }
  }

  describe(`Store contract (rooms, read markers, changes): ${name}`, () => {
    describe('read markers', () => {
      it('start at 0, only move forward, and say whether they moved', () =>
        withStore(async ({ store }) => {
          const { alice, bob } = await people(store);
          assert.deepEqual(await store.readMarkers.listOf(alice.id), []);
          assert.deepEqual(await store.readMarkers.advance(alice.id, LOBBY, 5), { seq: 5, moved: true });
          assert.deepEqual(await store.readMarkers.advance(alice.id, LOBBY, 3), { seq: 5, moved: false });
          assert.deepEqual(await store.readMarkers.advance(alice.id, LOBBY, 5), { seq: 5, moved: false });
          assert.deepEqual(await store.readMarkers.advance(alice.id, LOBBY, 9), { seq: 9, moved: true });
          assert.deepEqual(await store.readMarkers.advance(alice.id, 'dm:alice:bob', 2), { seq: 2, moved: true });
          assert.deepEqual(
            (await store.readMarkers.listOf(alice.id)).sort((a, b) => a.conv.localeCompare(b.conv)),
            [
              { conv: LOBBY, seq: 9 },
              { conv: 'dm:alice:bob', seq: 2 },
            ],
          );
          assert.deepEqual(await store.readMarkers.listOf(bob.id), [], 'markers are per user');
        }));

      it('settle in call order when called together, the furthest winning', () =>
        withStore(async ({ store }) => {
          const { alice } = await people(store);
          const results = await Promise.all([7, 3, 9, 8].map((s) => store.readMarkers.advance(alice.id, LOBBY, s)));
          assert.deepEqual(results, [
            { seq: 7, moved: true },
            { seq: 7, moved: false },
            { seq: 9, moved: true },
            { seq: 9, moved: false },
          ]);
        }));

      it('count unread messages after a marker, not the reader\'s own, not deleted, up to a cap', () =>
        withStore(async ({ store }) => {
          const { alice, bob } = await people(store);
          for (let i = 1; i <= 6; i++) await store.messages.append(text(i % 2 ? bob : alice, LOBBY, `m${i}`)); // bob: 1 3 5
          assert.equal(await store.messages.countUnread(LOBBY, 0, alice.id, 100), 3);
          assert.equal(await store.messages.countUnread(LOBBY, 3, alice.id, 100), 1);
          assert.equal(await store.messages.countUnread(LOBBY, 0, bob.id, 100), 3);
          assert.equal(await store.messages.countUnread(LOBBY, 0, alice.id, 2), 2, 'capped');
          await store.messages.change(LOBBY, 5, { kind: 'delete', ts: 2 });
          assert.equal(await store.messages.countUnread(LOBBY, 3, alice.id, 100), 0, 'deleted messages are not unread');
          assert.equal(await store.messages.countUnread('#nowhere', 0, alice.id, 100), 0);
        }));
    });

    describe('message changes', () => {
      it('edit: new body and editedTs, next useq; findMessage and history show it', () =>
        withStore(async ({ store }) => {
          const { alice } = await people(store);
          const m1 = (await store.messages.append(text(alice, LOBBY, 'first'))).message;
          await store.messages.append(text(alice, LOBBY, 'second'));
          assert.equal((await store.messages.find(LOBBY, 1))?.useq, undefined, 'unchanged messages have no useq');
          const r = await store.messages.change(LOBBY, 1, { kind: 'edit', body: 'first, fixed', ts: 1234 });
          assert.deepEqual(r, { message: { ...m1, body: 'first, fixed', editedTs: 1234, useq: 1 }, added: false });
          assert.deepEqual(await store.messages.find(LOBBY, 1), r!.message);
          assert.deepEqual((await store.messages.history(LOBBY, { limit: 10 }))[0], r!.message);
          const again = await store.messages.change(LOBBY, 1, { kind: 'edit', body: 'third time', ts: 1300 });
          assert.equal(again?.message.useq, 2);
          assert.equal(again?.message.editedTs, 1300);
          assert.deepEqual(await store.messages.lastUpdateSeqs([LOBBY, 'dm:x:y']), { [LOBBY]: 2, 'dm:x:y': 0 });
        }));

      it('delete: empty body, deleted, reactions gone; a deleted message changes no more', () =>
        withStore(async ({ store }) => {
          const { alice, bob } = await people(store);
          await store.messages.append(text(alice, LOBBY, 'oops'));
          await store.messages.change(LOBBY, 1, { kind: 'react', userId: bob.id, userName: bob.name, emoji: '👍', ts: 1, maxEmojis: 20 });
          const r = await store.messages.change(LOBBY, 1, { kind: 'delete', ts: 2 });
          assert.equal(r?.message.deleted, true);
          assert.equal(r?.message.body, '');
          assert.equal(r?.message.reactions, undefined);
          assert.equal(r?.message.useq, 2);
          assert.equal(await store.messages.change(LOBBY, 1, { kind: 'edit', body: 'back', ts: 3 }), null);
          assert.equal(await store.messages.change(LOBBY, 1, { kind: 'delete', ts: 3 }), null);
          assert.equal(await store.messages.change(LOBBY, 9, { kind: 'edit', body: 'none', ts: 3 }), null, 'no such message');
          assert.deepEqual(await store.messages.lastUpdateSeqs([LOBBY]), { [LOBBY]: 2 }, 'refused changes take no useq');
          assert.equal((await store.messages.find(LOBBY, 1))?.deleted, true);
        }));

      it('react: toggles per user and emoji, names in reaction order, at most maxEmojis emoji', () =>
        withStore(async ({ store }) => {
          const { alice, bob, carol } = await people(store);
          await store.messages.append(text(alice, LOBBY, 'react to me'));
          const react = (u: UserRecord, emoji: string, ts: number, maxEmojis = 20) =>
            store.messages.change(LOBBY, 1, { kind: 'react', userId: u.id, userName: u.name, emoji, ts, maxEmojis });
          assert.equal((await react(bob, '👍', 10))?.added, true);
          assert.equal((await react(carol, '👍', 11))?.added, true);
          const third = await react(alice, '🎉', 12);
          assert.deepEqual(third?.message.reactions, { '👍': ['Bob', 'Carol'], '🎉': ['Alice'] });
          const off = await react(bob, '👍', 13);
          assert.equal(off?.added, false);
          assert.deepEqual(off?.message.reactions, { '👍': ['Carol'], '🎉': ['Alice'] });
          assert.equal(off?.message.useq, 4);
          const refused = await react(bob, '🔥', 14, 2);
          assert.deepEqual([refused?.refused, refused?.added], [true, false]);
          assert.deepEqual(refused?.message.reactions, { '👍': ['Carol'], '🎉': ['Alice'] });
          assert.equal((await react(bob, '🎉', 15, 2))?.added, true, 'an emoji already there is not a new one');
          const [stored] = await store.messages.history(LOBBY, { limit: 1 });
          assert.deepEqual(stored?.reactions, { '👍': ['Carol'], '🎉': ['Alice', 'Bob'] });
          await react(carol, '👍', 16);
          assert.deepEqual((await store.messages.find(LOBBY, 1))?.reactions, { '🎉': ['Alice', 'Bob'] }, 'an emoji nobody uses any more is gone');
        }));

      it('changedAfter lists messages by their latest change, in useq order; useq is per conversation', () =>
        withStore(async ({ store }) => {
          const { alice } = await people(store);
          for (let i = 1; i <= 4; i++) await store.messages.append(text(alice, LOBBY, `m${i}`));
          await store.messages.append(text(alice, 'dm:alice:bob', 'private'));
          await store.messages.change(LOBBY, 3, { kind: 'edit', body: 'm3!', ts: 1 }); // useq 1
          await store.messages.change(LOBBY, 1, { kind: 'edit', body: 'm1!', ts: 2 }); // 2
          await store.messages.change(LOBBY, 3, { kind: 'edit', body: 'm3!!', ts: 3 }); // 3
          assert.equal((await store.messages.change('dm:alice:bob', 1, { kind: 'edit', body: 'p!', ts: 4 }))?.message.useq, 1);
          const all = await store.messages.changedAfter(LOBBY, 0, 10);
          assert.deepEqual(all.map((m) => [m.seq, m.useq, m.body]), [
            [1, 2, 'm1!'],
            [3, 3, 'm3!!'],
          ]);
          assert.deepEqual((await store.messages.changedAfter(LOBBY, 2, 10)).map((m) => m.seq), [3]);
          assert.deepEqual((await store.messages.changedAfter(LOBBY, 0, 1)).map((m) => m.seq), [1], 'limit');
          assert.deepEqual(await store.messages.changedAfter(LOBBY, 3, 10), []);
        }));

      it('appends keep their seqs while changes are made in the same turn', () =>
        withStore(async ({ store }) => {
          const { alice } = await people(store);
          await store.messages.append(text(alice, LOBBY, 'm1'));
          const [a, change, b] = await Promise.all([
            store.messages.append(text(alice, LOBBY, 'm2')),
            store.messages.change(LOBBY, 1, { kind: 'edit', body: 'm1 edited', ts: 5 }),
            store.messages.append(text(alice, LOBBY, 'm3')),
          ]);
          assert.deepEqual([a.message.seq, change?.message.useq, b.message.seq], [2, 1, 3]);
        }));
    });

    describe('rooms', () => {
      it('creates a room with its owner as first member; refuses a taken key', () =>
        withStore(async ({ store }) => {
          const { alice, bob } = await people(store);
          const created = await store.rooms.create(room('general', alice));
          assert.deepEqual(created, { ...room('general', alice), ownerName: 'Alice' });
          assert.deepEqual(await store.rooms.find('#general'), created);
          assert.equal(await store.rooms.find('#nope'), null);
          await assert.rejects(store.rooms.create(room('general', bob, { name: '#GENERAL' })), DuplicateRoomError);
          assert.equal((await store.rooms.find('#general'))?.ownerId, alice.id, 'the first one stays');
          assert.deepEqual((await store.rooms.members('#general')).map((m) => m.name), ['Alice']);
          assert.equal(await store.rooms.memberCount('#general'), 1);
        }));

      it('adds and removes members, saying whether anything changed', () =>
        withStore(async ({ store }) => {
          const { alice, bob, carol } = await people(store);
          await store.rooms.create(room('dev', alice, { createdAt: 10 }));
          assert.equal(await store.rooms.addMember('#dev', bob.id, 20), true);
          assert.equal(await store.rooms.addMember('#dev', bob.id, 30), false);
          assert.equal(await store.rooms.addMember('#dev', carol.id, 25), true);
          assert.deepEqual(await store.rooms.members('#dev'), [
            { userId: alice.id, name: 'Alice', key: 'alice', joinedAt: 10, mutedUntil: null },
            { userId: bob.id, name: 'Bob', key: 'bob', joinedAt: 20, mutedUntil: null },
            { userId: carol.id, name: 'Carol', key: 'carol', joinedAt: 25, mutedUntil: null },
          ]);
          assert.deepEqual(await store.rooms.findMember('#dev', bob.id), { userId: bob.id, name: 'Bob', key: 'bob', joinedAt: 20, mutedUntil: null });
          assert.equal(await store.rooms.removeMember('#dev', bob.id), true);
          assert.equal(await store.rooms.removeMember('#dev', bob.id), false);
          assert.equal(await store.rooms.findMember('#dev', bob.id), null);
          assert.equal(await store.rooms.memberCount('#dev'), 2);
        }));

      it('keeps member mutes, topics and owners', () =>
        withStore(async ({ store }) => {
          const { alice, bob } = await people(store);
          await store.rooms.create(room('dev', alice));
          await store.rooms.addMember('#dev', bob.id, 1);
          await store.rooms.setMemberMute('#dev', bob.id, 'forever');
          assert.equal((await store.rooms.findMember('#dev', bob.id))?.mutedUntil, 'forever');
          await store.rooms.setMemberMute('#dev', bob.id, 1_900_000_000_000);
          assert.equal((await store.rooms.findMember('#dev', bob.id))?.mutedUntil, 1_900_000_000_000);
          await store.rooms.setMemberMute('#dev', bob.id, null);
          assert.equal((await store.rooms.findMember('#dev', bob.id))?.mutedUntil, null);
          await store.rooms.update('#dev', { topic: 'new topic' });
          await store.rooms.update('#dev', { ownerId: bob.id });
          const r = await store.rooms.find('#dev');
          assert.deepEqual([r?.topic, r?.ownerId, r?.ownerName], ['new topic', bob.id, 'Bob']);
        }));

      it('lists public rooms and the private rooms one is in; roomsOf gives memberships with their newest message', () =>
        withStore(async ({ store }) => {
          const { alice, bob, carol } = await people(store);
          await store.rooms.create(room('open', alice));
          await store.rooms.create(room('secret', alice, { private: true }));
          await store.rooms.create(room('bobs', bob));
          await store.rooms.addMember('#secret', carol.id, 5);
          const listed = (rooms: { key: string; memberCount: number; joined: boolean }[]) => rooms.map((r) => [r.key, r.memberCount, r.joined]);
          const all = { limit: 100 };
          assert.deepEqual(listed(await store.rooms.list(bob.id, all)), [
            ['#bobs', 1, true],
            ['#open', 1, false],
          ]);
          assert.deepEqual(listed(await store.rooms.list(carol.id, all)), [
            ['#bobs', 1, false],
            ['#open', 1, false],
            ['#secret', 2, true],
          ]);
          // Pages: keys after the cursor, at most the limit; or only the user's own rooms.
          assert.deepEqual(listed(await store.rooms.list(carol.id, { limit: 2 })), [
            ['#bobs', 1, false],
            ['#open', 1, false],
          ]);
          assert.deepEqual(listed(await store.rooms.list(carol.id, { after: '#bobs', limit: 1 })), [['#open', 1, false]]);
          assert.deepEqual(listed(await store.rooms.list(carol.id, { after: '#open', limit: 5 })), [['#secret', 2, true]]);
          assert.deepEqual(listed(await store.rooms.list(carol.id, { after: '#secret', limit: 5 })), []);
          assert.deepEqual(listed(await store.rooms.list(carol.id, { limit: 5, joinedOnly: true })), [['#secret', 2, true]]);
          assert.deepEqual(listed(await store.rooms.list(alice.id, { limit: 5, joinedOnly: true })), [
            ['#open', 1, true],
            ['#secret', 2, true],
          ]);
          assert.deepEqual(listed(await store.rooms.list(alice.id, { after: '#open', limit: 5, joinedOnly: true })), [['#secret', 2, true]]);
          assert.deepEqual(listed(await store.rooms.list(bob.id, { after: '#bobs', limit: 1, joinedOnly: true })), []);
          assert.deepEqual(await store.rooms.roomsOf(bob.id), [{ room: await store.rooms.find('#bobs'), lastSeq: 0, lastTs: null }]);
          const sent = (await store.messages.append(text(carol, '#secret', 'psst'))).message;
          assert.deepEqual(
            (await store.rooms.roomsOf(carol.id)).map((r) => [r.room.key, r.lastSeq, r.lastTs]),
            [['#secret', 1, sent.ts]],
          );
          assert.deepEqual(await store.rooms.roomsOf(alice.id).then((rs) => rs.map((r) => r.room.key)), ['#open', '#secret']);
        }));

      it('counts the rooms a user owns and the rooms they are in', () =>
        withStore(async ({ store }) => {
          const { alice, bob, carol } = await people(store);
          assert.deepEqual(await store.rooms.countsOf(alice.id), { owned: 0, joined: 0 });
          await store.rooms.create(room('one', alice));
          await store.rooms.create(room('two', alice, { private: true }));
          await store.rooms.addMember('#one', bob.id, 2);
          await store.rooms.addMember('#two', bob.id, 3);
          await store.rooms.removeMember('#two', alice.id); // the owner left and still owns it
          await store.rooms.update('#one', { ownerId: bob.id });
          assert.deepEqual(await store.rooms.countsOf(alice.id), { owned: 1, joined: 1 });
          assert.deepEqual(await store.rooms.countsOf(bob.id), { owned: 1, joined: 2 });
          assert.deepEqual(await store.rooms.countsOf(carol.id), { owned: 0, joined: 0 });
        }));

      it('keeps rooms, members, markers and changes across close and reopen', () =>
        withStore(async ({ store, reopen }) => {
          const { alice, bob } = await people(store);
          await store.rooms.create(room('dev', alice, { private: true, createdAt: 2 }));
          await store.rooms.addMember('#dev', bob.id, 3);
          await store.messages.append(text(bob, '#dev', 'hello'));
          await store.messages.change('#dev', 1, { kind: 'react', userId: alice.id, userName: 'Alice', emoji: '❤️', ts: 4, maxEmojis: 20 });
          await store.readMarkers.advance(alice.id, '#dev', 1);
          await store.close();
          const again = await reopen();
          assert.deepEqual((await again.rooms.members('#dev')).map((m) => m.name), ['Alice', 'Bob']);
          assert.deepEqual((await again.messages.find('#dev', 1))?.reactions, { '❤️': ['Alice'] });
          assert.deepEqual(await again.readMarkers.listOf(alice.id), [{ conv: '#dev', seq: 1 }]);
          assert.equal((await again.messages.change('#dev', 1, { kind: 'edit', body: 'hi', ts: 5 }))?.message.useq, 2);
          assert.equal((await again.messages.append(text(alice, '#dev', 'second'))).message.seq, 2);
        }));
    });
  });
}

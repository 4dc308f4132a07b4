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
  const make = (name: string) => store.createUser({ name, key: name.toLowerCase(), passHash: 'x', role: 'user', createdAt: 1 });
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
          assert.deepEqual(await store.readMarkers(alice.id), []);
          assert.deepEqual(await store.advanceReadMarker(alice.id, LOBBY, 5), { seq: 5, moved: true });
          assert.deepEqual(await store.advanceReadMarker(alice.id, LOBBY, 3), { seq: 5, moved: false });
          assert.deepEqual(await store.advanceReadMarker(alice.id, LOBBY, 5), { seq: 5, moved: false });
          assert.deepEqual(await store.advanceReadMarker(alice.id, LOBBY, 9), { seq: 9, moved: true });
          assert.deepEqual(await store.advanceReadMarker(alice.id, 'dm:alice:bob', 2), { seq: 2, moved: true });
          assert.deepEqual(
            (await store.readMarkers(alice.id)).sort((a, b) => a.conv.localeCompare(b.conv)),
            [
              { conv: LOBBY, seq: 9 },
              { conv: 'dm:alice:bob', seq: 2 },
            ],
          );
          assert.deepEqual(await store.readMarkers(bob.id), [], 'markers are per user');
        }));

      it('settle in call order when called together, the furthest winning', () =>
        withStore(async ({ store }) => {
          const { alice } = await people(store);
          const results = await Promise.all([7, 3, 9, 8].map((s) => store.advanceReadMarker(alice.id, LOBBY, s)));
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
          for (let i = 1; i <= 6; i++) await store.appendMessage(text(i % 2 ? bob : alice, LOBBY, `m${i}`)); // bob: 1 3 5
          assert.equal(await store.countUnread(LOBBY, 0, alice.id, 100), 3);
          assert.equal(await store.countUnread(LOBBY, 3, alice.id, 100), 1);
          assert.equal(await store.countUnread(LOBBY, 0, bob.id, 100), 3);
          assert.equal(await store.countUnread(LOBBY, 0, alice.id, 2), 2, 'capped');
          await store.changeMessage(LOBBY, 5, { kind: 'delete', ts: 2 });
          assert.equal(await store.countUnread(LOBBY, 3, alice.id, 100), 0, 'deleted messages are not unread');
          assert.equal(await store.countUnread('#nowhere', 0, alice.id, 100), 0);
        }));
    });

    describe('message changes', () => {
      it('edit: new body and editedTs, next useq; findMessage and history show it', () =>
        withStore(async ({ store }) => {
          const { alice } = await people(store);
          const m1 = (await store.appendMessage(text(alice, LOBBY, 'first'))).message;
          await store.appendMessage(text(alice, LOBBY, 'second'));
          assert.equal((await store.findMessage(LOBBY, 1))?.useq, undefined, 'unchanged messages have no useq');
          const r = await store.changeMessage(LOBBY, 1, { kind: 'edit', body: 'first, fixed', ts: 1234 });
          assert.deepEqual(r, { message: { ...m1, body: 'first, fixed', editedTs: 1234, useq: 1 }, added: false });
          assert.deepEqual(await store.findMessage(LOBBY, 1), r!.message);
          assert.deepEqual((await store.history(LOBBY, { limit: 10 }))[0], r!.message);
          const again = await store.changeMessage(LOBBY, 1, { kind: 'edit', body: 'third time', ts: 1300 });
          assert.equal(again?.message.useq, 2);
          assert.equal(again?.message.editedTs, 1300);
          assert.deepEqual(await store.lastUpdateSeqs([LOBBY, 'dm:x:y']), { [LOBBY]: 2, 'dm:x:y': 0 });
        }));

      it('delete: empty body, deleted, reactions gone; a deleted message changes no more', () =>
        withStore(async ({ store }) => {
          const { alice, bob } = await people(store);
          await store.appendMessage(text(alice, LOBBY, 'oops'));
          await store.changeMessage(LOBBY, 1, { kind: 'react', userId: bob.id, userName: bob.name, emoji: '👍', ts: 1, maxEmojis: 20 });
          const r = await store.changeMessage(LOBBY, 1, { kind: 'delete', ts: 2 });
          assert.equal(r?.message.deleted, true);
          assert.equal(r?.message.body, '');
          assert.equal(r?.message.reactions, undefined);
          assert.equal(r?.message.useq, 2);
          assert.equal(await store.changeMessage(LOBBY, 1, { kind: 'edit', body: 'back', ts: 3 }), null);
          assert.equal(await store.changeMessage(LOBBY, 1, { kind: 'delete', ts: 3 }), null);
          assert.equal(await store.changeMessage(LOBBY, 9, { kind: 'edit', body: 'none', ts: 3 }), null, 'no such message');
          assert.deepEqual(await store.lastUpdateSeqs([LOBBY]), { [LOBBY]: 2 }, 'refused changes take no useq');
          assert.equal((await store.findMessage(LOBBY, 1))?.deleted, true);
        }));

      it('react: toggles per user and emoji, names in reaction order, at most maxEmojis emoji', () =>
        withStore(async ({ store }) => {
          const { alice, bob, carol } = await people(store);
          await store.appendMessage(text(alice, LOBBY, 'react to me'));
          const react = (u: UserRecord, emoji: string, ts: number, maxEmojis = 20) =>
            store.changeMessage(LOBBY, 1, { kind: 'react', userId: u.id, userName: u.name, emoji, ts, maxEmojis });
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
          const [stored] = await store.history(LOBBY, { limit: 1 });
          assert.deepEqual(stored?.reactions, { '👍': ['Carol'], '🎉': ['Alice', 'Bob'] });
          await react(carol, '👍', 16);
          assert.deepEqual((await store.findMessage(LOBBY, 1))?.reactions, { '🎉': ['Alice', 'Bob'] }, 'an emoji nobody uses any more is gone');
        }));

      it('changedAfter lists messages by their latest change, in useq order; useq is per conversation', () =>
        withStore(async ({ store }) => {
          const { alice } = await people(store);
          for (let i = 1; i <= 4; i++) await store.appendMessage(text(alice, LOBBY, `m${i}`));
          await store.appendMessage(text(alice, 'dm:alice:bob', 'private'));
          await store.changeMessage(LOBBY, 3, { kind: 'edit', body: 'm3!', ts: 1 }); // useq 1
          await store.changeMessage(LOBBY, 1, { kind: 'edit', body: 'm1!', ts: 2 }); // 2
          await store.changeMessage(LOBBY, 3, { kind: 'edit', body: 'm3!!', ts: 3 }); // 3
          assert.equal((await store.changeMessage('dm:alice:bob', 1, { kind: 'edit', body: 'p!', ts: 4 }))?.message.useq, 1);
          const all = await store.changedAfter(LOBBY, 0, 10);
          assert.deepEqual(all.map((m) => [m.seq, m.useq, m.body]), [
            [1, 2, 'm1!'],
            [3, 3, 'm3!!'],
          ]);
          assert.deepEqual((await store.changedAfter(LOBBY, 2, 10)).map((m) => m.seq), [3]);
          assert.deepEqual((await store.changedAfter(LOBBY, 0, 1)).map((m) => m.seq), [1], 'limit');
          assert.deepEqual(await store.changedAfter(LOBBY, 3, 10), []);
        }));

      it('appends keep their seqs while changes are made in the same turn', () =>
        withStore(async ({ store }) => {
          const { alice } = await people(store);
          await store.appendMessage(text(alice, LOBBY, 'm1'));
          const [a, change, b] = await Promise.all([
            store.appendMessage(text(alice, LOBBY, 'm2')),
            store.changeMessage(LOBBY, 1, { kind: 'edit', body: 'm1 edited', ts: 5 }),
            store.appendMessage(text(alice, LOBBY, 'm3')),
          ]);
          assert.deepEqual([a.message.seq, change?.message.useq, b.message.seq], [2, 1, 3]);
        }));
    });

    describe('rooms', () => {
      it('creates a room with its owner as first member; refuses a taken key', () =>
        withStore(async ({ store }) => {
          const { alice, bob } = await people(store);
          const created = await store.createRoom(room('general', alice));
          assert.deepEqual(created, { ...room('general', alice), ownerName: 'Alice' });
          assert.deepEqual(await store.findRoom('#general'), created);
          assert.equal(await store.findRoom('#nope'), null);
          await assert.rejects(store.createRoom(room('general', bob, { name: '#GENERAL' })), DuplicateRoomError);
          assert.equal((await store.findRoom('#general'))?.ownerId, alice.id, 'the first one stays');
          assert.deepEqual((await store.roomMembers('#general')).map((m) => m.name), ['Alice']);
          assert.equal(await store.memberCount('#general'), 1);
        }));

      it('adds and removes members, saying whether anything changed', () =>
        withStore(async ({ store }) => {
          const { alice, bob, carol } = await people(store);
          await store.createRoom(room('dev', alice, { createdAt: 10 }));
          assert.equal(await store.addMember('#dev', bob.id, 20), true);
          assert.equal(await store.addMember('#dev', bob.id, 30), false);
          assert.equal(await store.addMember('#dev', carol.id, 25), true);
          assert.deepEqual(await store.roomMembers('#dev'), [
            { userId: alice.id, name: 'Alice', key: 'alice', joinedAt: 10, mutedUntil: null },
            { userId: bob.id, name: 'Bob', key: 'bob', joinedAt: 20, mutedUntil: null },
            { userId: carol.id, name: 'Carol', key: 'carol', joinedAt: 25, mutedUntil: null },
          ]);
          assert.deepEqual(await store.findMember('#dev', bob.id), { userId: bob.id, name: 'Bob', key: 'bob', joinedAt: 20, mutedUntil: null });
          assert.equal(await store.removeMember('#dev', bob.id), true);
          assert.equal(await store.removeMember('#dev', bob.id), false);
          assert.equal(await store.findMember('#dev', bob.id), null);
          assert.equal(await store.memberCount('#dev'), 2);
        }));

      it('keeps member mutes, topics and owners', () =>
        withStore(async ({ store }) => {
          const { alice, bob } = await people(store);
          await store.createRoom(room('dev', alice));
          await store.addMember('#dev', bob.id, 1);
          await store.setMemberMute('#dev', bob.id, 'forever');
          assert.equal((await store.findMember('#dev', bob.id))?.mutedUntil, 'forever');
          await store.setMemberMute('#dev', bob.id, 1_900_000_000_000);
          assert.equal((await store.findMember('#dev', bob.id))?.mutedUntil, 1_900_000_000_000);
          await store.setMemberMute('#dev', bob.id, null);
          assert.equal((await store.findMember('#dev', bob.id))?.mutedUntil, null);
          await store.updateRoom('#dev', { topic: 'new topic' });
          await store.updateRoom('#dev', { ownerId: bob.id });
          const r = await store.findRoom('#dev');
          assert.deepEqual([r?.topic, r?.ownerId, r?.ownerName], ['new topic', bob.id, 'Bob']);
        }));

      it('lists public rooms and the private rooms one is in; roomsOf gives memberships with their newest message', () =>
        withStore(async ({ store }) => {
          const { alice, bob, carol } = await people(store);
          await store.createRoom(room('open', alice));
          await store.createRoom(room('secret', alice, { private: true }));
          await store.createRoom(room('bobs', bob));
          await store.addMember('#secret', carol.id, 5);
          const listed = (rooms: { key: string; memberCount: number; joined: boolean }[]) => rooms.map((r) => [r.key, r.memberCount, r.joined]);
          const all = { limit: 100 };
          assert.deepEqual(listed(await store.listRooms(bob.id, all)), [
            ['#bobs', 1, true],
            ['#open', 1, false],
          ]);
          assert.deepEqual(listed(await store.listRooms(carol.id, all)), [
            ['#bobs', 1, false],
            ['#open', 1, false],
            ['#secret', 2, true],
          ]);
          // Pages: keys after the cursor, at most the limit; or only the user's own rooms.
          assert.deepEqual(listed(await store.listRooms(carol.id, { limit: 2 })), [
            ['#bobs', 1, false],
            ['#open', 1, false],
          ]);
          assert.deepEqual(listed(await store.listRooms(carol.id, { after: '#bobs', limit: 1 })), [['#open', 1, false]]);
          assert.deepEqual(listed(await store.listRooms(carol.id, { after: '#open', limit: 5 })), [['#secret', 2, true]]);
          assert.deepEqual(listed(await store.listRooms(carol.id, { after: '#secret', limit: 5 })), []);
          assert.deepEqual(listed(await store.listRooms(carol.id, { limit: 5, joinedOnly: true })), [['#secret', 2, true]]);
          assert.deepEqual(listed(await store.listRooms(alice.id, { limit: 5, joinedOnly: true })), [
            ['#open', 1, true],
            ['#secret', 2, true],
          ]);
          assert.deepEqual(listed(await store.listRooms(alice.id, { after: '#open', limit: 5, joinedOnly: true })), [['#secret', 2, true]]);
          assert.deepEqual(listed(await store.listRooms(bob.id, { after: '#bobs', limit: 1, joinedOnly: true })), []);
          assert.deepEqual(await store.roomsOf(bob.id), [{ room: await store.findRoom('#bobs'), lastSeq: 0, lastTs: null }]);
          const sent = (await store.appendMessage(text(carol, '#secret', 'psst'))).message;
          assert.deepEqual(
            (await store.roomsOf(carol.id)).map((r) => [r.room.key, r.lastSeq, r.lastTs]),
            [['#secret', 1, sent.ts]],
          );
          assert.deepEqual(await store.roomsOf(alice.id).then((rs) => rs.map((r) => r.room.key)), ['#open', '#secret']);
        }));

      it('counts the rooms a user owns and the rooms they are in', () =>
        withStore(async ({ store }) => {
          const { alice, bob, carol } = await people(store);
          assert.deepEqual(await store.roomCounts(alice.id), { owned: 0, joined: 0 });
          await store.createRoom(room('one', alice));
          await store.createRoom(room('two', alice, { private: true }));
          await store.addMember('#one', bob.id, 2);
          await store.addMember('#two', bob.id, 3);
          await store.removeMember('#two', alice.id); // the owner left and still owns it
          await store.updateRoom('#one', { ownerId: bob.id });
          assert.deepEqual(await store.roomCounts(alice.id), { owned: 1, joined: 1 });
          assert.deepEqual(await store.roomCounts(bob.id), { owned: 1, joined: 2 });
          assert.deepEqual(await store.roomCounts(carol.id), { owned: 0, joined: 0 });
        }));

      it('keeps rooms, members, markers and changes across close and reopen', () =>
        withStore(async ({ store, reopen }) => {
          const { alice, bob } = await people(store);
          await store.createRoom(room('dev', alice, { private: true, createdAt: 2 }));
          await store.addMember('#dev', bob.id, 3);
          await store.appendMessage(text(bob, '#dev', 'hello'));
          await store.changeMessage('#dev', 1, { kind: 'react', userId: alice.id, userName: 'Alice', emoji: '❤️', ts: 4, maxEmojis: 20 });
          await store.advanceReadMarker(alice.id, '#dev', 1);
          await store.close();
          const again = await reopen();
          assert.deepEqual((await again.roomMembers('#dev')).map((m) => m.name), ['Alice', 'Bob']);
          assert.deepEqual((await again.findMessage('#dev', 1))?.reactions, { '❤️': ['Alice'] });
          assert.deepEqual(await again.readMarkers(alice.id), [{ conv: '#dev', seq: 1 }]);
          assert.equal((await again.changeMessage('#dev', 1, { kind: 'edit', body: 'hi', ts: 5 }))?.message.useq, 2);
          assert.equal((await again.appendMessage(text(alice, '#dev', 'second'))).message.seq, 2);
        }));
    });
  });
}

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { RoomMembership } from '../../src/server/core/room-membership.js';

/** The node's cache of its online users' rooms, when reads of the store overlap (login, then a re-read after Redis dropped). */
describe('room membership cache', () => {
  it('two overlapping reads that finish out of order leave the removal heard meanwhile in force', () => {
    const m = new RoomMembership();
    const older = m.begin('bob'); // the login's read: the store still had bob in #r
    m.changed('#r', 'bob', false); // removed meanwhile (heard from the bus)
    const newer = m.begin('bob'); // a re-read after the bus dropped: the store no longer has #r
    m.loaded('bob', newer, [], true);
    m.loaded('bob', older, ['#r']); // the older read comes back last
    assert.deepEqual([...m.membersHere('#r')], [], 'bob is not in #r');
  });

  it('a join heard during a re-read that read the store before it stays', () => {
    const m = new RoomMembership();
    m.loaded('bob', m.begin('bob'), ['#a']);
    const read = m.begin('bob');
    m.changed('#b', 'bob', true);
    m.loaded('bob', read, ['#a'], true);
    assert.deepEqual([...m.membersHere('#a')], ['bob']);
    assert.deepEqual([...m.membersHere('#b')], ['bob']);
  });

  it('a read made void by going offline changes nothing, even after coming back online', () => {
    const m = new RoomMembership();
    const stale = m.begin('bob');
    m.forget('bob');
    const fresh = m.begin('bob');
    m.loaded('bob', stale, ['#old']);
    assert.deepEqual([...m.membersHere('#old')], [], 'the stale read is ignored');
    m.loaded('bob', fresh, ['#new']);
    assert.deepEqual([...m.membersHere('#new')], ['bob']);
  });
});

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { encodeEvent } from '../../src/protocol/index.js';
import { BroadcastJournal } from '../../src/server/core/broadcast-journal.js';
import { EventFormat, OutboundEvent } from '../../src/server/shared/outbound-event.js';

describe('OutboundEvent', () => {
  it('encodes to v1 once: the bytes encodeEvent makes, the same Buffer every time', () => {
    const e = OutboundEvent.of('notice', { text: 'héllo', ts: 5 });
    assert.equal(e.v1.toString(), encodeEvent('notice', { text: 'héllo', ts: 5 }));
    assert.equal(e.v1, e.v1, 'one Buffer for every recipient');
    assert.deepEqual(e.event, { ev: 'notice', text: 'héllo', ts: 5 });
    assert.equal(e.name, 'notice');
  });

  it('keeps the bytes it arrived with (another node), and decodes them only when asked', () => {
    const line = Buffer.from(encodeEvent('typing', { conv: '#lobby', user: 'ann' }));
    const e = OutboundEvent.fromV1(line);
    assert.equal(e.v1, line, 'no re-encoding');
    assert.deepEqual(e.event, { ev: 'typing', conv: '#lobby', user: 'ann' });
    assert.equal(e.event, e.event, 'decoded once');
  });

  it('makes each other encoding once per format, and keeps formats apart', () => {
    const e = OutboundEvent.of('ping', {});
    const plain = new EventFormat<string>('plain');
    const loud = new EventFormat<string>('loud');
    let calls = 0;
    const encode = (suffix: string) => (ev: { ev: string }) => (calls++, `${ev.ev}${suffix}`);
    assert.equal(e.encodedAs(plain, encode('')), 'ping');
    assert.equal(e.encodedAs(plain, encode('?')), 'ping', 'the first encoding stands');
    assert.equal(e.encodedAs(loud, encode('!')), 'ping!');
    assert.equal(calls, 2);
  });
});

describe('BroadcastJournal', () => {
  it('hands a reader its unread events as one shared buffer, or as the events themselves', () => {
    const journal = new BroadcastJournal();
    const [a, b] = [OutboundEvent.of('presence', { user: 'a', online: true }), OutboundEvent.of('presence', { user: 'b', online: true })];
    const start = journal.end;
    journal.append(a);
    journal.append(b);
    assert.equal(journal.unread(start)!.toString(), a.v1.toString() + b.v1.toString());
    assert.equal(journal.unread(start), journal.unread(start), 'readers at one position share the bytes');
    assert.deepEqual(journal.unreadEvents(start), [a, b]);
    assert.deepEqual(journal.unreadEvents(start + 1), [b]);
    assert.equal(journal.unread(start + 1)!.toString(), b.v1.toString());
    assert.equal(journal.unread(journal.end), undefined);
    journal.clear();
    assert.deepEqual(journal.unreadEvents(journal.end), []);
  });
});

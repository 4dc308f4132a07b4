import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { MAX_RELAYED_REASON_CHARS, ReasonMemory } from '../../src/server/transports/irc/reasons.js';

describe('IRC gateway: the memory of QUIT/PART/KICK reasons', () => {
  it('gives a reason back until it is 10 s old, then forgets it', () => {
    let now = 1_000;
    const m = new ReasonMemory(() => now);
    m.set('quit alice', 'gone fishing');
    now += 10_000;
    assert.equal(m.get('quit alice'), 'gone fishing', 'every session showing the event reads it');
    assert.equal(m.get('quit alice'), 'gone fishing');
    now += 1;
    assert.equal(m.get('quit alice'), undefined);
    m.set('quit alice', 'again');
    m.delete('quit alice');
    assert.equal(m.get('quit alice'), undefined);
  });

  it('cuts reasons to 200 characters (not bytes) and holds at most 10 000, dropping the oldest', () => {
    const m = new ReasonMemory(() => 0);
    m.set('long', 'é'.repeat(MAX_RELAYED_REASON_CHARS + 50));
    assert.equal(m.get('long'), 'é'.repeat(MAX_RELAYED_REASON_CHARS));
    for (let i = 0; i < 10_000; i++) m.set(`k${i}`, `r${i}`);
    assert.equal(m.get('long'), undefined, 'the oldest went');
    assert.equal(m.get('k0'), 'r0');
    m.set('k0', 'refreshed');
    m.set('one more', 'x');
    assert.equal(m.get('k0'), 'refreshed', 'setting a key again makes it the newest');
    assert.equal(m.get('k1'), undefined);
    assert.equal(m.get('k9999'), 'r9999');
  });
});

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { DEFAULT_PASSWORD_COST, hashPassword, verifyPassword } from '../../src/server/core/passwords.js';

describe('password hashing cost', () => {
  it('hashes at OWASP\'s minimum by default, at a given cost when asked, and checks either', async () => {
    assert.deepEqual(DEFAULT_PASSWORD_COST, { memoryCost: 19_456, timeCost: 2 });
    const strong = await hashPassword('correct-horse-1');
    const cheap = await hashPassword('correct-horse-1', { memoryCost: 64, timeCost: 1 });
    assert.match(strong, /^\$argon2id\$v=19\$m=19456,t=2,p=1\$/);
    assert.match(cheap, /^\$argon2id\$v=19\$m=64,t=1,p=1\$/);
    for (const stored of [strong, cheap]) {
      assert.equal(await verifyPassword('correct-horse-1', stored), true);
      assert.equal(await verifyPassword('correct-horse-2', stored), false);
    }
  });
});

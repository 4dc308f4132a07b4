import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { COMMAND_NAMES } from '../../src/tui/commands.js';
import { Completer, commonPrefix, completionTarget, fold, type Lookup } from '../../src/tui/completion.js';

/** People as the server would list them for a prefix (compared as names are), with the lookups made. */
function people(names: readonly string[], limit = 20): { lookup: Lookup; asked: string[] } {
  const asked: string[] = [];
  const lookup: Lookup = async (kind, prefix) => {
    asked.push(`${kind}:${prefix}`);
    // Commands as the chat screen filters them; people as the server does.
    const all = (kind === 'command' ? COMMAND_NAMES : names).filter((n) => fold(n).startsWith(fold(prefix)));
    return { names: all.slice(0, limit), more: all.length > limit };
  };
  return { lookup, asked };
}

/** Tab at the end of the line. */
const tab = (c: Completer, line: string) => c.complete(line, [...line].length);

describe('terminal client: Tab completion', () => {
  it('finds the completable word before the cursor: @name anywhere, the user of /msg-like commands, a command name', () => {
    assert.deepEqual(completionTarget('hi @ca', 6), { kind: 'user', from: 4, prefix: 'ca' });
    assert.deepEqual(completionTarget('@', 1), { kind: 'user', from: 1, prefix: '' });
    assert.deepEqual(completionTarget('/msg ca', 7), { kind: 'user', from: 5, prefix: 'ca' });
    assert.deepEqual(completionTarget('/MUTE  b', 8), { kind: 'user', from: 7, prefix: 'b' });
    assert.deepEqual(completionTarget('/invite @b', 10), { kind: 'user', from: 9, prefix: 'b' });
    assert.deepEqual(completionTarget('/ms', 3), { kind: 'command', from: 1, prefix: 'ms' });
    // The cursor decides: the word ending there, not the end of the line.
    assert.deepEqual(completionTarget('hi @ca and more', 6), { kind: 'user', from: 4, prefix: 'ca' });
    assert.deepEqual(completionTarget('你好 @李', 5), { kind: 'user', from: 4, prefix: '李' });
    for (const [line, cursor] of [['hello', 5], ['', 0], ['/msg carol hi', 13], ['/join ga', 8], ['hi /ms', 6], ['a@b', 3]] as const) {
      assert.equal(completionTarget(line, cursor), undefined, `${line} at ${cursor}`);
    }
  });

  it('the common prefix of several names is compared as names are, spelled as the first', () => {
    assert.equal(commonPrefix(['carol', 'Caroline', 'CARL']), 'car');
    assert.equal(commonPrefix(['bob']), 'bob');
    assert.equal(commonPrefix(['alice', 'bob']), '');
    assert.equal(commonPrefix(['李雷', '李明']), '李');
  });

  it('one match completes with a trailing space, offline people included (the server lists them)', async () => {
    const { lookup, asked } = people(['alice', 'bob', 'carol']);
    const c = new Completer(lookup);
    assert.deepEqual(await tab(c, 'hi @ca'), { line: 'hi @carol ', cursor: 10 });
    assert.deepEqual(await tab(c, '/msg B'), { line: '/msg bob ', cursor: 9 });
    // In the middle of the line: the rest stays, the cursor lands after the space already there.
    assert.deepEqual(await c.complete('@al how are you', 3), { line: '@alice how are you', cursor: 7 });
    assert.deepEqual(asked, ['user:ca', 'user:B', 'user:al']);
  });

  it('several: the common prefix and the candidates as a hint; Tab again cycles through them and wraps', async () => {
    const c = new Completer(people(['carl', 'carol', 'caroline', 'dave']).lookup);
    const first = await tab(c, 'hey @c');
    assert.deepEqual(first, { line: 'hey @car', cursor: 8, hint: 'carl  carol  caroline' });
    const seen: string[] = [];
    let line = first!.line;
    for (let i = 0; i < 4; i++) {
      const next = (await tab(c, line))!;
      seen.push(`${next.line}|${next.hint}`);
      line = next.line;
    }
    assert.deepEqual(seen, [
      'hey @carl |[carl]  carol  caroline',
      'hey @carol |carl  [carol]  caroline',
      'hey @caroline |carl  carol  [caroline]',
      'hey @carl |[carl]  carol  caroline',
    ]);
    // Typing on ends the cycle: the next Tab starts over from what is typed.
    assert.deepEqual(await tab(c, 'hey @carl x @d'), { line: 'hey @carl x @dave ', cursor: 18 });
  });

  it('more names than one answer holds: the hint says so; none: the hint says that', async () => {
    const many = Array.from({ length: 25 }, (_, i) => `user${String(i).padStart(2, '0')}`);
    const c = new Completer(people(many).lookup);
    const r = await tab(c, '@us');
    assert.equal(r?.line, '@user');
    assert.ok(r?.hint?.endsWith('user19  …'), r?.hint);
    assert.deepEqual(await tab(c, '@zz'), { line: '@zz', cursor: 3, hint: 'no user starts with "zz"' });
  });

  it('completes command names after a leading "/"', async () => {
    const d = new Completer(people([]).lookup);
    assert.deepEqual(await tab(d, '/inv'), { line: '/invite ', cursor: 8 });
    assert.deepEqual(await tab(d, '/m'), { line: '/m', cursor: 2, hint: 'msg  mute  members' });
    assert.deepEqual(await tab(d, '/cr'), { line: '/create', cursor: 7, hint: 'create  create-private' });
    assert.equal(d.wants('plain words', 11), false, 'Tab elsewhere is free for the users pane');
  });
});

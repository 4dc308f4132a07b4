import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { IrcLineReader, type LineEvent } from '../../src/server/transports/irc/line-reader.js';
import { escapeTagValue, formatMessage, parseMessage, unescapeTagValue } from '../../src/server/transports/irc/message.js';
import { fromIrcText, splitBytes } from '../../src/server/transports/irc/text.js';

describe('IRC messages: parsing and formatting', () => {
  it('parses tags, source, command and parameters, trailing included', () => {
    const m = parseMessage('@time=2026-01-01T00:00:00.000Z;+typing=active;flag :nick!u@h privmsg #lobby :hello  there :)')!;
    assert.equal(m.command, 'PRIVMSG');
    assert.equal(m.source, 'nick!u@h');
    assert.deepEqual(m.params, ['#lobby', 'hello  there :)']);
    assert.deepEqual([...m.tags], [['time', '2026-01-01T00:00:00.000Z'], ['+typing', 'active'], ['flag', '']]);
    assert.deepEqual(parseMessage('PING')!.params, []);
    assert.deepEqual(parseMessage('USER u 0 *  :Real Name')!.params, ['u', '0', '*', 'Real Name']);
    assert.deepEqual(parseMessage('PRIVMSG #lobby :')!.params, ['#lobby', '']);
    assert.deepEqual(parseMessage('NICK   spaced  ')!.params, ['spaced']);
    assert.equal(parseMessage(':onlysource'), undefined);
    assert.equal(parseMessage('@tags-only'), undefined);
    assert.equal(parseMessage('   '), undefined);
  });

  it('escapes tag values both ways (IRCv3 message-tags)', () => {
    const value = 'a;b c\\d\re\nf';
    assert.equal(escapeTagValue(value), 'a\\:b\\sc\\\\d\\re\\nf');
    assert.equal(unescapeTagValue(escapeTagValue(value)), value);
    assert.equal(unescapeTagValue('trailing\\'), 'trailing');
    assert.equal(unescapeTagValue('\\x'), 'x');
  });

  it('formats a trailing parameter when needed, and always for a last one after others', () => {
    assert.equal(formatMessage('srv', '001', ['nick', 'Welcome']), ':srv 001 nick :Welcome\r\n');
    assert.equal(formatMessage(undefined, 'JOIN', ['#lobby']), 'JOIN #lobby\r\n');
    assert.equal(formatMessage(undefined, 'AWAY', ['']), 'AWAY :\r\n');
    assert.equal(formatMessage(undefined, 'PONG', [':x']), 'PONG ::x\r\n');
    assert.equal(formatMessage('a!b@c', 'PRIVMSG', ['#lobby', 'hi'], 'time=1'), '@time=1 :a!b@c PRIVMSG #lobby :hi\r\n');
  });
});

describe('IRC text', () => {
  it('splits by UTF-8 bytes without cutting a character or grapheme, preferring spaces', () => {
    const family = '👨‍👩‍👧‍👦'; // one grapheme, 25 bytes
    const text = `${'ab '.repeat(30)}${family.repeat(5)}名名名`;
    const pieces = splitBytes(text, 40);
    assert.equal(pieces.join(''), text);
    for (const p of pieces) assert.ok(Buffer.byteLength(p) <= 40, p);
    assert.ok(pieces.some((p) => p === family), 'the emoji stays whole');
    assert.deepEqual(splitBytes('short', 40), ['short']);
  });

  it('reads IRC text into Banter text: ACTION is /me, formatting and other CTCP go', () => {
    assert.equal(fromIrcText('\x01ACTION waves\x01'), '/me waves');
    assert.equal(fromIrcText('\x01VERSION\x01'), undefined);
    assert.equal(fromIrcText('\x02bold\x0f \x0312,4colour\x03 \x1ditalic\x1d'), 'bold colour italic');
  });
});

describe('IRC line reader', () => {
  const read = (...chunks: (string | Buffer)[]): LineEvent[] => {
    const events: LineEvent[] = [];
    const reader = new IrcLineReader((e) => events.push(e));
    for (const c of chunks) reader.write(typeof c === 'string' ? Buffer.from(c) : c);
    return events;
  };

  it('takes CR LF or LF, in any chunks, skipping empty lines', () => {
    const events = read('PI', 'NG a\r', '\nPING b\n\r\n\nPING ', 'c\r\n');
    assert.deepEqual(events.map((e) => (e.kind === 'line' ? e.text : e.kind)), ['PING a', 'PING b', 'PING c']);
  });

  it('refuses too long a line once, then goes on; refuses invalid UTF-8 with its command', () => {
    const events = read(`PRIVMSG #lobby :${'x'.repeat(600)}\r\n`, 'PING ok\r\n', Buffer.from([0x50, 0x52, 0x49, 0x56, 0x4d, 0x53, 0x47, 0x20, 0xff, 0x0a]));
    assert.deepEqual(events.map((e) => e.kind), ['too-long', 'line', 'bad-utf8']);
    assert.deepEqual(events[2], { kind: 'bad-utf8', command: 'PRIVMSG' });
  });
});

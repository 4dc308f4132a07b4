import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { newUser } from '../helpers/clients.js';
import { newIrcUser } from '../helpers/irc-client.js';
import { ircSuite } from '../helpers/irc-suite.js';

describe('IRC gateway: changes to messages it never showed', () => {
  const suite = ircSuite();

  it('shows a reaction, its taking back, an edit and a delete of a message sent before the IRC user came', async () => {
    const v1 = await newUser(suite.server.tcpPort);
    const { seq } = await v1.client.request('send', { to: '#lobby', text: 'sent before anyone was on IRC' });
    const { irc } = await newIrcUser(suite.server, ['message-tags']);
    const msgid = `lobby~${seq}`;

    await v1.client.request('react', { conv: '#lobby', seq, emoji: '👍' });
    const react = await irc.expect((l) => l.command === 'TAGMSG' && l.tags.has('+draft/react'));
    assert.deepEqual([react.source, react.params[0], react.tags.get('+draft/react'), react.tags.get('+draft/reply')], [`${v1.name}!${v1.name}@banter`, '#lobby', '👍', msgid]);
    await v1.client.request('react', { conv: '#lobby', seq, emoji: '👍' });
    const unreact = await irc.expect((l) => l.command === 'TAGMSG' && l.tags.has('+draft/unreact'));
    assert.equal(unreact.tags.get('+draft/unreact'), '👍');
    await v1.client.request('edit', { conv: '#lobby', seq, text: 'corrected later' });
    const edit = await irc.expect((l) => l.command === 'NOTICE' && l.params[0] === '#lobby' && l.params[1]!.includes('edited'));
    assert.equal(edit.params[1], `* ${v1.name} edited: corrected later`);
    await v1.client.request('delete', { conv: '#lobby', seq });
    const deleted = await irc.expect((l) => l.command === 'NOTICE' && l.params[0] === '#lobby' && l.params[1]!.includes('deleted'));
    assert.equal(deleted.tags.get('+draft/reply'), msgid);
    irc.close();
    v1.client.close();
  });
});

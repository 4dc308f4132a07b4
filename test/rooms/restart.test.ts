import assert from 'node:assert/strict';
import { rmSync } from 'node:fs';
import { describe, it } from 'node:test';
import { connect, newUser, nextEvent } from '../helpers/clients.js';
import { startTestServer, tempDir } from '../helpers/server.js';

describe('rooms across a restart', () => {
  it('keep their members, messages, reactions, edits and read markers; fan-out works again at once', async () => {
    const dataDir = tempDir();
    try {
      const first = await startTestServer({}, dataDir);
      const owner = await newUser(first.tcpPort);
      const member = await newUser(first.tcpPort);
      await owner.client.request('create', { room: '#Kept', topic: 'still here', private: true });
      await owner.client.request('invite', { room: '#kept', user: member.name });
      const { seq } = await owner.client.request('send', { to: '#kept', text: 'before the restart' });
      await owner.client.request('send', { to: '#kept', text: 'second' });
      await member.client.request('react', { conv: '#kept', seq, emoji: '🔥' });
      await owner.client.request('edit', { conv: '#kept', seq, text: 'before the restart (edited)' });
      await member.client.request('read', { conv: '#kept', seq: 1 });
      owner.client.close();
      member.client.close();
      await first.stop();

      const second = await startTestServer({}, dataDir);
      try {
        const [o, m] = [await connect(second.tcpPort), await connect(second.tcpPort)];
        await o.request('login', { token: owner.token });
        await m.request('login', { token: member.token });
        const conv = (await m.request('convs', {})).convs.find((c) => c.conv === '#Kept');
        assert.deepEqual(
          { ...conv, last_ts: 0 },
          { conv: '#Kept', last_seq: 2, last_ts: 0, read_seq: 1, unread: 1, last_useq: 2 },
        );
        const [kept] = (await m.request('history', { conv: '#kept', limit: 1, before: 2 })).messages;
        assert.deepEqual([kept?.text, kept?.reactions, kept?.useq], ['before the restart (edited)', { '🔥': [member.name] }, 2]);
        const rooms = (await m.request('rooms', {})).rooms;
        assert.deepEqual(rooms, [{ room: '#Kept', topic: 'still here', private: true, owner: owner.name, members: 2, joined: true }]);
        const got = nextEvent(m, 'msg', (x) => x.conv === '#Kept');
        await o.request('send', { to: '#kept', text: 'after the restart' });
        assert.equal((await got).seq, 3, 'seq carries on; the member is reached without joining again');
        o.close();
        m.close();
      } finally {
        await second.stop();
      }
    } finally {
      rmSync(dataDir, { recursive: true, force: true });
    }
  });
});

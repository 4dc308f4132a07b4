import { describe, expect, it } from 'vitest';
import { canManageRoom } from './room-actions.js';
import { roomEventText } from './room-events.js';

const t = (key: string, vars?: Record<string, unknown>) => `${key}${vars ? ' ' + JSON.stringify(vars) : ''}`;

const info = { room: '#r', topic: '', private: false, owner: 'alice', members: 2, joined: true };

describe('room events', () => {
  it('tells a join from an invitation and a leave from a removal', () => {
    expect(roomEventText(t, 'joined', { room: '#r', user: 'bob', info }, 'alice')).toBe('rooms.event.joined {"user":"bob"}');
    expect(roomEventText(t, 'joined', { room: '#r', user: 'bob', by: 'alice', info }, 'alice')).toBe('rooms.event.invited {"user":"bob","by":"alice"}');
    expect(roomEventText(t, 'left', { room: '#r', user: 'bob', by: 'Bob' }, 'alice')).toBe('rooms.event.left {"user":"bob"}');
    expect(roomEventText(t, 'left', { room: '#r', user: 'bob', by: 'alice' }, 'alice')).toBe('rooms.event.removed {"user":"bob","by":"alice"}');
  });
  it('says a cleared topic, an owner change and room mutes', () => {
    expect(roomEventText(t, 'topic', { room: '#r', topic: '', by: 'alice' }, 'bob')).toBe('rooms.event.topicCleared {"by":"alice"}');
    expect(roomEventText(t, 'owner', { room: '#r', owner: 'bob', by: 'alice' }, 'bob')).toBe('rooms.event.owner {"owner":"bob","by":"alice"}');
    expect(roomEventText(t, 'room_muted', { room: '#r', user: 'bob', until: null }, 'bob')).toBe('rooms.event.unmuted {"user":"bob"}');
    expect(roomEventText(t, 'room_muted', { room: '#r', user: 'bob', until: 'forever' }, 'bob')).toBe('rooms.event.muted {"user":"bob"}');
  });
  it('lets the owner (any case) and administrators manage a room, nobody else', () => {
    expect(canManageRoom({ owner: 'Alice' }, 'alice', 'user')).toBe(true);
    expect(canManageRoom({ owner: 'alice' }, 'bob', 'user')).toBe(false);
    expect(canManageRoom({ owner: 'alice' }, 'root', 'admin')).toBe(true);
    expect(canManageRoom(undefined, 'bob', 'user')).toBe(false);
  });
});

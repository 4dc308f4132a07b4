import type { EventBodies } from '../../../src/protocol/messages.js';

type Translate = (key: string, vars?: Record<string, unknown>) => string;

type RoomEvents = Pick<EventBodies, 'joined' | 'left' | 'topic' | 'owner' | 'room_muted'>;

/** The system row a room event puts in the room's timeline (undefined: nothing to show). */
export function roomEventText<K extends keyof RoomEvents>(t: Translate, kind: K, e: RoomEvents[K], me: string): string | undefined {
  const same = (a: string | undefined) => a !== undefined && a.toLowerCase() === me.toLowerCase();
  switch (kind) {
    case 'joined': {
      const j = e as RoomEvents['joined'];
      return j.by && !same(j.user) ? t('rooms.event.invited', { user: j.user, by: j.by }) : t('rooms.event.joined', { user: j.user });
    }
    case 'left': {
      const l = e as RoomEvents['left'];
      return l.by && l.by.toLowerCase() !== l.user.toLowerCase() ? t('rooms.event.removed', { user: l.user, by: l.by }) : t('rooms.event.left', { user: l.user });
    }
    case 'topic': {
      const tp = e as RoomEvents['topic'];
      return tp.topic ? t('rooms.event.topic', { by: tp.by, topic: tp.topic }) : t('rooms.event.topicCleared', { by: tp.by });
    }
    case 'owner': {
      const o = e as RoomEvents['owner'];
      return t('rooms.event.owner', { owner: o.owner, by: o.by });
    }
    case 'room_muted': {
      const m = e as RoomEvents['room_muted'];
      return m.until === null ? t('rooms.event.unmuted', { user: m.user }) : t('rooms.event.muted', { user: m.user });
    }
  }
  return undefined;
}

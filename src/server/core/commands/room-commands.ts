import type { Op, ReplyResults, RequestBody } from '../../../protocol/index.js';
import type { UserRecord } from '../../store/port.js';
import type { Rooms } from '../rooms.js';
import type { Command, CommandTable } from './command.js';
import { takeAllowance } from './guards.js';

type RoomOps = 'rooms' | 'create' | 'join' | 'leave' | 'invite' | 'remove' | 'topic' | 'members' | 'owner' | 'room_mute' | 'room_unmute';

/**
 * A room op for a logged-in user that takes a token of the send allowance first: each one is
 * announced to the room (joins, leaves, invites, topics, mutes, hand-overs), and flood control
 * keeps a loop of them, or a script holding an owner's token, from spamming its members.
 */
function announced<O extends Op>(run: (rooms: Rooms, me: UserRecord, body: RequestBody<O>) => Promise<ReplyResults[O]>): Command<O> {
  return {
    auth: 'user',
    run: (c, b) => {
      takeAllowance(c);
      return run(c.domain.rooms, c.user!.record, b);
    },
  };
}

export const roomCommands: CommandTable<RoomOps> = {
  rooms: { auth: 'user', allowance: 'read', run: (c, b) => c.domain.rooms.list(c.user!.record, b) },
  members: { auth: 'user', allowance: 'read', run: (c, b) => c.domain.rooms.members(c.user!.record, b.room) },
  create: announced((rooms, me, b) => rooms.create(me, b.room, b.topic, b.private ?? false)),
  join: announced((rooms, me, b) => rooms.join(me, b.room)),
  leave: announced((rooms, me, b) => rooms.leave(me, b.room)),
  invite: announced((rooms, me, b) => rooms.invite(me, b.room, b.user)),
  remove: announced((rooms, me, b) => rooms.remove(me, b.room, b.user)),
  topic: announced((rooms, me, b) => rooms.setTopic(me, b.room, b.topic)),
  owner: announced((rooms, me, b) => rooms.handOver(me, b.room, b.user)),
  room_mute: announced((rooms, me, b) => rooms.mute(me, b.room, b.user, b.minutes)),
  room_unmute: announced((rooms, me, b) => rooms.unmute(me, b.room, b.user)),
};

import type { CommandTable } from './command.js';
import { takeAllowance } from './guards.js';

type RoomOps = 'rooms' | 'create' | 'join' | 'leave' | 'invite' | 'remove' | 'topic' | 'members' | 'owner' | 'room_mute' | 'room_unmute';

export const roomCommands: CommandTable<RoomOps> = {
  rooms: { auth: 'user', run: (s, b) => s.chat.rooms.list(s.user!.record, b) },
  create: {
    auth: 'user',
    run: (s, b) => {
      takeAllowance(s);
      return s.chat.rooms.create(s.user!.record, b.room, b.topic, b.private ?? false);
    },
  },
  // Joins and leaves are announced to the room: flood control keeps a join/leave loop from spamming it.
  join: {
    auth: 'user',
    run: (s, b) => {
      takeAllowance(s);
      return s.chat.rooms.join(s.user!.record, b.room);
    },
  },
  leave: {
    auth: 'user',
    run: (s, b) => {
      takeAllowance(s);
      return s.chat.rooms.leave(s.user!.record, b.room);
    },
  },
  // Each owner op fans an event out to every member: the same allowance keeps an owner (or a
  // script holding their token) from flooding the room with topics, mutes or invites.
  invite: {
    auth: 'user',
    run: (s, b) => {
      takeAllowance(s);
      return s.chat.rooms.invite(s.user!.record, b.room, b.user);
    },
  },
  remove: {
    auth: 'user',
    run: (s, b) => {
      takeAllowance(s);
      return s.chat.rooms.remove(s.user!.record, b.room, b.user);
    },
  },
  topic: {
    auth: 'user',
    run: (s, b) => {
      takeAllowance(s);
      return s.chat.rooms.setTopic(s.user!.record, b.room, b.topic);
    },
  },
  members: { auth: 'user', run: (s, b) => s.chat.rooms.members(s.user!.record, b.room) },
  owner: {
    auth: 'user',
    run: (s, b) => {
      takeAllowance(s);
      return s.chat.rooms.handOver(s.user!.record, b.room, b.user);
    },
  },
  room_mute: {
    auth: 'user',
    run: (s, b) => {
      takeAllowance(s);
      return s.chat.rooms.mute(s.user!.record, b.room, b.user, b.minutes);
    },
  },
  room_unmute: {
    auth: 'user',
    run: (s, b) => {
      takeAllowance(s);
      return s.chat.rooms.unmute(s.user!.record, b.room, b.user);
    },
  },
};

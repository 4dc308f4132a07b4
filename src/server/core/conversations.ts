import { LOBBY, ProtocolError, isValidName, isValidRoomName, nameKey, roomKey } from '../../protocol/index.js';

// Private conversations' keys are the store's: it indexes them by their two parties.
export { dmKey, dmParties } from '../store/conversation-keys.js';

/** Where a message goes, as the sender named it. */
export type Destination = { kind: 'lobby' } | { kind: 'room'; key: string; typed: string } | { kind: 'dm'; userKey: string; typed: string };

/** Reads "#lobby", "#room" or "@name"; anything else is a bad request. */
export function parseDestination(to: string): Destination {
  if (to === LOBBY) return { kind: 'lobby' };
  if (to.startsWith('#')) {
    if (!isValidRoomName(to)) throw new ProtocolError('NO_SUCH_ROOM', `no room ${JSON.stringify(to)}`);
    const key = roomKey(to);
    return key === LOBBY ? { kind: 'lobby' } : { kind: 'room', key, typed: to };
  }
  if (to.startsWith('@')) {
    const name = to.slice(1);
    if (!isValidName(name)) throw new ProtocolError('NO_SUCH_USER', `no user named ${JSON.stringify(name)}`);
    return { kind: 'dm', userKey: nameKey(name), typed: name };
  }
  throw new ProtocolError('BAD_REQUEST', 'a conversation is "#lobby", "#room" or "@name"');
}

/** Whether a conversation key is a room's (not #lobby, not private). */
export function isRoomKey(key: string): boolean {
  return key.startsWith('#') && key !== LOBBY;
}


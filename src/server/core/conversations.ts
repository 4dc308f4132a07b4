import { LOBBY, ProtocolError, isValidName, isValidRoomName, nameKey, roomKey } from '../../protocol/index.js';

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

/** The storage key of a private conversation: the same for both parties. */
export function dmKey(a: string, b: string): string {
  return a < b ? `dm:${a}:${b}` : `dm:${b}:${a}`;
}

/** Whether a conversation key is a room's (not #lobby, not private). */
export function isRoomKey(key: string): boolean {
  return key.startsWith('#') && key !== LOBBY;
}

/** The two user keys of a private conversation's key, or null for the lobby and rooms. */
export function dmParties(key: string): [string, string] | null {
  const [kind, a, b] = key.split(':');
  return kind === 'dm' && a !== undefined && b !== undefined ? [a, b] : null;
}

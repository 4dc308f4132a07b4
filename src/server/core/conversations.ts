import { LOBBY, ProtocolError, isValidName, nameKey } from '../../protocol/index.js';

/** Where a message goes, as the sender named it. */
export type Destination = { kind: 'lobby' } | { kind: 'dm'; userKey: string; typed: string };

/** Reads "#lobby" or "@name"; anything else is a bad request. */
export function parseDestination(to: string): Destination {
  if (to === LOBBY) return { kind: 'lobby' };
  if (to.startsWith('@')) {
    const name = to.slice(1);
    if (!isValidName(name)) throw new ProtocolError('NO_SUCH_USER', `no user named ${JSON.stringify(name)}`);
    return { kind: 'dm', userKey: nameKey(name), typed: name };
  }
  if (to.startsWith('#')) throw new ProtocolError('BAD_REQUEST', `no room ${JSON.stringify(to)}: the only room is #lobby`);
  throw new ProtocolError('BAD_REQUEST', 'a conversation is "#lobby" or "@name"');
}

/** The storage key of a private conversation: the same for both parties. */
export function dmKey(a: string, b: string): string {
  return a < b ? `dm:${a}:${b}` : `dm:${b}:${a}`;
}

/** The two user keys of a private conversation's key, or null for the lobby. */
export function dmParties(key: string): [string, string] | null {
  const [kind, a, b] = key.split(':');
  return kind === 'dm' && a !== undefined && b !== undefined ? [a, b] : null;
}

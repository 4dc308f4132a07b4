/**
 * Conversation keys as the store keeps them (NewMessage.conv): "#lobby", a room's "#" + name key,
 * or "dm:<key>:<key>" with the two user keys sorted. The store indexes private conversations by
 * their two parties, so the parsing lives here, beside the schema that relies on it.
 */

/** The storage key of a private conversation: the same for both parties. */
export function dmKey(a: string, b: string): string {
  return a < b ? `dm:${a}:${b}` : `dm:${b}:${a}`;
}

/** The two user keys of a private conversation's key, or null for the lobby and rooms. */
export function dmParties(key: string): [string, string] | null {
  const [kind, a, b] = key.split(':');
  return kind === 'dm' && a !== undefined && b !== undefined ? [a, b] : null;
}

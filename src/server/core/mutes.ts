import { ProtocolError, type MutedUntil } from '../../protocol/index.js';

/**
 * A MUTED refusal: `what` says where ("you are muted", "you are muted in #room"), then until when;
 * `room`, for a mute within a room, is given to adapters as a detail (never sent on the wire).
 */
export function mutedError(until: Exclude<MutedUntil, null>, what: string, room?: string): ProtocolError {
  const end = until === 'forever' ? 'until an administrator unmutes you' : `until ${new Date(until).toISOString()}`;
  return new ProtocolError('MUTED', `${what} ${end}`, { until }, room === undefined ? {} : { room });
}

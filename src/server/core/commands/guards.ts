import { ProtocolError } from '../../../protocol/index.js';
import type { ResolvedConversation } from '../messages.js';
import { mutedError as muted } from '../mutes.js';
import { activeMute } from '../rooms.js';
import type { CommandContext } from './command.js';

/** MUTED if the user is muted server-wide, or within the room the request is about. */
export function refuseIfMuted(s: CommandContext, conv?: ResolvedConversation): void {
  const me = s.user!;
  const global = activeMute(me.record.mutedUntil);
  if (global !== null) throw muted(global, 'you are muted');
  const local = conv?.member ? activeMute(conv.member.mutedUntil) : null;
  if (local !== null) throw muted(local, `you are muted in ${conv!.asSeenBy}`, conv!.asSeenBy);
}

/** Flood control: one token of the user's send allowance (send, edit, react, delete, create). */
export function takeAllowance(s: CommandContext): void {
  const allowance = s.user!.sendBucket.take();
  if (!allowance.ok) {
    throw new ProtocolError('RATE_LIMITED', `slow down: try again in ${allowance.retryAfter} s`, { retry_after: allowance.retryAfter });
  }
}

import { Box, Text } from 'ink';
import type { ConnectionState } from '../client/index.js';
import { LOBBY, type MutedUntil } from '../protocol/index.js';
import type { Transfer } from './chat-store.js';
import { printable, progressBar, untilText } from './format.js';

/** The top line: where the user is, the room's topic, who and where they are, and the connection. */
export function Header({ conv, topic, user, address, connection }: { conv: string; topic: string | undefined; user: string; address: string; connection: ConnectionState }) {
  return (
    <Box justifyContent="space-between" paddingX={1}>
      <Text bold color="cyan" wrap="truncate-end">
        Banter · {conv === LOBBY ? '#lobby' : conv}
        {topic ? <Text color="white"> · {printable(topic, ' ')}</Text> : null} <Text dimColor>— {user}@{address}</Text>
      </Text>
      <Text color={connection === 'online' ? 'green' : 'yellow'}>{connection === 'online' ? '● online' : `◌ ${connection}`}</Text>
    </Box>
  );
}

const reconnecting = (connection: ConnectionState) => connection !== 'online' && connection !== 'closed';
const mutedNow = (mutedUntil: MutedUntil) => mutedUntil === 'forever' || (typeof mutedUntil === 'number' && mutedUntil > Date.now());

/** How many lines the banners take. */
export function bannerCount(connection: ConnectionState, ended: string | undefined, mutedUntil: MutedUntil): number {
  return Number(reconnecting(connection)) + Number(ended !== undefined) + Number(mutedNow(mutedUntil));
}

/** What stands in the way: the connection being back soon, the session over, a mute. One line each. */
export function Banners({ connection, ended, mutedUntil }: { connection: ConnectionState; ended: string | undefined; mutedUntil: MutedUntil }) {
  const muted = mutedNow(mutedUntil);
  return (
    <>
      {reconnecting(connection) && (
        <Text backgroundColor="yellow" color="black" wrap="truncate-end">
          {' '}Connection lost — reconnecting… messages you send wait and go out when it is back.{' '}
        </Text>
      )}
      {ended && (
        <Text backgroundColor="red" color="white" wrap="truncate-end">
          {' '}{ended} — press Enter to leave.{' '}
        </Text>
      )}
      {muted && <Text color="red" wrap="truncate-end">You are muted {untilText(mutedUntil as number | 'forever')}.</Text>}
    </>
  );
}

/** The bottom line: a file's progress, the candidates of a completion, who is typing, or the keys. */
export function StatusLine({ transfer, hint, typers }: { transfer: Transfer | undefined; hint?: string; typers: readonly string[] }) {
  return (
    <Box paddingX={1} justifyContent="space-between">
      {transfer ? (
        <Text color="cyan">
          {transfer.label} {progressBar(transfer.done, transfer.total)}
        </Text>
      ) : hint ? (
        <Text color="cyan" wrap="truncate-end">
          {hint}
        </Text>
      ) : (
        <Text dimColor>{typers.length > 0 ? `${typers.join(', ')} typing…` : 'Tab: complete / users  PgUp/PgDn: scroll  Ctrl-P: hide list  /file  /open  /help'}</Text>
      )}
    </Box>
  );
}

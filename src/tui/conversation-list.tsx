import { Box, Text } from 'ink';
import { LOBBY } from '../protocol/index.js';

interface Props {
  entries: readonly string[];
  current: string;
  unread: Readonly<Record<string, number>>;
  onlineCount: number;
  roomCount: number;
  /** The list has the arrow keys; `index` is the entry under the cursor. */
  focus: boolean;
  index: number;
  width: number;
}

/** The pane beside the chat: the lobby, my rooms and who is online, with unread counts. */
export function ConversationList({ entries, current, unread, onlineCount, roomCount, focus, index, width }: Props) {
  return (
    <Box flexDirection="column" width={width} borderStyle="round" borderColor={focus ? 'cyan' : 'gray'} paddingX={1} overflow="hidden">
      <Text bold>
        Online ({onlineCount}){roomCount > 0 ? ` · ${roomCount} room${roomCount === 1 ? '' : 's'}` : ''}
      </Text>
      {entries.map((entry, i) => {
        const count = unread[entry] ?? 0;
        const label = entry === LOBBY ? '[group]' : entry.startsWith('#') ? ` ${entry}` : entry.slice(1);
        return (
          <Text key={entry} wrap="truncate-end" inverse={focus && i === index} color={entry === current ? 'cyan' : undefined}>
            {entry === current ? '▸ ' : '  '}
            {label}
            {count > 0 && entry !== current ? <Text color="yellow"> ({count})</Text> : null}
          </Text>
        );
      })}
    </Box>
  );
}

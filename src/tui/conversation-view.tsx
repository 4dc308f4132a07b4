import { Box, Text } from 'ink';
import type { Item } from '../client/index.js';
import { bodyOf, clock, colourOf, printable, reactionsOf } from './format.js';

interface Props {
  /** The rows that fit, oldest first. */
  rows: readonly Item[];
  /** Rows scrolled back from the newest. */
  scroll: number;
  width: number;
}

/** The open conversation: its rows from the bottom up, and a hint when scrolled back. */
export function ConversationView({ rows, scroll, width }: Props) {
  return (
    <Box flexDirection="column" width={width} borderStyle="round" borderColor="gray" paddingX={1} overflow="hidden" justifyContent="flex-end">
      {rows.map((it) => (it.kind === 'msg' ? <MessageRow key={it.id} item={it} /> : it.kind === 'system' ? <SystemRow key={it.id} item={it} /> : null))}
      {scroll > 0 && <Text dimColor>↓ {scroll} newer below (PgDn)</Text>}
    </Box>
  );
}

function MessageRow({ item: { m } }: { item: Extract<Item, { kind: 'msg' }> }) {
  return (
    <Box flexDirection="column">
      <Text wrap="truncate-end">
        <Text dimColor>{clock(m.ts)} </Text>
        <Text bold color={colourOf(m.from)}>
          {m.from}
        </Text>
        <Text dimColor={m.deleted === true}>: {bodyOf(m)}</Text>
      </Text>
      {m.reactions ? (
        <Text wrap="truncate-end" color="yellow">
          {'      '}
          {reactionsOf(m)}
        </Text>
      ) : null}
    </Box>
  );
}

function SystemRow({ item }: { item: Extract<Item, { kind: 'system' }> }) {
  return (
    <Text wrap="truncate-end" color={item.tone === 'warn' ? 'red' : item.tone === 'notice' ? 'magenta' : 'gray'}>
      {item.tone === 'notice' ? '*** ' : '-- '}
      {printable(item.text, ' ⏎ ')}
    </Text>
  );
}

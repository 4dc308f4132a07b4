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

/** Lines a row takes on screen: a message with reactions has a second line for them. */
export function rowHeight(it: Item): number {
  return it.kind === 'msg' && it.m.reactions ? 2 : 1;
}

/** The rows before `end` that fit in `lines` screen lines, oldest first (at least the last one). */
export function rowsThatFit(items: readonly Item[], end: number, lines: number): readonly Item[] {
  let start = Math.min(end, items.length);
  let used = 0;
  while (start > 0 && (used + rowHeight(items[start - 1]!) <= lines || start === end)) used += rowHeight(items[--start]!);
  return items.slice(start, end);
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

function MessageRow({ item }: { item: Extract<Item, { kind: 'msg' }> }) {
  const { m } = item;
  return (
    <Box flexDirection="column">
      <Text wrap="truncate-end">
        <Text dimColor>{clock(m.ts)} </Text>
        <Text bold color={colourOf(m.from)}>
          {m.from}
        </Text>
        <Text dimColor={m.deleted === true}>: {bodyOf(m)}</Text>
      </Text>
      {rowHeight(item) === 2 ? (
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

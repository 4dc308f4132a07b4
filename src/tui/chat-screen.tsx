import { Box, Text, useInput, useStdout } from 'ink';
import { useEffect, useRef, useState, useSyncExternalStore } from 'react';
import type { ChatSession } from '../client/index.js';
import { ChatStore } from './chat-store.js';
import { CommandExecutor } from './command-executor.js';
import { ConversationList } from './conversation-list.js';
import { ConversationView, rowsThatFit } from './conversation-view.js';
import { LineInput } from './line-input.js';
import { Banners, Header, StatusLine, bannerCount } from './status-lines.js';

interface Props {
  session: ChatSession;
  address: string;
  /** The HTTP base for files, when the server offers them. */
  httpBase?: string;
  onQuit: () => void;
}

const PANE_WIDTH = 24;
/** Lines that are never the conversation: header, borders, input and status lines. */
const CHROME_ROWS = 5;

/** The chat screen: the conversation, the conversation list, the input line and the status lines. */
export function ChatScreen({ session, address, httpBase, onQuit }: Props) {
  const size = useTerminalSize();
  const [store] = useState(() => new ChatStore(session));
  const latest = useRef({ httpBase, onQuit });
  latest.current = { httpBase, onQuit };
  const [executor] = useState(() => new CommandExecutor(store, { httpBase: () => latest.current.httpBase, downloads: process.env.BANTER_DOWNLOADS, quit: () => latest.current.onQuit() }));
  useEffect(() => () => store.dispose(), [store]);
  const chat = useSyncExternalStore(store.subscribe, store.getSnapshot);
  const [input, setInput] = useState('');

  const items = chat.items[chat.current] ?? [];
  // Banners, the "newer below" hint and a long input line (wrapped; counted in characters, so wide
  // ones may still push) take lines from the conversation: what is drawn must not outgrow the
  // terminal, or it scrolls and Ink draws over the header.
  const banners = bannerCount(chat.connection, chat.ended, chat.mutedUntil);
  const inputLines = Math.max(1, Math.ceil(([...`[${chat.current}] › ${input} `].length) / Math.max(1, size.columns - 2)));
  const visibleRows = Math.max(3, size.rows - CHROME_ROWS - banners - (chat.scroll > 0 ? 1 : 0) - (inputLines - 1));

  useInput((ch, key) => {
    if (chat.ended) {
      if (key.return || key.escape || ch === 'q') onQuit();
      return;
    }
    if (key.tab) return store.togglePaneFocus();
    if (key.pageUp) return store.scrollUp(visibleRows);
    if (key.pageDown) return store.scrollDown(visibleRows);
    if (key.ctrl && ch === 'p') return store.togglePane();
    if (!chat.pane.focus) return;
    if (key.escape) store.blurPane();
    else if (key.upArrow) store.movePane(-1);
    else if (key.downArrow) store.movePane(1);
    else if (key.return) store.choosePane();
  });

  const onSubmit = (value: string): void => {
    setInput('');
    store.scrollToNewest();
    void executor.submit(value);
  };
  const onChange = (value: string): void => {
    setInput(value);
    store.inputChanged(value);
  };

  const end = items.length - chat.scroll;
  const room = chat.rooms.find((r) => r.room === chat.current);
  return (
    <Box flexDirection="column" width={size.columns} height={size.rows}>
      <Header conv={chat.current} topic={room?.topic} user={chat.user} address={address} connection={chat.connection} />
      <Banners connection={chat.connection} ended={chat.ended} mutedUntil={chat.mutedUntil} />
      <Box flexGrow={1}>
        <ConversationView rows={rowsThatFit(items, end, visibleRows)} scroll={chat.scroll} width={size.columns - (chat.pane.open ? PANE_WIDTH : 0)} />
        {chat.pane.open && (
          <ConversationList
            entries={store.paneEntries()}
            current={chat.current}
            unread={chat.unread}
            onlineCount={chat.online.length}
            roomCount={chat.rooms.length}
            focus={chat.pane.focus}
            index={chat.pane.index}
            width={PANE_WIDTH}
          />
        )}
      </Box>
      <Box paddingX={1}>
        <Box flexShrink={0}>
          <Text color="cyan">[{chat.current}] › </Text>
        </Box>
        <LineInput value={input} onChange={onChange} onSubmit={onSubmit} focus={!chat.pane.focus && !chat.ended} />
      </Box>
      <StatusLine transfer={chat.transfer} typers={chat.typing[chat.current] ?? []} />
    </Box>
  );
}

/** The terminal's size, following resizes. */
function useTerminalSize(): { columns: number; rows: number } {
  const { stdout } = useStdout();
  const [size, setSize] = useState({ columns: stdout.columns || 80, rows: stdout.rows || 24 });
  useEffect(() => {
    const onResize = () => setSize({ columns: stdout.columns, rows: stdout.rows });
    stdout.on('resize', onResize);
    return () => void stdout.off('resize', onResize);
  }, [stdout]);
  return size;
}

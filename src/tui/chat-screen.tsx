import { Box, Text, useInput, useStdout } from 'ink';
import { useEffect, useRef, useState, useSyncExternalStore } from 'react';
import type { ChatSession } from '../client/index.js';
import { ChatStore } from './chat-store.js';
import { CommandExecutor } from './command-executor.js';
import { COMMAND_NAMES } from './commands.js';
import { Completer, type Lookup } from './completion.js';
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
/** Names asked for per completion: more than a status line shows. */
const COMPLETION_LIMIT = 20;

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
  const typedNow = useRef(input);
  typedNow.current = input;
  const [hint, setHint] = useState<string | undefined>();
  const [completer] = useState(() => new Completer(namesFor(session)));

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
    // In the input line Tab completes or goes to the pane (onTab below); in the pane it comes back.
    if (key.tab) return chat.pane.focus ? store.togglePaneFocus() : undefined;
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
    setHint(undefined);
    store.inputChanged(value);
  };
  const onTab = (value: string, cursor: number, replace: (value: string, cursor: number) => void): void => {
    if (!completer.wants(value, cursor)) return store.togglePaneFocus();
    completer.complete(value, cursor).then(
      (done) => {
        // Typed on while the server answered: the answer is for a line that is gone.
        if (!done || typedNow.current !== value) return;
        if (done.line !== value) replace(done.line, done.cursor);
        setHint(done.hint);
      },
      (err: unknown) => setHint(`no completion: ${(err as Error).message}`),
    );
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
        <LineInput value={input} onChange={onChange} onSubmit={onSubmit} onTab={onTab} focus={!chat.pane.focus && !chat.ended} />
      </Box>
      <StatusLine transfer={chat.transfer} hint={hint} typers={chat.typing[chat.current] ?? []} />
    </Box>
  );
}

/** Where completion finds names: users from the server (online or not), commands from the list. */
function namesFor(session: ChatSession): Lookup {
  return async (kind, prefix) => {
    if (kind === 'command') return { names: COMMAND_NAMES.filter((c) => c.startsWith(prefix.toLowerCase())), more: false };
    const { users, next } = await session.request('users', { prefix, limit: COMPLETION_LIMIT });
    return { names: users.map((u) => u.user), more: next !== undefined };
  };
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

import { Box, Text, useInput, useStdout } from 'ink';
import { useEffect, useMemo, useRef, useState } from 'react';
import { BanterError, type ChatSession, type ConnectionState } from '../client/index.js';
import { LOBBY, type MutedUntil, type OnlineUser, type RoomInfo } from '../protocol/index.js';
import { applyUpdate, mergeMessages, nthLastMessage, systemLine, type Line } from './chat-state.js';
import { HELP, parseTyped, type Typed } from './commands.js';
import { bodyOf, clock, colourOf, printable, progressBar, reactionsOf, untilText } from './format.js';
import { LineInput } from './line-input.js';

/** Rooms `/rooms` shows at once: about a screenful. */
const ROOMS_PAGE = 20;

interface Props {
  session: ChatSession;
  address: string;
  /** The HTTP base for files, when the server offers them. */
  httpBase?: string;
  onQuit: () => void;
  onEnded: (text: string) => void;
  endedText?: string;
}

const PANE_WIDTH = 24;

/** The chat screen: the conversation, the online list, the input line and the status lines. */
export function ChatScreen({ session, address, httpBase, onQuit, onEnded, endedText }: Props) {
  const { stdout } = useStdout();
  const [size, setSize] = useState({ columns: stdout.columns || 80, rows: stdout.rows || 24 });
  const [conv, setConv] = useState<string>(LOBBY);
  const [lines, setLines] = useState<Record<string, Line[]>>({});
  const [input, setInput] = useState('');
  const [state, setState] = useState<ConnectionState>(session.state);
  const [online, setOnline] = useState<OnlineUser[]>(session.onlineUsers);
  const [rooms, setRooms] = useState<RoomInfo[]>(session.rooms);
  const [unread, setUnread] = useState<Record<string, number>>({});
  const [muted, setMuted] = useState<MutedUntil>(session.mutedUntil);
  const [paneOpen, setPaneOpen] = useState(true);
  const [paneFocus, setPaneFocus] = useState(false);
  const [paneIndex, setPaneIndex] = useState(0);
  const [scroll, setScroll] = useState(0);
  const [typing, setTyping] = useState<Record<string, number>>({});
  const [transfer, setTransfer] = useState<{ label: string; done: number; total?: number }>();
  const convRef = useRef(conv);
  convRef.current = conv;
  const loaded = useRef(new Set<string>());
  /** Where `/rooms more` goes on from: the `next` of the last page shown. */
  const roomsNext = useRef<string | undefined>(undefined);
  const lastTyping = useRef(0);
  const readTimer = useRef<NodeJS.Timeout | undefined>(undefined);
  /** What is shown is read: tell the server, at most once a second. */
  const readSoon = (target: string): void => {
    if (readTimer.current) return;
    readTimer.current = setTimeout(() => {
      readTimer.current = undefined;
      session.markRead(target);
    }, 1000);
  };
  useEffect(() => () => clearTimeout(readTimer.current), []);

  const add = (target: string, line: Line): void => setLines((all) => ({ ...all, [target]: [...(all[target] ?? []), line] }));
  const say = (text: string, tone: 'info' | 'error' | 'notice' = 'info'): void => add(convRef.current, systemLine(text, tone));

  useEffect(() => {
    const onResize = () => setSize({ columns: stdout.columns, rows: stdout.rows });
    stdout.on('resize', onResize);
    return () => void stdout.off('resize', onResize);
  }, [stdout]);

  useEffect(() => {
    const offs = [
      session.on('message', (m) => {
        setLines((all) => ({ ...all, [m.conv]: mergeMessages(all[m.conv] ?? [], [m]) }));
        if (m.conv === convRef.current) readSoon(m.conv);
      }),
      session.on('update', (u) => setLines((all) => (all[u.conv] ? { ...all, [u.conv]: applyUpdate(all[u.conv]!, u) } : all))),
      session.on('rooms', (rs) => setRooms(rs)),
      session.on('joined', (j) => add(j.room, systemLine(j.by ? `${j.user} was invited by ${j.by}` : `${j.user} joined`))),
      session.on('left', (l) => add(l.room, systemLine(l.by ? `${l.user} was removed by ${l.by}` : `${l.user} left`))),
      session.on('members', (m) => {
        const names = [...m.joined.map((u) => `+${u}`), ...m.left.map((u) => `-${u}`)].join(' ');
        add(m.room, systemLine(`${names}${m.more > 0 ? ` and ${m.more} more` : ''}; ${m.count} members`));
      }),
      session.on('topic', (t) => add(t.room, systemLine(`${t.by} set the topic: ${t.topic}`))),
      session.on('owner', (o) => add(o.room, systemLine(`${o.owner} owns ${o.room} now (from ${o.by})`))),
      session.on('room_muted', (m) => add(m.room, systemLine(m.until === null ? `${m.user} may speak again here` : `${m.user} is muted here ${m.until === 'forever' ? 'until unmuted' : `until ${clock(m.until)}`}`))),
      session.on('conversations', (cs) => setUnread(Object.fromEntries(cs.map((c) => [c.conv, c.unread])))),
      session.on('state', (s) => {
        setState(s);
        if (s === 'online') setOnline(session.onlineUsers);
      }),
      session.on('presence', () => setOnline(session.onlineUsers)),
      session.on('notice', (n) => {
        const line = systemLine(n.from ? `${n.from}: ${n.text}` : n.text, 'notice');
        setLines((all) => ({ ...all, [LOBBY]: [...(all[LOBBY] ?? []), line], ...(convRef.current !== LOBBY ? { [convRef.current]: [...(all[convRef.current] ?? []), line] } : {}) }));
      }),
      session.on('muted', (m) => {
        setMuted(m.until);
        say(`You are muted ${untilText(m.until)}${m.reason ? `: ${m.reason}` : ''}.`, 'error');
      }),
      session.on('unmuted', () => {
        setMuted(null);
        say('You can speak again.', 'notice');
      }),
      session.on('typing', (t) => setTyping((all) => ({ ...all, [`${t.conv}|${t.user}`]: Date.now() }))),
      session.on('ended', (e) => {
        const why = printable(e.reason, ' ');
        const text = e.code === 'kicked' ? `You were kicked: ${why}` : e.code === 'banned' ? `You are banned: ${why}` : `Session ended: ${why}`;
        onEnded(text);
      }),
    ];
    return () => offs.forEach((off) => off());
  }, [session]);

  // Typing hints fade after a few seconds.
  useEffect(() => {
    const timer = setInterval(() => setTyping((all) => Object.fromEntries(Object.entries(all).filter(([, at]) => Date.now() - at < 4000))), 1000);
    return () => clearInterval(timer);
  }, []);

  // Opening a conversation loads its latest page once and clears its unread count.
  useEffect(() => {
    session.markRead(conv);
    setScroll(0);
    if (loaded.current.has(conv) || state !== 'online') return;
    loaded.current.add(conv);
    session.olderThan(conv, undefined, 50).then(
      (ms) => setLines((all) => ({ ...all, [conv]: mergeMessages(all[conv] ?? [], ms) })),
      (err: unknown) => say(`Could not load history: ${(err as Error).message}`, 'error'),
    );
  }, [conv, state]);

  const visibleRows = Math.max(3, size.rows - 7);
  const current = lines[conv] ?? [];

  const loadOlder = (): void => {
    const first = current.find((l) => l.kind === 'msg');
    const before = first?.kind === 'msg' ? first.m.seq : undefined;
    if (before === 1) return;
    session.olderThan(conv, before, 50).then(
      (ms) => setLines((all) => ({ ...all, [conv]: mergeMessages(all[conv] ?? [], ms) })),
      () => undefined,
    );
  };

  const paneEntries = useMemo(
    () => [LOBBY, ...rooms.map((r) => r.room), ...online.filter((u) => u.user !== session.user).map((u) => `@${u.user}`)],
    [online, rooms],
  );
  const room = rooms.find((r) => r.room === conv);

  useInput((ch, key) => {
    if (endedText) {
      if (key.return || key.escape || ch === 'q') onQuit();
      return;
    }
    if (key.tab) {
      if (!paneOpen) setPaneOpen(true);
      setPaneFocus((f) => (paneOpen ? !f : true));
      setPaneIndex(Math.max(0, paneEntries.indexOf(conv)));
      return;
    }
    if (key.pageUp) {
      setScroll((s) => {
        const next = Math.min(s + visibleRows - 1, Math.max(0, current.length - visibleRows));
        if (next === s || next >= current.length - visibleRows) loadOlder();
        return next;
      });
      return;
    }
    if (key.pageDown) return setScroll((s) => Math.max(0, s - (visibleRows - 1)));
    if (key.ctrl && ch === 'p') {
      setPaneOpen((o) => !o);
      setPaneFocus(false);
      return;
    }
    if (!paneFocus) return;
    if (key.escape) setPaneFocus(false);
    else if (key.upArrow) setPaneIndex((i) => Math.max(0, i - 1));
    else if (key.downArrow) setPaneIndex((i) => Math.min(paneEntries.length - 1, i + 1));
    else if (key.return) {
      setConv(paneEntries[paneIndex] ?? LOBBY);
      setPaneFocus(false);
    }
  });

  const run = async (typed: Typed): Promise<void> => {
    switch (typed.kind) {
      case 'say':
      case 'sticker': {
        const to = typed.to ?? conv;
        if (typed.to && typed.to !== conv) setConv(typed.to);
        try {
          await session.send(to, typed.kind === 'say' ? { text: typed.text } : { sticker: typed.name });
        } catch (err) {
          say(refusal(err), 'error');
        }
        return;
      }
      case 'who':
        return say(`Online (${online.length}): ${online.map((u) => (u.role === 'admin' ? `${u.user} (admin)` : u.user)).join(', ')}`);
      case 'help':
        return HELP.forEach((h) => say(h));
      case 'quit':
        session.close();
        return onQuit();
      case 'file':
        return sendFile(typed.path);
      case 'open':
        return openFile(typed.back);
      case 'error':
        return say(typed.message, 'error');
      case 'rooms':
      case 'members':
      case 'join':
      case 'leave':
      case 'create':
      case 'room':
      case 'topic':
        return runRoom(typed);
      case 'edit':
      case 'delete':
      case 'react':
        return runChange(typed);
      case 'notice':
      case 'admin':
        try {
          if (typed.kind === 'notice') await session.request('notice', { text: typed.text });
          else if (typed.op === 'mute') await session.request('mute', { user: typed.user, minutes: typed.minutes, reason: typed.reason });
          else if (typed.op === 'kick' || typed.op === 'ban') await session.request(typed.op, { user: typed.user, reason: typed.reason });
          else await session.request(typed.op, { user: typed.user });
        } catch (err) {
          say(refusal(err), 'error');
        }
    }
  };

  const inRoom = (): string | null => {
    if (conv.startsWith('#') && conv !== LOBBY) return conv;
    say('Open a room first (/join #room), or name one.', 'error');
    return null;
  };

  const runRoom = async (typed: Extract<Typed, { kind: 'rooms' | 'members' | 'join' | 'leave' | 'create' | 'room' | 'topic' }>): Promise<void> => {
    try {
      switch (typed.kind) {
        case 'rooms': {
          if (typed.more && roomsNext.current === undefined) return say('No more rooms: /rooms lists them from the start.');
          const after = typed.more ? roomsNext.current : undefined;
          const page = await session.request('rooms', after === undefined ? { limit: ROOMS_PAGE } : { limit: ROOMS_PAGE, after });
          roomsNext.current = page.next;
          if (page.rooms.length === 0 && !typed.more) return say('No rooms yet: /create #name [topic] makes one.');
          for (const r of page.rooms) say(`${r.joined ? '*' : ' '} ${r.room} (${r.members})${r.private ? ' private' : ''} — ${r.topic || 'no topic'} · owner ${r.owner}`);
          if (page.next !== undefined) say('more… /rooms more shows the next page');
          return;
        }
        case 'members': {
          const target = inRoom();
          if (!target) return;
          const { members } = await session.request('members', { room: target });
          return say(`${target} (${members.length}): ${members.map((m) => `${m.user}${m.owner ? ' (owner)' : ''}${m.online ? ' ●' : ''}${m.muted_until !== null ? ' (muted)' : ''}`).join(', ')}`);
        }
        case 'join': {
          const info = await session.join(typed.room);
          setConv(info.room);
          return add(info.room, systemLine(`You joined ${info.room}${info.topic ? ` — ${info.topic}` : ''}`));
        }
        case 'leave': {
          const target = typed.room ?? inRoom();
          if (!target) return;
          await session.leave(target);
          const leaving = conv.toLowerCase() === target.toLowerCase();
          if (leaving) setConv(LOBBY);
          return add(leaving ? LOBBY : conv, systemLine(`You left ${target}.`));
        }
        case 'create': {
          const info = await session.createRoom(typed.room, { topic: typed.topic, private: typed.private });
          setConv(info.room);
          return add(info.room, systemLine(`You created ${info.room}${info.private ? ' (private: /invite user)' : ''}`));
        }
        case 'room': {
          const target = inRoom();
          if (!target) return;
          if (typed.op === 'owner') await session.request('owner', { room: target, user: typed.user });
          else await session.request(typed.op, { room: target, user: typed.user });
          return;
        }
        case 'topic': {
          const target = inRoom();
          if (target) await session.request('topic', { room: target, topic: typed.text });
          return;
        }
      }
    } catch (err) {
      say(refusal(err), 'error');
    }
  };

  const runChange = async (typed: Extract<Typed, { kind: 'edit' | 'delete' | 'react' }>): Promise<void> => {
    const mine = (m: { from: string; deleted?: true }) => m.from === session.user && !m.deleted;
    const target =
      typed.kind === 'edit'
        ? nthLastMessage(current, 1, (m) => mine(m) && m.text !== undefined)
        : typed.kind === 'delete' && typed.back === 0
          ? nthLastMessage(current, 1, mine)
          : nthLastMessage(current, typed.back, (m) => !m.deleted);
    if (!target) return say(typed.kind === 'edit' ? 'No message of yours to edit here.' : 'No such message here.', 'error');
    try {
      if (typed.kind === 'edit') await session.edit(conv, target.seq, typed.text);
      else if (typed.kind === 'delete') await session.deleteMessage(conv, target.seq);
      else await session.react(conv, target.seq, typed.emoji);
    } catch (err) {
      say(refusal(err), 'error');
    }
  };

  const sendFile = async (path: string): Promise<void> => {
    const token = session.sessionToken;
    if (!httpBase || !token) return say('This server does not offer file transfer.', 'error');
    const to = conv;
    const label = `Uploading ${path.split('/').pop()}`;
    setTransfer({ label, done: 0 });
    try {
      const { uploadPath } = await import('../client/node/files.js');
      const file = await uploadPath(path, { httpBase, token, onProgress: (done, total) => setTransfer({ label, done, total }) });
      await session.send(to, { file: { id: file.id } });
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code;
      say(code === 'ENOENT' ? `No file at ${path}` : code === 'EISDIR' ? `${path} is a folder` : refusal(err), 'error');
    } finally {
      setTransfer(undefined);
    }
  };

  const openFile = async (back: number): Promise<void> => {
    const token = session.sessionToken;
    const files = current.filter((l) => l.kind === 'msg' && l.m.file).map((l) => (l as { m: { file: { id: string; name: string } } }).m.file);
    const file = files[files.length - back];
    if (!file) return say(files.length ? `This conversation has only ${files.length} file(s).` : 'No file in this conversation yet.', 'error');
    if (!httpBase || !token) return say('This server does not offer file transfer.', 'error');
    const label = `Downloading ${file.name}`;
    setTransfer({ label, done: 0 });
    try {
      const [{ downloadTo }, { homedir }, { join }] = await Promise.all([import('../client/node/files.js'), import('node:os'), import('node:path')]);
      const folder = process.env.BANTER_DOWNLOADS ?? join(homedir(), 'Downloads', 'banter');
      const saved = await downloadTo(file.id, folder, { httpBase, token, onProgress: (done, total) => setTransfer({ label, done, total }) });
      say(`Saved ${saved}`);
    } catch (err) {
      say(`Download failed: ${(err as Error).message}`, 'error');
    } finally {
      setTransfer(undefined);
    }
  };

  const onSubmit = (value: string): void => {
    setInput('');
    setScroll(0);
    const typed = parseTyped(value);
    if (typed) void run(typed);
  };

  const onChange = (value: string): void => {
    setInput(value);
    if (value && !value.startsWith('/') && Date.now() - lastTyping.current > 3000) {
      lastTyping.current = Date.now();
      session.typing(conv);
    }
  };

  const chatWidth = size.columns - (paneOpen ? PANE_WIDTH : 0);
  const end = current.length - scroll;
  const shown = current.slice(Math.max(0, end - visibleRows), end);
  const typers = Object.keys(typing)
    .filter((k) => k.startsWith(`${conv === LOBBY ? LOBBY : conv}|`))
    .map((k) => k.split('|')[1]);
  const mutedNow = muted === 'forever' || (typeof muted === 'number' && muted > Date.now());

  return (
    <Box flexDirection="column" width={size.columns} height={size.rows}>
      <Box justifyContent="space-between" paddingX={1}>
        <Text bold color="cyan">
          Banter · {conv === LOBBY ? '#lobby' : conv}
          {room?.topic ? <Text color="white"> · {printable(room.topic, ' ')}</Text> : null} <Text dimColor>— {session.user}@{address}</Text>
        </Text>
        <Text color={state === 'online' ? 'green' : 'yellow'}>{state === 'online' ? '● online' : `◌ ${state}`}</Text>
      </Box>
      {state !== 'online' && state !== 'closed' && (
        <Text backgroundColor="yellow" color="black">
          {' '}Connection lost — reconnecting… messages you send wait and go out when it is back.{' '}
        </Text>
      )}
      {endedText && (
        <Text backgroundColor="red" color="white">
          {' '}{endedText} — press Enter to leave.{' '}
        </Text>
      )}
      {mutedNow && (
        <Text color="red">You are muted {untilText(muted as number | 'forever')}.</Text>
      )}
      <Box flexGrow={1}>
        <Box flexDirection="column" width={chatWidth} borderStyle="round" borderColor="gray" paddingX={1} overflow="hidden" justifyContent="flex-end">
          {shown.map((l) =>
            l.kind === 'msg' ? (
              <Box key={l.key} flexDirection="column">
                <Text wrap="truncate-end">
                  <Text dimColor>{clock(l.m.ts)} </Text>
                  <Text bold color={colourOf(l.m.from)}>
                    {l.m.from}
                  </Text>
                  <Text dimColor={l.m.deleted === true}>: {bodyOf(l.m)}</Text>
                </Text>
                {l.m.reactions ? (
                  <Text wrap="truncate-end" color="yellow">
                    {'      '}
                    {reactionsOf(l.m)}
                  </Text>
                ) : null}
              </Box>
            ) : (
              <Text key={l.key} wrap="truncate-end" color={l.tone === 'error' ? 'red' : l.tone === 'notice' ? 'magenta' : 'gray'}>
                {l.tone === 'notice' ? '*** ' : '-- '}
                {printable(l.text, ' ⏎ ')}
              </Text>
            ),
          )}
          {scroll > 0 && <Text dimColor>↓ {scroll} newer below (PgDn)</Text>}
        </Box>
        {paneOpen && (
          <Box flexDirection="column" width={PANE_WIDTH} borderStyle="round" borderColor={paneFocus ? 'cyan' : 'gray'} paddingX={1} overflow="hidden">
            <Text bold>
              Online ({online.length}){rooms.length > 0 ? ` · ${rooms.length} room${rooms.length === 1 ? '' : 's'}` : ''}
            </Text>
            {paneEntries.map((entry, i) => {
              const count = unread[entry] ?? 0;
              const label = entry === LOBBY ? '[group]' : entry.startsWith('#') ? ` ${entry}` : entry.slice(1);
              return (
                <Text key={entry} wrap="truncate-end" inverse={paneFocus && i === paneIndex} color={entry === conv ? 'cyan' : undefined}>
                  {entry === conv ? '▸ ' : '  '}
                  {label}
                  {count > 0 && entry !== conv ? <Text color="yellow"> ({count})</Text> : null}
                </Text>
              );
            })}
          </Box>
        )}
      </Box>
      <Box paddingX={1}>
        <Text color="cyan">[{conv}] › </Text>
        <LineInput value={input} onChange={onChange} onSubmit={onSubmit} focus={!paneFocus && !endedText} />
      </Box>
      <Box paddingX={1} justifyContent="space-between">
        {transfer ? (
          <Text color="cyan">
            {transfer.label} {progressBar(transfer.done, transfer.total)}
          </Text>
        ) : (
          <Text dimColor>{typers.length > 0 ? `${typers.join(', ')} typing…` : 'Tab: users  PgUp/PgDn: scroll  Ctrl-P: hide list  /file  /open  /help'}</Text>
        )}
      </Box>
    </Box>
  );
}

function refusal(err: unknown): string {
  if (err instanceof BanterError) {
    if (err.code === 'MUTED') return `Not sent: you are muted ${err.until !== undefined ? untilText(err.until) : ''}.`;
    if (err.code === 'RATE_LIMITED') return `Not sent: slow down (try again in ${err.retryAfter ?? 1} s).`;
    return `Not sent: ${err.message}`;
  }
  return `Failed: ${(err as Error).message}`;
}

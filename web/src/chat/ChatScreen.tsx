import { useCallback, useEffect, useMemo, useRef, useState, useSyncExternalStore } from 'react';
import { useTranslation } from 'react-i18next';
import { LOBBY } from '../../../src/protocol/limits.js';
import type { ChatStore } from '../app/chat-store.js';
import type { FunApi } from '../app/fun-api.js';
import { Icon } from '../app/icons.js';
import { LanguageSwitch } from '../app/LanguageSwitch.js';
import { Uploads } from '../files/uploads.js';
import { UploadList } from '../files/UploadList.js';
import { Composer } from './Composer.js';
import { ConnectionBanner } from './ConnectionBanner.js';
import { MessageList } from './MessageList.js';
import { alertsEnabled, setAlertsEnabled, watchPrivateMessages } from './notifier.js';
import { ConversationList } from './ConversationList.js';
import { NewMessageDialog, type Person } from './NewMessageDialog.js';
import { OpenConvContext } from './open-conv-context.js';
import { Toasts } from './Toasts.js';
import { ConfirmDialog, type Confirmation } from '../admin/ConfirmDialog.js';
import { BrowseRooms } from '../rooms/BrowseRooms.js';
import { CreateRoomDialog } from '../rooms/CreateRoomDialog.js';
import { buildConvList } from '../app/conv-list.js';
import { convPath, pathConv } from '../app/routes.js';
import { useMuteEnd } from './use-mute-end.js';
import { RoomPanel } from '../rooms/RoomPanel.js';
import { MessageActionsContext } from './message-actions-context.js';
import { useMessageActions } from './use-message-actions.js';

const narrow = () => window.matchMedia('(max-width: 760px)').matches;

export function ChatScreen({ store, onLogout, initialConv = LOBBY }: { store: ChatStore; onLogout: () => void; initialConv?: string }) {
  const { t } = useTranslation();
  const s = useSyncExternalStore(store.subscribe, store.getSnapshot);
  const uploads = useMemo(() => new Uploads(store), [store]);
  const upList = useSyncExternalStore(uploads.subscribe, uploads.getSnapshot);
  const [showList, setShowList] = useState(() => !narrow());
  const [alerts, setAlerts] = useState(alertsEnabled);
  const [dragging, setDragging] = useState(false);
  const [lightbox, setLightbox] = useState<{ src: string; name: string } | undefined>();
  const [restore, setRestore] = useState<{ text: string; n: number } | undefined>();
  const [dialog, setDialog] = useState<'create' | 'browse' | 'room' | 'new' | undefined>();
  const [confirm, setConfirm] = useState<Confirmation | undefined>();
  const chatWindow = useRef<HTMLElement>(null);
  const conv = s.convs[s.current] ?? { conv: s.current, items: [], loaded: false, loadingOlder: false, hasOlder: true, typing: [] };

  const open = useCallback(
    (c: string) => {
      store.open(c);
      if (narrow()) setShowList(false);
    },
    [store],
  );
  useEffect(() => store.open(initialConv), [store]); // the address at sign-in only
  // Each conversation has an address (/c/...): opening one records it, back/forward open it again.
  useEffect(() => {
    const want = convPath(s.current);
    if (location.pathname === want) return;
    if (pathConv(location.pathname) === undefined) history.replaceState(null, '', want);
    else history.pushState(null, '', want);
  }, [s.current]);
  useEffect(() => {
    const onPop = () => {
      const c = pathConv(location.pathname);
      if (c) store.open(c);
    };
    window.addEventListener('popstate', onPop);
    return () => window.removeEventListener('popstate', onPop);
  }, [store]);
  useEffect(
    () =>
      watchPrivateMessages(store.session, open, (from, text) => ({ title: t('alerts.title', { from }), body: text })),
    [store, open, t],
  );
  // Desktop notifications need the user's permission; browsers only ask after a user gesture.
  useEffect(() => {
    if (!('Notification' in window) || Notification.permission !== 'default') return;
    const ask = () => alertsEnabled() && void Notification.requestPermission().catch(() => undefined);
    document.addEventListener('pointerdown', ask, { once: true });
    return () => document.removeEventListener('pointerdown', ask);
  }, []);
  // Reading the open conversation again (tab shown) clears its unread count.
  useEffect(() => {
    const seen = () => document.visibilityState === 'visible' && store.markRead();
    document.addEventListener('visibilitychange', seen);
    return () => document.removeEventListener('visibilitychange', seen);
  }, [store]);
  // The tab title counts unread messages.
  const unreadTotal = Object.values(s.unread).reduce((a, b) => a + b, 0);
  useEffect(() => {
    document.title = unreadTotal > 0 ? `(${unreadTotal}) Banter` : 'Banter';
  }, [unreadTotal]);

  const sendFiles = useCallback(
    (files: File[], to = s.current) =>
      Promise.all(
        files.map((f) =>
          uploads.send(f, to).catch((err: unknown) => {
            if (err instanceof DOMException && err.name === 'AbortError') store.toast(t('file.cancelled', { name: f.name }));
            else store.toast(t('file.failed', { name: f.name, reason: err instanceof Error ? err.message : String(err) }), 'error');
            throw err;
          }),
        ),
      ).then(() => undefined),
    [uploads, store, s.current, t],
  );

  const sendText = useCallback(
    async (text: string, to = s.current) => {
      try {
        await store.send({ text }, to);
      } catch (err) {
        setRestore({ text, n: Date.now() });
        throw err;
      }
    },
    [store, s.current],
  );

  const funApi = useMemo<FunApi>(
    () => ({
      conv: s.current,
      me: s.user,
      sendFile: async (file, opts) => {
        let f = file;
        if (opts?.kind === 'voice' && !/^voice-/i.test(file.name)) {
          const ext = /\.[a-z0-9]+$/i.exec(file.name)?.[0] ?? (file.type.includes('mp4') ? '.m4a' : '.webm');
          f = new File([file], `voice-${new Date().toISOString().replace(/[:.]/g, '-')}${ext}`, { type: file.type });
        }
        await sendFiles([f], s.current);
      },
      sendText: (text) => sendText(text, s.current),
      chatWindow: () => chatWindow.current,
      toast: (text, kind) => store.toast(text, kind),
    }),
    [s.current, s.user, sendFiles, sendText, store],
  );

  const peer = s.current.startsWith('@') ? s.current.slice(1) : undefined;
  const room = s.rooms.find((r) => r.room.toLowerCase() === s.current.toLowerCase());
  const title = peer ? peer : room ? room.room.slice(1) : t('chat.lobby');
  const actions = useMessageActions(store, t, s.user, s.role, room, setConfirm);
  const refusal = s.refusal?.conv === s.current ? s.refusal : undefined;
  const muted = useMuteEnd(s.mutedUntil);
  const connected = s.connection === 'online';
  const list = useMemo(
    () => buildConvList({ me: s.user, current: s.current, summaries: s.summaries, unread: s.unread, rooms: s.rooms, online: s.online, connected }),
    [s.user, s.current, s.summaries, s.unread, s.rooms, s.online, connected],
  );
  const known = useMemo(() => {
    const seen = new Map<string, Person>();
    for (const e of [...list.people, ...list.online]) {
      const user = e.conv.slice(1);
      if (user !== s.user && !seen.has(user)) seen.set(user, { user, online: e.presence === 'unknown' ? undefined : e.presence === 'on', role: e.role });
    }
    return [...seen.values()];
  }, [list, s.user]);
  const mutedText = !muted ? '' : s.mutedUntil === 'forever' ? t('moderation.mutedForever') : t('moderation.mutedUntil', { time: new Date(s.mutedUntil as number).toLocaleString() });
  const typing = conv.typing.filter((u) => u !== s.user);

  return (
    <div className={`chat-app ${showList ? 'list-open' : ''}`}>
      <header className="topbar">
        <div className="brand">
          <img src="/icons/icon.svg" alt="" width={28} height={28} />
          <span className="brand-name">Banter</span>
        </div>
        <h1 className="conv-title" data-testid="conv-title" data-conv={s.current}>
          {peer ? <span className="conv-kind">@</span> : <Icon name={room ? 'hash' : 'users'} size={18} />}
          <span className="conv-name">{title}</span>
          {room?.private && (
            <span className="lock" role="img" aria-label={t('rooms.private')} title={t('rooms.private')}>
              <Icon name="lock" size={14} />
            </span>
          )}
          {room && (
            <span className="conv-topic" data-testid="room-topic">
              {room.topic}
            </span>
          )}
        </h1>
        <div className="topbar-actions">
          <span className={`conn-dot ${s.connection}`} title={t(`connection.${s.connection}`)} aria-label={t(`connection.${s.connection}`)} role="img" />
          {room && (
            <button type="button" className="icon-button" aria-label={t('rooms.panel')} title={t('rooms.panel')} onClick={() => setDialog('room')} data-testid="room-panel-button">
              <Icon name="info" />
            </button>
          )}
          <LanguageSwitch compact />
          <button
            type="button"
            className="icon-button"
            aria-pressed={!alerts}
            aria-label={alerts ? t('alerts.mute') : t('alerts.unmute')}
            title={alerts ? t('alerts.mute') : t('alerts.unmute')}
            onClick={() => {
              setAlertsEnabled(!alerts);
              setAlerts(!alerts);
            }}
          >
            <Icon name={alerts ? 'bell' : 'bellOff'} />
          </button>
          {s.role === 'admin' && (
            <a className="icon-button" href="/admin" aria-label={t('admin.open')} title={t('admin.open')}>
              <Icon name="shield" />
            </a>
          )}
          <button type="button" className={`icon-button users-toggle ${showList ? 'active' : ''}`} aria-pressed={showList} aria-controls="online-panel" title={t(showList ? 'list.hide' : 'list.show', { count: s.online.length })} onClick={() => setShowList(!showList)}>
            {/* Named by its content, so the visible count is part of the name: "Show conversations, 2 online". */}
            <span className="sr-only">{t(showList ? 'list.hideShort' : 'list.showShort')}, </span>
            <Icon name="users" />
            <span className="users-count">{s.online.length}</span>
            <span className="sr-only"> {t('list.onlineShort')}</span>
          </button>
          <button type="button" className="icon-button" aria-label={t('login.logout')} title={t('login.logout')} onClick={onLogout}>
            <Icon name="logout" />
          </button>
        </div>
      </header>
      <ConnectionBanner state={s.connection} pending={store.session.pendingCount} />
      <div className="chat-body">
        <main
          className={`conversation ${dragging ? 'dragging' : ''}`}
          ref={chatWindow}
          aria-label={title}
          onDragOver={(e) => {
            if ([...e.dataTransfer.types].includes('Files')) {
              e.preventDefault();
              setDragging(true);
            }
          }}
          onDragLeave={(e) => {
            if (!e.currentTarget.contains(e.relatedTarget as Node | null)) setDragging(false);
          }}
          onDrop={(e) => {
            e.preventDefault();
            setDragging(false);
            const files = [...e.dataTransfer.files];
            if (files.length) void sendFiles(files).catch(() => undefined);
          }}
        >
          <MessageActionsContext.Provider value={actions}>
            <OpenConvContext.Provider value={open}>
            <MessageList conv={conv} me={s.user} links={store.fileLinks} onLoadOlder={() => void store.loadOlder(s.current)} onOpenImage={(src, name) => setLightbox({ src, name })} onAtBottom={(b) => store.setAtBottom(b)} />
            </OpenConvContext.Provider>
          </MessageActionsContext.Provider>
          <div className="typing-line" aria-live="polite">
            {typing.length > 0 && (
              <>
                <span className="typing-dots" aria-hidden="true">
                  <i />
                  <i />
                  <i />
                </span>
                {typing.length === 1 ? t('chat.typingOne', { user: typing[0] }) : t('chat.typingMany', { users: typing.join(', ') })}
              </>
            )}
          </div>
          <UploadList uploads={upList.filter((u) => u.conv === s.current)} onCancel={(id) => uploads.cancel(id)} />
          {refusal && (
            <div className="refusal" role="alert" data-testid="refusal" data-code={refusal.code}>
              <span>{refusal.message}</span>
              <button type="button" className="link-button" onClick={() => store.clearRefusal()} aria-label={t('common.dismiss')}>
                <Icon name="x" size={16} />
              </button>
            </div>
          )}
          {muted && !refusal && (
            <div className="muted-hint" role="status" data-testid="muted-hint">
              {mutedText}
              {s.muteReason && ` (${s.muteReason})`}
            </div>
          )}
          <Composer
            conv={s.current}
            placeholder={muted ? t('moderation.mutedComposer') : peer ? t('composer.placeholderPrivate', { user: peer }) : room ? t('composer.placeholderRoom', { room: room.room }) : t('composer.placeholderLobby')}
            disabled={muted}
            onSend={(text) => sendText(text)}
            onSticker={(name) => void store.send({ sticker: name }).catch(() => undefined)}
            onFiles={(files) => void sendFiles(files).catch(() => undefined)}
            onTyping={() => store.typing()}
            funApi={funApi}
            restore={restore}
          />
          {dragging && (
            <div className="drop-overlay" aria-hidden="true">
              <Icon name="upload" size={40} />
              <span>{t('file.drop', { conv: title })}</span>
            </div>
          )}
        </main>
        {showList && (
          <aside id="online-panel" className="online-panel">
            <ConversationList list={list} me={s.user} current={s.current} onlineCount={s.online.length} onOpen={open} onNewMessage={() => setDialog('new')} onCreateRoom={() => setDialog('create')} onBrowseRooms={() => setDialog('browse')} />
          </aside>
        )}
      </div>
      {lightbox && (
        <div className="lightbox" role="dialog" aria-modal="true" aria-label={lightbox.name} onClick={() => setLightbox(undefined)} onKeyDown={(e) => e.key === 'Escape' && setLightbox(undefined)}>
          <img src={lightbox.src} alt={lightbox.name} />
          <button type="button" className="icon-button lightbox-close" autoFocus aria-label={t('common.close')} onClick={() => setLightbox(undefined)}>
            <Icon name="x" />
          </button>
        </div>
      )}
      {dialog === 'create' && (
        <CreateRoomDialog
          store={store}
          onClose={() => setDialog(undefined)}
          onCreated={(r) => {
            setDialog(undefined);
            open(r);
          }}
        />
      )}
      {dialog === 'browse' && (
        <BrowseRooms
          store={store}
          onClose={() => setDialog(undefined)}
          onOpen={(r) => {
            setDialog(undefined);
            open(r);
          }}
        />
      )}
      {dialog === 'new' && (
        <NewMessageDialog
          store={store}
          known={known}
          onClose={() => setDialog(undefined)}
          onOpen={(c) => {
            setDialog(undefined);
            open(c);
          }}
        />
      )}
      {dialog === 'room' && room && (
        <RoomPanel
          store={store}
          room={room}
          me={s.user}
          role={s.role}
          onClose={() => setDialog(undefined)}
          onOpenChat={(c) => {
            setDialog(undefined);
            open(c);
          }}
        />
      )}
      <ConfirmDialog confirm={confirm} onClose={() => setConfirm(undefined)} />
      <Toasts toasts={s.toasts} />
    </div>
  );
}

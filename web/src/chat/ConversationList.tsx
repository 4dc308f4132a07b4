import { useTranslation } from 'react-i18next';
import type { ChatMessage } from '../../../src/protocol/messages.js';
import type { ConvList, ListEntry } from '../app/conv-list.js';
import { Icon } from '../app/icons.js';
import { initial, listTime, nameHue } from './format.js';

interface Props {
  list: ConvList;
  me: string;
  current: string;
  /** Everyone online (the user included). */
  onlineCount: number;
  onOpen: (conv: string) => void;
  onNewMessage: () => void;
  onCreateRoom: () => void;
  onBrowseRooms: () => void;
}

/**
 * The side list: every conversation the user has. The lobby (the group chat of everyone on the
 * server), the rooms, every private chat whether the other person is online or not (never
 * hidden: a grey dot), then the people online to start a chat with. Each entry shows its unread
 * count, the time and a line of its newest message; sections are ordered by latest activity.
 */
export function ConversationList({ list, me, current, onlineCount, onOpen, onNewMessage, onCreateRoom, onBrowseRooms }: Props) {
  const { t, i18n } = useTranslation();
  const preview = (e: ListEntry, m: ChatMessage | undefined, fallback: string) => {
    if (!m) return fallback;
    if (m.deleted && m.from === me) return t('msg.deletedOwn');
    const who = m.from === me ? t('list.you') : e.conv.startsWith('@') ? '' : m.from;
    const body = m.deleted ? t('msg.deleted') : m.sticker ? t('list.sticker') : m.file ? `📎 ${m.file.name}` : (m.text ?? '').split('\n', 1)[0]!;
    return who ? t('list.preview', { who, text: body }) : body;
  };
  const entry = (e: ListEntry, avatar: React.ReactNode, opts: { fallback?: string; tags?: React.ReactNode; cls?: string } = {}) => {
    const active = current.toLowerCase() === e.conv.toLowerCase();
    // The entry is named by who or what it is (and its unread count); the time and the preview are its description.
    const describedBy = `conv-desc-${e.conv}`;
    return (
      <li key={e.conv}>
        <button
          type="button"
          className={`person conv-entry ${opts.cls ?? ''} ${active ? 'active' : ''} ${e.presence === 'off' ? 'offline' : ''} ${e.unread > 0 ? 'has-unread' : ''}`}
          aria-current={active ? 'page' : undefined}
          onClick={() => onOpen(e.conv)}
          data-conv={e.conv}
          aria-describedby={describedBy}
        >
          {avatar}
          <span className="conv-main">
            <span className="conv-line">
              <span className="person-name">
                <span className="name-text">{e.label}</span>
                {opts.tags}
              </span>
              {e.lastTs !== null && (
                <time className="conv-time" aria-hidden="true" dateTime={new Date(e.lastTs).toISOString()}>
                  {listTime(e.lastTs, i18n.language)}
                </time>
              )}
            </span>
            <span className="conv-line">
              <span className="conv-preview" data-testid="conv-preview" id={describedBy} aria-hidden="true">{preview(e, e.last, opts.fallback ?? '')}</span>
              {e.unread > 0 && (
                <span className="badge" aria-label={t('online.unread', { count: e.unread })}>
                  {e.unread > 99 ? '99+' : e.unread}
                </span>
              )}
            </span>
          </span>
        </button>
      </li>
    );
  };
  const personAvatar = (e: ListEntry) => (
    <span className="avatar" aria-hidden="true" style={{ '--hue': nameHue(e.label) } as React.CSSProperties}>
      {initial(e.label)}
      <span className={`presence-dot ${e.presence ?? 'unknown'}`} />
    </span>
  );
  const personTags = (e: ListEntry) => (
    <>
      {e.label === me && <span className="tag">{t('online.you')}</span>}
      {e.role === 'admin' && <span className="tag admin">{t('online.admin')}</span>}
      {e.presence && e.presence !== 'unknown' && <span className="sr-only">{t(e.presence === 'on' ? 'rooms.online' : 'rooms.offline')}</span>}
    </>
  );
  return (
    <nav className="online-list" aria-label={t('list.title')}>
      <div className="list-head">
        <button type="button" className="new-message" onClick={onNewMessage} data-testid="new-message">
          <Icon name="edit" size={16} />
          {t('people.newMessage')}
        </button>
      </div>
      <ul className="group-entry">
        {entry(
          { ...list.lobby, label: t('online.group') },
          <span className="avatar lobby" aria-hidden="true">
            <Icon name="users" size={17} />
          </span>,
          { fallback: t('list.lobbyHint'), cls: 'lobby-entry' },
        )}
      </ul>
      <section className="room-list" aria-labelledby="rooms-title">
        <h2 className="online-title" id="rooms-title">
          {t('rooms.title')} <span className="count">{list.rooms.length}</span>
          <span className="title-actions">
            <button type="button" className="mini-button" aria-label={t('rooms.browse')} title={t('rooms.browse')} onClick={onBrowseRooms} data-testid="browse-rooms">
              <Icon name="search" size={15} />
            </button>
            <button type="button" className="mini-button" aria-label={t('rooms.create')} title={t('rooms.create')} onClick={onCreateRoom} data-testid="create-room">
              <Icon name="plus" size={15} />
            </button>
          </span>
        </h2>
        {list.rooms.length === 0 && <p className="rooms-none">{t('rooms.none')}</p>}
        <ul>
          {list.rooms.map((r) =>
            entry(
              r,
              <span className="avatar room-tile" aria-hidden="true" style={{ '--hue': nameHue(r.label) } as React.CSSProperties}>
                <Icon name="hash" size={15} />
              </span>,
              {
                cls: 'room',
                fallback: t('list.noMessages'),
                tags: r.private && (
                  <span className="lock" role="img" aria-label={t('rooms.private')} title={t('rooms.private')}>
                    <Icon name="lock" size={13} />
                  </span>
                ),
              },
            ),
          )}
        </ul>
      </section>
      <section className="people-list" aria-labelledby="people-title">
        <h2 className="online-title" id="people-title">
          {t('list.people')} <span className="count">{list.people.length}</span>
        </h2>
        {list.people.length === 0 && <p className="rooms-none">{t('list.noPeople')}</p>}
        <ul>{list.people.map((p) => entry(p, personAvatar(p), { tags: personTags(p), fallback: t('list.noMessages') }))}</ul>
      </section>
      <section className="online-section" aria-labelledby="online-title">
        <h2 className="online-title" id="online-title">
          {t('online.title')} <span className="count" data-testid="online-count" aria-label={t('list.onlineCount', { count: onlineCount })}>{onlineCount}</span>
        </h2>
        <ul>{list.online.map((p) => entry(p, personAvatar(p), { tags: personTags(p), fallback: t('list.startChat') }))}</ul>
      </section>
    </nav>
  );
}

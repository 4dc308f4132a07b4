import { useTranslation } from 'react-i18next';
import type { RoomInfo } from '../../../src/protocol/messages.js';
import { Icon } from '../app/icons.js';

interface Props {
  rooms: readonly RoomInfo[];
  current: string;
  unread: Readonly<Record<string, number>>;
  onOpen: (room: string) => void;
  onCreate: () => void;
  onBrowse: () => void;
}

/** The rooms the user is in, with unread badges and a lock on private ones; create and browse. */
export function RoomList({ rooms, current, unread, onOpen, onCreate, onBrowse }: Props) {
  const { t } = useTranslation();
  return (
    <section className="room-list" aria-labelledby="rooms-title">
      <h2 className="online-title" id="rooms-title">
        {t('rooms.title')} <span className="count">{rooms.length}</span>
        <span className="title-actions">
          <button type="button" className="mini-button" aria-label={t('rooms.browse')} title={t('rooms.browse')} onClick={onBrowse} data-testid="browse-rooms">
            <Icon name="search" size={15} />
          </button>
          <button type="button" className="mini-button" aria-label={t('rooms.create')} title={t('rooms.create')} onClick={onCreate} data-testid="create-room">
            <Icon name="plus" size={15} />
          </button>
        </span>
      </h2>
      {rooms.length === 0 && <p className="rooms-none">{t('rooms.none')}</p>}
      <ul>
        {rooms.map((r) => {
          const n = unread[r.room] ?? 0;
          const active = current.toLowerCase() === r.room.toLowerCase();
          return (
            <li key={r.room}>
              <button type="button" className={`person room ${active ? 'active' : ''}`} aria-current={active ? 'page' : undefined} onClick={() => onOpen(r.room)} data-conv={r.room}>
                <span className="avatar group" aria-hidden="true">#</span>
                <span className="person-name">
                  {r.room.slice(1)}
                  {r.private && (
                    <span className="lock" role="img" aria-label={t('rooms.private')} title={t('rooms.private')}>
                      <Icon name="lock" size={13} />
                    </span>
                  )}
                </span>
                {n > 0 && (
                  <span className="badge" aria-label={t('online.unread', { count: n })}>
                    {n > 99 ? '99+' : n}
                  </span>
                )}
              </button>
            </li>
          );
        })}
      </ul>
    </section>
  );
}

import { useEffect, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { RoomInfo } from '../../../src/protocol/messages.js';
import type { ChatStore } from '../app/chat-store.js';
import { Icon } from '../app/icons.js';
import { Modal } from './Modal.js';
import { runRoomAction } from './room-actions.js';
import { errorText } from '../app/error-text.js';

/** Rooms fetched at once; "More rooms…" fetches the next page. */
const PAGE = 100;

/** The public rooms (and the user's own), as the server lists them, with Join or Open. */
export function BrowseRooms({ store, onClose, onOpen }: { store: ChatStore; onClose: () => void; onOpen: (room: string) => void }) {
  const { t } = useTranslation();
  const [rooms, setRooms] = useState<RoomInfo[] | undefined>();
  const [next, setNext] = useState<string | undefined>();
  const [fetching, setFetching] = useState(false);
  const [error, setError] = useState<string | undefined>();
  const live = useRef(true);
  /** Fetches the page after `after` (the first without it) and adds it to the list. */
  const fetchPage = (after: string | undefined) => {
    setFetching(true);
    store.session.request('rooms', after === undefined ? { limit: PAGE } : { limit: PAGE, after }).then(
      (r) => {
        if (!live.current) return;
        setRooms((shown) => (after === undefined ? r.rooms : [...(shown ?? []), ...r.rooms]));
        setNext(r.next);
        setFetching(false);
      },
      (err: unknown) => {
        if (!live.current) return;
        setError(errorText(t, err));
        setFetching(false);
      },
    );
  };
  useEffect(() => {
    live.current = true;
    fetchPage(undefined);
    return () => {
      live.current = false;
    };
  }, [store]);
  return (
    <Modal title={t('rooms.browse')} onClose={onClose} className="browse-rooms">
      {error && <p className="field-error" role="alert">{error}</p>}
      {!rooms && !error && <p className="rooms-none">{t('rooms.loading')}</p>}
      {rooms?.length === 0 && <p className="rooms-none">{t('rooms.empty')}</p>}
      <ul className="browse-list" data-testid="browse-list">
        {rooms?.map((r) => (
          <li key={r.room} className="browse-room" data-room={r.room}>
            <div className="browse-info">
              <span className="browse-name">
                {r.room}
                {r.private && (
                  <span className="lock" role="img" aria-label={t('rooms.private')} title={t('rooms.private')}>
                    <Icon name="lock" size={13} />
                  </span>
                )}
              </span>
              <span className="browse-topic">{r.topic || t('rooms.topicNone')}</span>
              <span className="browse-meta">
                {t('rooms.members', { count: r.members })} · {t('rooms.owner')}: {r.owner}
              </span>
            </div>
            {r.joined ? (
              <button type="button" className="small-button" onClick={() => onOpen(r.room)}>
                {t('rooms.open')}
              </button>
            ) : (
              <button
                type="button"
                className="primary small"
                onClick={() =>
                  void runRoomAction(store, t, () => store.session.join(r.room), t('rooms.joined', { room: r.room })).then((ok) => ok && onOpen(r.room))
                }
              >
                {t('rooms.join')}
              </button>
            )}
          </li>
        ))}
      </ul>
      {next !== undefined && (
        <button type="button" className="small-button browse-more" disabled={fetching} onClick={() => fetchPage(next)}>
          {t('rooms.more')}
        </button>
      )}
    </Modal>
  );
}

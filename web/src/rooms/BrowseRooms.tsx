import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { RoomInfo } from '../../../src/protocol/messages.js';
import type { ChatStore } from '../app/chat-store.js';
import { Icon } from '../app/icons.js';
import { Modal } from './Modal.js';
import { runRoomAction } from './room-actions.js';

/** The public rooms (and the user's own), as the server lists them, with Join or Open. */
export function BrowseRooms({ store, onClose, onOpen }: { store: ChatStore; onClose: () => void; onOpen: (room: string) => void }) {
  const { t } = useTranslation();
  const [rooms, setRooms] = useState<RoomInfo[] | undefined>();
  const [error, setError] = useState<string | undefined>();
  useEffect(() => {
    let live = true;
    store.session.request('rooms', {}).then(
      (r) => live && setRooms(r.rooms),
      (err: unknown) => live && setError(err instanceof Error ? err.message : String(err)),
    );
    return () => {
      live = false;
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
    </Modal>
  );
}

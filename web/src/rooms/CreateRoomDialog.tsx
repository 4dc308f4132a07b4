import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { ChatStore } from '../app/chat-store.js';
import { Modal } from './Modal.js';
import { errorText } from '../app/error-text.js';

/** Name, topic and public/private of a new room; the server's refusal shows under the form. */
export function CreateRoomDialog({ store, onClose, onCreated }: { store: ChatStore; onClose: () => void; onCreated: (room: string) => void }) {
  const { t } = useTranslation();
  const [name, setName] = useState('');
  const [topic, setTopic] = useState('');
  const [priv, setPriv] = useState(false);
  const [error, setError] = useState<string | undefined>();
  const [busy, setBusy] = useState(false);
  return (
    <Modal title={t('rooms.create')} onClose={onClose}>
      <form
        className="modal-form"
        onSubmit={(e) => {
          e.preventDefault();
          const room = name.trim().replace(/^#/, '');
          if (!room) return;
          setBusy(true);
          store.session.createRoom(`#${room}`, { ...(topic.trim() ? { topic: topic.trim() } : {}), private: priv }).then(
            (info) => {
              store.toast(t('rooms.created', { room: info.room }));
              onCreated(info.room);
            },
            (err: unknown) => {
              setBusy(false);
              setError(errorText(t, err));
            },
          );
        }}
      >
        <label className="field">
          <span>{t('rooms.name')}</span>
          <input value={name} onChange={(e) => setName(e.target.value)} required autoFocus maxLength={64} aria-invalid={error ? true : undefined} aria-describedby={error ? 'create-room-error' : undefined} />
        </label>
        <label className="field">
          <span>{t('rooms.topic')}</span>
          <input value={topic} onChange={(e) => setTopic(e.target.value)} maxLength={2000} />
        </label>
        <label className="check">
          <input type="checkbox" checked={priv} onChange={(e) => setPriv(e.target.checked)} />
          <span>{t('rooms.makePrivate')}</span>
        </label>
        {error && (
          <p className="field-error" id="create-room-error" role="alert">
            {error}
          </p>
        )}
        <div className="confirm-actions">
          <button type="button" className="small-button" onClick={onClose}>
            {t('common.cancel')}
          </button>
          <button type="submit" className="primary" disabled={busy}>
            {t('rooms.createAction')}
          </button>
        </div>
      </form>
    </Modal>
  );
}

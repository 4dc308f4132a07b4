import { useId, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { ChatStore } from '../app/chat-store.js';
import { errorText } from '../app/error-text.js';
import { Modal } from '../rooms/Modal.js';

/** Names compared as the server compares them (protocol §8.1): NFKC, lower case. */
const fold = (s: string) => s.normalize('NFKC').toLowerCase();

/**
 * "New message": opens a private chat with anyone registered, online or not. Typing part of a
 * name suggests the people this client knows (online, or a chat with history); a full name opens
 * that chat once the server confirms the user exists. (A server-side `users` lookup would suggest
 * every registered user: see the note in the lead's report.)
 */
export function NewMessageDialog({ store, known, onClose, onOpen }: { store: ChatStore; known: readonly string[]; onClose: () => void; onOpen: (conv: string) => void }) {
  const { t } = useTranslation();
  const [name, setName] = useState('');
  const [error, setError] = useState<string | undefined>();
  const [busy, setBusy] = useState(false);
  const listId = useId();
  const typed = fold(name.trim().replace(/^@/, ''));
  const matches = typed ? known.filter((n) => fold(n).startsWith(typed)).slice(0, 8) : known.slice(0, 8);

  const open = (who: string) => {
    setBusy(true);
    setError(undefined);
    // The smallest request that names the user: the server says NO_SUCH_USER if there is none.
    store.session.request('history', { conv: `@${who}`, limit: 1 }).then(
      () => onOpen(`@${who}`),
      (err: unknown) => {
        setBusy(false);
        setError(errorText(t, err));
      },
    );
  };
  return (
    <Modal title={t('people.newMessage')} onClose={onClose}>
      <form
        className="modal-form"
        onSubmit={(e) => {
          e.preventDefault();
          const who = name.trim().replace(/^@/, '');
          if (!who) return;
          const exact = known.find((n) => fold(n) === fold(who));
          open(exact ?? who);
        }}
      >
        <label className="field">
          <span>{t('people.to')}</span>
          <input
            value={name}
            onChange={(e) => {
              setName(e.target.value);
              setError(undefined);
            }}
            required
            autoFocus
            maxLength={64}
            autoComplete="off"
            placeholder={t('people.placeholder')}
            aria-invalid={error ? true : undefined}
            aria-describedby={error ? 'new-message-error' : undefined}
            aria-controls={listId}
          />
        </label>
        {matches.length > 0 && (
          <ul className="people-suggestions" id={listId} aria-label={t('people.suggestions')}>
            {matches.map((n) => (
              <li key={n}>
                <button type="button" className="small-button" onClick={() => open(n)} disabled={busy}>
                  @{n}
                </button>
              </li>
            ))}
          </ul>
        )}
        {error && (
          <p className="field-error" id="new-message-error" role="alert">
            {error}
          </p>
        )}
        <div className="confirm-actions">
          <button type="button" className="small-button" onClick={onClose}>
            {t('common.cancel')}
          </button>
          <button type="submit" className="primary" disabled={busy}>
            {t('people.open')}
          </button>
        </div>
      </form>
    </Modal>
  );
}

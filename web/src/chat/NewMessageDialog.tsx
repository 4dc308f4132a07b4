import { useId, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { UserListing } from '../../../src/protocol/messages.js';
import type { ChatStore } from '../app/chat-store.js';
import { errorText } from '../app/error-text.js';
import { Modal } from '../rooms/Modal.js';
import { initial, nameHue } from './format.js';
import { LOOKUP_LIMIT, usePeopleLookup } from './use-people-lookup.js';

/** Names compared as the server compares them (protocol §8.1): NFKC, lower case. */
const fold = (s: string) => s.normalize('NFKC').toLowerCase();

/** A person the dialog can suggest; `online` unknown while the connection is down. */
export interface Person {
  user: string;
  online?: boolean;
  role?: string;
}

/**
 * "New message": opens a private chat with anyone registered, online or not. Typing part of a
 * name asks the server who matches (`users`, a moment after typing stops) and lists them with
 * their presence: ↑/↓ choose, Enter or a click opens the chat, Esc closes. Before anything is
 * typed it suggests the people of the conversation list (`known`). A typed full name opens that
 * chat once the server confirms the user exists.
 */
export function NewMessageDialog({ store, known, onClose, onOpen }: { store: ChatStore; known: readonly Person[]; onClose: () => void; onOpen: (conv: string) => void }) {
  const { t } = useTranslation();
  const [name, setName] = useState('');
  const [active, setActive] = useState(-1);
  const [error, setError] = useState<string | undefined>();
  const [busy, setBusy] = useState(false);
  const listId = useId();
  const raw = name.trim().replace(/^@/, '');
  const typed = fold(raw);
  const lookup = usePeopleLookup(store, raw);
  // Until the answer for what is typed now arrives, the last answer narrowed to it (never wider).
  // (Before the first answer, or offline, the people of the conversation list that match.)
  const covered = lookup !== undefined && typed.startsWith(fold(lookup.prefix));
  const suggestions: readonly Person[] = (covered ? lookup.users : known).filter((u) => fold(u.user).startsWith(typed)).slice(0, LOOKUP_LIMIT);
  const current = active >= 0 && active < suggestions.length ? active : -1;
  const optionId = (i: number) => `${listId}-${i}`;

  const open = (who: string) => {
    setBusy(true);
    setError(undefined);
    onOpen(`@${who}`);
  };
  const fail = (err: unknown) => {
    setBusy(false);
    setError(errorText(t, err));
  };
  /** A typed full name: the server's listing has it (the shortest key comes first), or there is no such user. */
  const openTyped = (who: string) => {
    const exact = (u: UserListing) => fold(u.user) === fold(who);
    const listed = lookup && fold(lookup.prefix) === fold(who) ? lookup.users.find(exact) : undefined;
    if (listed) return open(listed.user);
    setBusy(true);
    setError(undefined);
    store.session.request('users', { prefix: who, limit: 1 }).then((r) => {
      const found = r.users.find(exact);
      if (found) open(found.user);
      else {
        setBusy(false);
        setError(t('errors.NO_SUCH_USER'));
      }
    }, fail);
  };

  return (
    <Modal title={t('people.newMessage')} onClose={onClose} className="new-message-dialog">
      <form
        className="modal-form"
        onSubmit={(e) => {
          e.preventDefault();
          const pick = suggestions[current];
          if (pick) return open(pick.user);
          if (raw) openTyped(raw);
        }}
      >
        <label className="field">
          <span>{t('people.to')}</span>
          <input
            value={name}
            onChange={(e) => {
              setName(e.target.value);
              setActive(-1);
              setError(undefined);
            }}
            onKeyDown={(e) => {
              if (suggestions.length === 0) return;
              if (e.key === 'ArrowDown') setActive(current + 1 >= suggestions.length ? 0 : current + 1);
              else if (e.key === 'ArrowUp') setActive(current <= 0 ? suggestions.length - 1 : current - 1);
              else return;
              e.preventDefault();
            }}
            required
            autoFocus
            maxLength={64}
            autoComplete="off"
            role="combobox"
            aria-autocomplete="list"
            aria-expanded={suggestions.length > 0}
            aria-controls={listId}
            aria-activedescendant={current >= 0 ? optionId(current) : undefined}
            placeholder={t('people.placeholder')}
            aria-invalid={error ? true : undefined}
            aria-describedby={error ? 'new-message-error' : undefined}
          />
        </label>
        {suggestions.length > 0 && (
        <ul className="people-suggestions" id={listId} role="listbox" aria-label={t('people.suggestions')} data-testid="people-suggestions">
          {suggestions.map((p, i) => (
            // Focus stays in the input (the combobox pattern): the options are chosen with the
            // arrow keys there, or clicked.
            <li
              key={p.user}
              id={optionId(i)}
              role="option"
              aria-selected={i === current}
              className={`suggestion ${i === current ? 'active' : ''} ${p.online === false ? 'offline' : ''}`}
              data-user={p.user}
              onMouseDown={(e) => e.preventDefault()}
              onClick={() => !busy && open(p.user)}
              onMouseEnter={() => setActive(i)}
            >
              <span className="avatar" aria-hidden="true" style={{ '--hue': nameHue(p.user) } as React.CSSProperties}>
                {initial(p.user)}
                <span className={`presence-dot ${p.online === undefined ? 'unknown' : p.online ? 'on' : 'off'}`} />
              </span>
              <span className="suggestion-name">@{p.user}</span>
              {p.role === 'admin' && <span className="tag admin">{t('online.admin')}</span>}
              {p.online !== undefined && <span className="suggestion-presence">{p.online ? t('rooms.online') : t('rooms.offline')}</span>}
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

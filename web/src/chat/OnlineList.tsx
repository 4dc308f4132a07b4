import { useTranslation } from 'react-i18next';
import { LOBBY } from '../../../src/protocol/limits.js';
import type { OnlineUser } from '../../../src/protocol/messages.js';
import { initial, nameHue } from './format.js';

interface Props {
  me: string;
  online: readonly OnlineUser[];
  current: string;
  unread: Readonly<Record<string, number>>;
  onOpen: (conv: string) => void;
  /** The rooms section, between [group] and the people online. */
  rooms?: React.ReactNode;
}

/**
 * Who is online, with `[group]` (the lobby) first; a click opens the conversation. Private
 * conversations with unread messages from users who went offline stay listed until read.
 */
export function OnlineList({ me, online, current, unread, onOpen, rooms }: Props) {
  const { t } = useTranslation();
  const key = (name: string) => name.toLowerCase();
  const onlineKeys = new Set(online.map((u) => key(u.user)));
  const offlineUnread = Object.keys(unread).filter((c) => c.startsWith('@') && !onlineKeys.has(key(c.slice(1))));
  const others = [...online].sort((a, b) => (a.user === me ? -1 : b.user === me ? 1 : a.user.localeCompare(b.user)));
  const entry = (conv: string, label: string, opts: { role?: string; offline?: boolean; self?: boolean; group?: boolean }) => {
    const n = unread[conv] ?? 0;
    const active = current.toLowerCase() === conv.toLowerCase();
    return (
      <li key={conv}>
        <button type="button" className={`person ${active ? 'active' : ''} ${opts.offline ? 'offline' : ''}`} aria-current={active ? 'page' : undefined} onClick={() => onOpen(conv)} data-conv={conv}>
          {opts.group ? (
            <span className="avatar group" aria-hidden="true">#</span>
          ) : (
            <span className="avatar" aria-hidden="true" style={{ '--hue': nameHue(label) } as React.CSSProperties}>
              {initial(label)}
              <span className={`presence-dot ${opts.offline ? 'off' : 'on'}`} />
            </span>
          )}
          <span className="person-name">
            {label}
            {opts.self && <span className="tag">{t('online.you')}</span>}
            {opts.role === 'admin' && <span className="tag admin">{t('online.admin')}</span>}
          </span>
          {n > 0 && (
            <span className="badge" aria-label={t('online.unread', { count: n })}>
              {n > 99 ? '99+' : n}
            </span>
          )}
        </button>
      </li>
    );
  };
  return (
    <nav className="online-list" aria-label={t('online.title')}>
      <ul className="group-entry">{entry(LOBBY, t('online.group'), { group: true })}</ul>
      {rooms}
      <h2 className="online-title">
        {t('online.title')} <span className="count" data-testid="online-count">{online.length}</span>
      </h2>
      <ul>
        {others.map((u) => entry(`@${u.user}`, u.user, { role: u.role, self: u.user === me }))}
        {offlineUnread.map((c) => entry(c, c.slice(1), { offline: true }))}
      </ul>
    </nav>
  );
}

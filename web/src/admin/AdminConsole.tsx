import { useCallback, useEffect, useState, useSyncExternalStore } from 'react';
import { useTranslation } from 'react-i18next';
import type { AuditEntry, SessionInfo } from '../../../src/protocol/messages.js';
import type { ChatStore } from '../app/chat-store.js';
import { Icon } from '../app/icons.js';
import { LanguageSwitch } from '../app/LanguageSwitch.js';
import { ConnectionBanner } from '../chat/ConnectionBanner.js';
import { Toasts } from '../chat/Toasts.js';
import { ConfirmDialog, type Confirmation } from './ConfirmDialog.js';
import { LiveFigures } from './LiveFigures.js';
import { ModerationPanel, type ModAction } from './ModerationPanel.js';
import { errorText } from '../app/error-text.js';

/**
 * /admin: who is online (with addresses and sessions) and moderation with a confirmation and a
 * toast, a notice box, the audit log and live figures. Administrators only (the server checks
 * every op again).
 */
export function AdminConsole({ store }: { store: ChatStore }) {
  const { t } = useTranslation();
  const s = useSyncExternalStore(store.subscribe, store.getSnapshot);
  const [sessions, setSessions] = useState<SessionInfo[]>([]);
  const [audit, setAudit] = useState<AuditEntry[]>([]);
  const [confirm, setConfirm] = useState<Confirmation | undefined>();
  const [notice, setNotice] = useState('');

  const refresh = useCallback(async () => {
    try {
      const [a, b] = await Promise.all([store.session.request('sessions', {}), store.session.request('audit', { limit: 50 })]);
      setSessions(a.sessions);
      setAudit(b.entries);
    } catch {
      // offline: the banner says so; the next refresh tries again
    }
  }, [store]);
  useEffect(() => {
    if (s.role !== 'admin') return;
    void refresh();
    const timer = setInterval(() => void refresh(), 5_000);
    const offs = [store.session.on('presence', () => void refresh()), store.session.on('state', (st) => st === 'online' && void refresh())];
    return () => {
      clearInterval(timer);
      for (const off of offs) off();
    };
  }, [store, refresh, s.role]);

  const run = useCallback(
    async (what: ModAction | 'notice', user: string, request: () => Promise<unknown>) => {
      try {
        await request();
        store.toast(t(`admin.done.${what}`, { user }));
      } catch (err) {
        store.toast(t('admin.failed', { reason: errorText(t, err) }), 'error');
      }
      void refresh();
    },
    [store, t, refresh],
  );

  if (s.role !== 'admin') {
    return (
      <div className="admin-forbidden" role="alert">
        <p>{t('admin.forbidden')}</p>
        <a href="/">{t('admin.back')}</a>
      </div>
    );
  }

  const byUser = new Map<string, SessionInfo[]>();
  for (const x of sessions) byUser.set(x.user, [...(byUser.get(x.user) ?? []), x]);

  return (
    <div className="admin-app">
      <header className="topbar">
        <div className="brand">
          <img src="/icons/icon.svg" alt="" width={28} height={28} />
          <span className="brand-name">Banter</span>
        </div>
        <h1 className="conv-title">
          <Icon name="shield" size={18} /> {t('admin.title')}
        </h1>
        <div className="topbar-actions">
          <LanguageSwitch compact />
          <a className="icon-button back-link" href="/">
            <Icon name="back" size={18} /> <span>{t('admin.back')}</span>
          </a>
        </div>
      </header>
      <ConnectionBanner state={s.connection} pending={0} />
      <main className="admin-grid">
        <LiveFigures store={store} />
        <section className="admin-card users-card" aria-labelledby="users-title">
          <h2 id="users-title">
            {t('admin.online')} <span className="count">{byUser.size}</span>
          </h2>
          {byUser.size === 0 ? (
            <p className="muted">{t('admin.noUsers')}</p>
          ) : (
            <table className="admin-table" data-testid="sessions-table">
              <thead>
                <tr>
                  <th scope="col">{t('admin.user')}</th>
                  <th scope="col">{t('admin.sessions')}</th>
                  <th scope="col">{t('admin.actions')}</th>
                </tr>
              </thead>
              <tbody>
                {[...byUser].map(([user, list]) => (
                  <tr key={user} data-user={user}>
                    <th scope="row">
                      <span className="user-cell">
                        {user}
                        {list[0]?.role === 'admin' && <span className="tag admin">{t('online.admin')}</span>}
                      </span>
                    </th>
                    <td>
                      <ul className="session-list">
                        {list.map((x, i) => (
                          <li key={i}>
                            <span className="transport">{x.transport === 'ws' ? 'WebSocket' : x.transport === 'irc' ? 'IRC' : 'TCP'}</span> <code>{x.address}</code> <span className="muted since">· {new Date(x.since).toLocaleString()}</span>
                          </li>
                        ))}
                      </ul>
                    </td>
                    <td>
                      {list[0]?.role !== 'admin' && <ModerationPanel user={user} onConfirm={setConfirm} run={run} store={store} />}
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          )}
          <ByName store={store} onConfirm={setConfirm} run={run} />
        </section>
        <section className="admin-card notice-card" aria-labelledby="notice-title">
          <h2 id="notice-title">{t('admin.notice')}</h2>
          <form
            onSubmit={(e) => {
              e.preventDefault();
              const text = notice.trim();
              if (!text) return;
              setConfirm({
                text: t('admin.confirmNotice'),
                action: t('admin.sendNotice'),
                body: <blockquote className="notice-preview">{text}</blockquote>,
                run: () =>
                  run('notice', '', async () => {
                    await store.session.request('notice', { text });
                    setNotice('');
                  }),
              });
            }}
          >
            <label htmlFor="notice-text" className="sr-only">
              {t('admin.notice')}
            </label>
            <textarea id="notice-text" rows={3} value={notice} onChange={(e) => setNotice(e.target.value)} placeholder={t('admin.noticePlaceholder')} maxLength={1000} />
            <button type="submit" className="primary" disabled={!notice.trim()}>
              {t('admin.sendNotice')}
            </button>
          </form>
        </section>
        <section className="admin-card audit-card" aria-labelledby="audit-title">
          <h2 id="audit-title">
            {t('admin.audit')}
            <button type="button" className="small-button" onClick={() => void refresh()}>
              {t('admin.refresh')}
            </button>
          </h2>
          {audit.length === 0 ? (
            <p className="muted">{t('admin.noEntries')}</p>
          ) : (
            <div className="table-scroll">
              <table className="admin-table audit" data-testid="audit-table">
                <thead>
                  <tr>
                    <th scope="col">{t('admin.when')}</th>
                    <th scope="col">{t('admin.actor')}</th>
                    <th scope="col">{t('admin.action')}</th>
                    <th scope="col">{t('admin.target')}</th>
                    <th scope="col">{t('admin.detail')}</th>
                  </tr>
                </thead>
                <tbody>
                  {audit.map((e) => (
                    <tr key={e.id}>
                      <td className="nowrap">{new Date(e.ts).toLocaleString()}</td>
                      <td>{e.actor}</td>
                      <td>
                        <span className={`action-tag ${e.action}`}>{e.action}</span>
                      </td>
                      <td>{e.target ?? '—'}</td>
                      <td className="detail">{e.detail ?? ''}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
          )}
        </section>
      </main>
      <ConfirmDialog confirm={confirm} onClose={() => setConfirm(undefined)} />
      <Toasts toasts={s.toasts} />
    </div>
  );
}

/** Moderation of a user who may be offline (unban needs it: a banned user is never online). */
function ByName({ store, onConfirm, run }: { store: ChatStore; onConfirm: (c: Confirmation) => void; run: RunFn }) {
  const { t } = useTranslation();
  const [user, setUser] = useState('');
  return (
    <div className="by-name">
      <h3>{t('admin.byName')}</h3>
      <p className="muted">{t('admin.byNameHint')}</p>
      <div className="by-name-row">
        <label htmlFor="by-name-user" className="sr-only">
          {t('admin.user')}
        </label>
        <input id="by-name-user" value={user} onChange={(e) => setUser(e.target.value)} placeholder={t('admin.user')} />
        {user.trim() && <ModerationPanel user={user.trim()} onConfirm={onConfirm} run={run} store={store} all />}
      </div>
    </div>
  );
}

export type RunFn = (what: ModAction | 'notice', user: string, request: () => Promise<unknown>) => Promise<void>;

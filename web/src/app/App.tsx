import { lazy, Suspense, useCallback, useEffect, useState } from 'react';
import i18next from 'i18next';
import { useTranslation } from 'react-i18next';
import { BanterError } from '../../../src/client/errors.js';
import type { ChatSession } from '../../../src/client/session.js';
import { ChatScreen } from '../chat/ChatScreen.js';
import { LoginPage, type Credentials } from '../login/LoginPage.js';
import { ChatStore } from './chat-store.js';
import { newSession, tokenStore } from './connection.js';
import { pathConv } from './routes.js';

const AdminConsole = lazy(() => import('../admin/AdminConsole.js').then((m) => ({ default: m.AdminConsole })));

type Phase = { kind: 'boot' } | { kind: 'login'; notice?: string } | { kind: 'in'; store: ChatStore };

const isAdminPath = () => location.pathname.replace(/\/+$/, '') === '/admin';

/**
 * Logs in (or back in with the saved token after a reload), then shows the chat, or the admin
 * console at /admin. A session the server ends (kick, ban, revoked token) returns to the login.
 */
export function App() {
  const { t } = useTranslation();
  const [phase, setPhase] = useState<Phase>({ kind: 'boot' });
  const [admin, setAdmin] = useState(isAdminPath);

  const enter = useCallback(
    (session: ChatSession) => {
      // i18next.t, not the hook's t: the store's texts follow later language switches.
      const store = new ChatStore(session, (k, o) => i18next.t(k, o));
      setPhase({ kind: 'in', store });
    },
    [],
  );

  useEffect(() => {
    const saved = tokenStore.load();
    if (!saved) return setPhase({ kind: 'login' });
    const session = newSession();
    session.resume(saved.token).then(
      () => enter(session),
      (err: unknown) => {
        session.close();
        if (err instanceof BanterError && (err.code === 'BAD_CREDENTIALS' || err.code === 'BANNED')) tokenStore.clear();
        setPhase({ kind: 'login', notice: err instanceof BanterError && err.code === 'BANNED' ? t('login.errors.BANNED', { detail: err.message }) : err instanceof BanterError ? t('login.expired') : t('login.errors.unreachable') });
      },
    );
  }, []); // once, at start

  // The server ended the session: back to the login, saying why.
  useEffect(() => {
    if (phase.kind !== 'in') return;
    const { store } = phase;
    return store.session.on('ended', ({ code, reason }) => {
      tokenStore.clear();
      store.dispose();
      const notice = code === 'kicked' ? t('moderation.kicked', { reason }) : code === 'banned' ? t('moderation.banned', { reason }) : t('login.expired');
      setPhase({ kind: 'login', notice });
    });
  }, [phase, t]);

  // /admin and / without reloading the page.
  useEffect(() => {
    const onPop = () => setAdmin(isAdminPath());
    window.addEventListener('popstate', onPop);
    return () => window.removeEventListener('popstate', onPop);
  }, []);
  useEffect(() => {
    const onClick = (e: MouseEvent) => {
      const a = (e.target as Element | null)?.closest?.('a[href="/admin"], a[href="/"]');
      if (!a || e.button !== 0 || e.metaKey || e.ctrlKey || e.shiftKey) return;
      e.preventDefault();
      history.pushState(null, '', a.getAttribute('href'));
      setAdmin(isAdminPath());
    };
    document.addEventListener('click', onClick);
    return () => document.removeEventListener('click', onClick);
  }, []);

  const login = async (c: Credentials) => {
    const session = newSession();
    try {
      if (c.register) await session.register(c.user, c.password);
      const reply = await session.login(c.user, c.password);
      tokenStore.save({ user: reply.user, token: reply.token }, c.remember);
      enter(session);
    } catch (err) {
      session.close();
      throw err;
    }
  };

  const logout = async () => {
    if (phase.kind !== 'in') return;
    tokenStore.clear();
    phase.store.dispose();
    await phase.store.session.logout().catch(() => undefined);
    history.replaceState(null, '', '/');
    setPhase({ kind: 'login' });
  };

  if (phase.kind === 'boot') return <div className="boot" role="status">{t('app.loading')}</div>;
  if (phase.kind === 'login') return <LoginPage onSubmit={login} {...(phase.notice ? { notice: phase.notice } : {})} initialUser={tokenStore.load()?.user ?? ''} />;
  if (admin) {
    return (
      <Suspense fallback={<div className="boot">{t('app.loading')}</div>}>
        <AdminConsole store={phase.store} />
      </Suspense>
    );
  }
  // A link or a reload names the conversation (/c/...); back from the console, the one left open.
  return <ChatScreen store={phase.store} onLogout={() => void logout()} initialConv={pathConv(location.pathname) ?? phase.store.getSnapshot().current} />;
}

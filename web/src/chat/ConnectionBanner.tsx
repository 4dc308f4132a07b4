import { useTranslation } from 'react-i18next';
import type { ConnectionState } from '../../../src/client/session.js';

/** Shown while the connection is down; what is sent meanwhile waits and goes out after the reconnect. */
export function ConnectionBanner({ state, pending }: { state: ConnectionState; pending: number }) {
  const { t } = useTranslation();
  if (state === 'online' || state === 'closed') return null;
  return (
    <div className="connection-banner" role="status" data-testid="connection-banner">
      <span className="spinner" aria-hidden="true" />
      {state === 'reconnecting' ? t('connection.reconnecting') : t('connection.connecting')}
      {pending > 0 && <span className="banner-pending">{t('connection.pending', { count: pending })}</span>}
    </div>
  );
}

import { useRef } from 'react';
import { useTranslation } from 'react-i18next';
import type { ChatStore } from '../app/chat-store.js';
import type { Confirmation } from './ConfirmDialog.js';
import { DEFAULT_MUTE_MINUTES, DurationField } from './DurationField.js';
import type { RunFn } from './AdminConsole.js';

export type ModAction = 'mute' | 'unmute' | 'kick' | 'ban' | 'unban';

/** The moderation buttons for one user; each asks for a confirmation first. */
export function ModerationPanel({ user, onConfirm, run, store, all = false }: { user: string; onConfirm: (c: Confirmation) => void; run: RunFn; store: ChatStore; all?: boolean }) {
  const { t } = useTranslation();
  const minutes = useRef<number | undefined>(DEFAULT_MUTE_MINUTES);
  const reason = useRef('');
  const reasonField = (
    <label className="dialog-field">
      {t('admin.reason')}
      <input name="reason" maxLength={200} onChange={(e) => (reason.current = e.target.value)} />
    </label>
  );
  const withReason = () => (reason.current.trim() ? { reason: reason.current.trim() } : {});

  const mute = () => {
    minutes.current = DEFAULT_MUTE_MINUTES;
    reason.current = '';
    onConfirm({
      text: t('admin.confirmMute', { user }),
      action: t('admin.mute'),
      danger: true,
      body: (
        <>
          <DurationField onChange={(m) => (minutes.current = m)} />
          {reasonField}
        </>
      ),
      run: () => run('mute', user, () => store.session.request('mute', { user, ...(minutes.current !== undefined ? { minutes: minutes.current } : {}), ...withReason() })),
    });
  };
  const simple = (action: ModAction, text: string, danger: boolean, withReasonField: boolean) => () => {
    reason.current = '';
    onConfirm({
      text,
      action: t(`admin.${action}`),
      danger,
      ...(withReasonField ? { body: reasonField } : {}),
      run: () => run(action, user, () => (action === 'kick' || action === 'ban' ? store.session.request(action, { user, ...withReason() }) : store.session.request(action, { user }))),
    });
  };
  return (
    <div className="mod-buttons" role="group" aria-label={`${t('admin.actions')}: ${user}`}>
      <button type="button" className="small-button" onClick={mute}>
        {t('admin.mute')}
      </button>
      <button type="button" className="small-button" onClick={simple('unmute', t('admin.confirmUnmute', { user }), false, false)}>
        {t('admin.unmute')}
      </button>
      <button type="button" className="small-button danger" onClick={simple('kick', t('admin.confirmKick', { user }), true, true)}>
        {t('admin.kick')}
      </button>
      <button type="button" className="small-button danger" onClick={simple('ban', t('admin.confirmBan', { user }), true, true)}>
        {t('admin.ban')}
      </button>
      {all && (
        <button type="button" className="small-button" onClick={simple('unban', t('admin.confirmUnban', { user }), false, false)}>
          {t('admin.unban')}
        </button>
      )}
    </div>
  );
}

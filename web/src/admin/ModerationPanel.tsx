import { useRef } from 'react';
import { useTranslation } from 'react-i18next';
import type { ChatStore } from '../app/chat-store.js';
import type { Confirmation } from './ConfirmDialog.js';
import type { RunFn } from './AdminConsole.js';

export type ModAction = 'mute' | 'unmute' | 'kick' | 'ban' | 'unban';

/** Mute durations offered, in minutes (undefined: until unmuted). */
const DURATIONS: (number | undefined)[] = [5, 10, 60, 24 * 60, undefined];

/** The moderation buttons for one user; each asks for a confirmation first. */
export function ModerationPanel({ user, onConfirm, run, store, all = false }: { user: string; onConfirm: (c: Confirmation) => void; run: RunFn; store: ChatStore; all?: boolean }) {
  const { t } = useTranslation();
  const minutes = useRef<number | undefined>(10);
  const reason = useRef('');
  const label = (m: number | undefined) => (m === undefined ? t('admin.forever') : m < 60 ? t('admin.minutes', { count: m }) : m < 24 * 60 ? t('admin.hours', { count: m / 60 }) : t('admin.day'));
  const reasonField = (
    <label className="dialog-field">
      {t('admin.reason')}
      <input name="reason" maxLength={200} onChange={(e) => (reason.current = e.target.value)} />
    </label>
  );
  const withReason = () => (reason.current.trim() ? { reason: reason.current.trim() } : {});

  const mute = () => {
    minutes.current = 10;
    reason.current = '';
    onConfirm({
      text: t('admin.confirmMute', { user }),
      action: t('admin.mute'),
      danger: true,
      body: (
        <>
          <label className="dialog-field">
            {t('admin.duration')}
            <select name="duration" defaultValue="10" onChange={(e) => (minutes.current = e.target.value === 'forever' ? undefined : Number(e.target.value))}>
              {DURATIONS.map((m) => (
                <option key={m ?? 'forever'} value={m ?? 'forever'}>
                  {label(m)}
                </option>
              ))}
            </select>
          </label>
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

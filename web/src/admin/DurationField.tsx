import { useTranslation } from 'react-i18next';

/** Mute durations offered, in minutes (undefined: until unmuted). */
export const MUTE_DURATIONS: (number | undefined)[] = [5, 10, 60, 24 * 60, undefined];
export const DEFAULT_MUTE_MINUTES = 10;

/** A mute's duration, for a confirmation dialog: the server-wide mute and the mute within a room. */
export function DurationField({ onChange }: { onChange: (minutes: number | undefined) => void }) {
  const { t } = useTranslation();
  const label = (m: number | undefined) => (m === undefined ? t('admin.forever') : m < 60 ? t('admin.minutes', { count: m }) : m < 24 * 60 ? t('admin.hours', { count: m / 60 }) : t('admin.day'));
  return (
    <label className="dialog-field">
      {t('admin.duration')}
      <select name="duration" defaultValue={String(DEFAULT_MUTE_MINUTES)} onChange={(e) => onChange(e.target.value === 'forever' ? undefined : Number(e.target.value))}>
        {MUTE_DURATIONS.map((m) => (
          <option key={m ?? 'forever'} value={m ?? 'forever'}>
            {label(m)}
          </option>
        ))}
      </select>
    </label>
  );
}

import { useTranslation } from 'react-i18next';
import { formatSize } from '../chat/format.js';
import type { Upload } from './uploads.js';

/** Files on their way, each with a progress bar and a Cancel button. */
export function UploadList({ uploads, onCancel }: { uploads: readonly Upload[]; onCancel: (id: number) => void }) {
  const { t } = useTranslation();
  if (uploads.length === 0) return null;
  return (
    <ul className="uploads" aria-label={t('file.uploads')}>
      {uploads.map((u) => {
        const pct = u.size > 0 ? Math.round((u.done / u.size) * 100) : 100;
        return (
          <li key={u.id} className="upload" data-testid="upload">
            <span className="upload-name">{u.name}</span>
            <progress max={100} value={pct} aria-label={t('file.progress', { name: u.name })} />
            <span className="upload-figure">{u.state === 'sending' ? t('file.sendingShort') : `${formatSize(u.done)} / ${formatSize(u.size)}`}</span>
            {u.state === 'uploading' && (
              <button type="button" className="link-button" onClick={() => onCancel(u.id)}>
                {t('common.cancel')}
              </button>
            )}
          </li>
        );
      })}
    </ul>
  );
}

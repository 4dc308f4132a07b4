import { lazy, Suspense, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { FileRef } from '../../../src/protocol/messages.js';
import { isVoiceNote } from '../app/fun-api.js';
import { formatSize } from '../chat/format.js';
import { fileUrl } from './uploads.js';

// Voice notes get the fun features' player (waveform, web/src/fun), loaded when the first one shows.
const VoicePlayer = lazy(() => import('../fun/index.js').then((m) => ({ default: m.VoicePlayer })));

const THUMBNAILED = new Set(['image/png', 'image/jpeg', 'image/gif', 'image/webp']);

/** A file message: pictures and video inline, sound with a player, anything else as a download card. */
export function FileMessage({ file, token, onOpenImage }: { file: FileRef; token: string; onOpenImage: (src: string, name: string) => void }) {
  const { t } = useTranslation();
  const full = fileUrl(file.id, token);
  const [thumbFailed, setThumbFailed] = useState(false);
  if (file.mime.startsWith('image/') && THUMBNAILED.has(file.mime)) {
    return (
      <button type="button" className="file-image" onClick={() => onOpenImage(full, file.name)} aria-label={t('file.openImage', { name: file.name })}>
        <img src={thumbFailed ? full : fileUrl(file.id, token, true)} alt={file.name} loading="lazy" onError={() => setThumbFailed(true)} />
      </button>
    );
  }
  if (isVoiceNote(file.name, file.mime)) {
    const audio = <audio controls preload="metadata" src={full} aria-label={t('file.audio', { name: file.name })} />;
    return (
      <div className="file-audio">
        {/^voice-/i.test(file.name) ? (
          <Suspense fallback={audio}>
            <VoicePlayer src={full} name={file.name} />
          </Suspense>
        ) : (
          audio
        )}
        <DownloadLink file={file} href={full} compact />
      </div>
    );
  }
  if (file.mime.startsWith('video/')) {
    return (
      <div className="file-video">
        <video controls preload="metadata" src={full} aria-label={t('file.video', { name: file.name })} />
        <DownloadLink file={file} href={full} compact />
      </div>
    );
  }
  return <DownloadLink file={file} href={full} />;
}

function DownloadLink({ file, href, compact }: { file: FileRef; href: string; compact?: boolean }) {
  const { t } = useTranslation();
  if (compact) {
    return (
      <a className="file-download-small" href={href} download={file.name}>
        {t('file.download')} · {formatSize(file.size)}
      </a>
    );
  }
  return (
    <a className="file-card" href={href} download={file.name} aria-label={t('file.downloadName', { name: file.name, size: formatSize(file.size) })}>
      <span className="file-card-icon" aria-hidden="true">{extensionOf(file.name)}</span>
      <span className="file-card-text">
        <span className="file-card-name">{file.name}</span>
        <span className="file-card-size">{formatSize(file.size)}</span>
      </span>
      <span className="file-card-action" aria-hidden="true">⤓</span>
    </a>
  );
}

function extensionOf(name: string): string {
  const ext = /\.([a-z0-9]{1,5})$/i.exec(name)?.[1];
  return ext ? ext.toUpperCase() : 'FILE';
}

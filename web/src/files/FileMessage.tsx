import { lazy, Suspense, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { FileRef } from '../../../src/protocol/messages.js';
import { isVoiceNote } from '../app/fun-api.js';
import { formatSize } from '../chat/format.js';
import { useFileLink, type FileLinks } from './file-links.js';

// Voice notes get the fun features' player (waveform, web/src/fun), loaded when the first one shows.
const VoicePlayer = lazy(() => import('../fun/index.js').then((m) => ({ default: m.VoicePlayer })));
// Other sound files can also go to the music player, which keeps playing while you chat.
const PlayInMusicPlayer = lazy(() => import('../fun/index.js').then((m) => ({ default: m.PlayInMusicPlayer })));

const THUMBNAILED = new Set(['image/png', 'image/jpeg', 'image/gif', 'image/webp']);

/**
 * A file message: pictures and video inline, sound with a player, anything else as a download
 * card. The addresses are signed links (file-links.ts), shown once the server has given them.
 */
export function FileMessage({ file, links, onOpenImage }: { file: FileRef; links: FileLinks; onOpenImage: (src: string, name: string) => void }) {
  const { t } = useTranslation();
  const link = useFileLink(links, file.id);
  const [thumbFailed, setThumbFailed] = useState(false);
  // A player restarts when its source changes: it keeps the link it started with, and takes
  // the newer one only if that one fails (it expired while paused for hours).
  const media = usePinned(link?.url, () => void links.ensure(file.id, true));
  const full = link?.url;
  if (file.mime.startsWith('image/') && THUMBNAILED.has(file.mime)) {
    return (
      <button type="button" className="file-image" disabled={!full} onClick={() => full && onOpenImage(full, file.name)} aria-label={t('file.openImage', { name: file.name })}>
        {link ? <img src={thumbFailed ? link.url : link.thumbUrl} alt={file.name} loading="lazy" onError={() => setThumbFailed(true)} /> : <span className="file-image-pending" aria-hidden="true" />}
      </button>
    );
  }
  if (isVoiceNote(file.name, file.mime)) {
    const audio = media.src ? <audio controls preload="metadata" src={media.src} onError={media.failed} aria-label={t('file.audio', { name: file.name })} /> : null;
    return (
      <div className="file-audio">
        {/^voice-/i.test(file.name) ? (
          media.src && (
            <Suspense fallback={audio}>
              <VoicePlayer src={media.src} name={file.name} />
            </Suspense>
          )
        ) : (
          <>
            {audio}
            {full && (
              <Suspense fallback={null}>
                <PlayInMusicPlayer src={full} title={file.name} />
              </Suspense>
            )}
          </>
        )}
        <DownloadLink file={file} href={full} compact />
      </div>
    );
  }
  if (file.mime.startsWith('video/')) {
    return (
      <div className="file-video">
        {media.src && <video controls preload="metadata" src={media.src} onError={media.failed} aria-label={t('file.video', { name: file.name })} />}
        <DownloadLink file={file} href={full} compact />
      </div>
    );
  }
  return <DownloadLink file={file} href={full} />;
}

/** The first link a player got, kept until it fails; then the next other one (never a loop on one that fails). */
function usePinned(url: string | undefined, refresh: () => void): { src: string | undefined; failed: () => void } {
  const [pinned, setPinned] = useState(url);
  const [broken, setBroken] = useState<string>();
  if (url !== undefined && url !== pinned && (pinned === undefined || pinned === broken)) setPinned(url);
  return {
    src: pinned,
    failed: () => {
      setBroken(pinned);
      refresh();
    },
  };
}

/** A download link; until the signed link is known, the same card without one. */
function DownloadLink({ file, href, compact }: { file: FileRef; href: string | undefined; compact?: boolean }) {
  const { t } = useTranslation();
  if (compact) {
    const label = `${t('file.download')} · ${formatSize(file.size)}`;
    return href ? (
      <a className="file-download-small" href={href} download={file.name}>
        {label}
      </a>
    ) : (
      <span className="file-download-small pending">{label}</span>
    );
  }
  const body = (
    <>
      <span className="file-card-icon" aria-hidden="true">{extensionOf(file.name)}</span>
      <span className="file-card-text">
        <span className="file-card-name">{file.name}</span>
        <span className="file-card-size">{formatSize(file.size)}</span>
      </span>
      <span className="file-card-action" aria-hidden="true">⤓</span>
    </>
  );
  const label = t('file.downloadName', { name: file.name, size: formatSize(file.size) });
  return href ? (
    <a className="file-card" href={href} download={file.name} aria-label={label}>
      {body}
    </a>
  ) : (
    <span className="file-card pending" aria-label={label} aria-busy="true">
      {body}
    </span>
  );
}

function extensionOf(name: string): string {
  const ext = /\.([a-z0-9]{1,5})$/i.exec(name)?.[1];
  return ext ? ext.toUpperCase() : 'FILE';
}

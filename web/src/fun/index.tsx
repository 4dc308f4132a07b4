import { lazy, Suspense, useEffect, useRef, useState, useSyncExternalStore } from 'react';
import type { FunApi } from '../app/fun-api';
import './fun.css';
import { useFunT } from './i18n';
import { music } from './music/engine';
import { MusicPlayer } from './music/MusicPlayer';
import { captureElement, captureScreen, screenCaptureSupported } from './snapshots/capture';
import { snapshots, SnapshotStore } from './snapshots/store';
import { mediaErrorText } from './ui/media-errors';
import { FunIcon } from './ui/icons';
import { Menu } from './ui/Menu';
import { VoiceRecorder } from './voice/VoiceRecorder';

export { VoicePlayer } from './voice/VoicePlayer';
export { PlayInMusicPlayer } from './music/MusicPlayer';
export { music } from './music/engine';

const CameraDialog = lazy(() => import('./camera/CameraDialog').then((m) => ({ default: m.CameraDialog })));
const SnapshotsGallery = lazy(() => import('./snapshots/SnapshotsGallery').then((m) => ({ default: m.SnapshotsGallery })));
const GameDialog = lazy(() => import('./games/GameDialog').then((m) => ({ default: m.GameDialog })));

type Open = null | 'camera' | 'gallery' | 'snake' | 'camera-snake';

/**
 * The composer's fun tools: Camera (selfie), Mic (voice message), Screenshot (chat window or
 * full screen, and the Snapshots gallery), Music, Games. Each degrades to a clear message where
 * the browser lacks what it needs.
 */
export function FunBar(props: { api: FunApi }) {
  const t = useFunT();
  const [open, setOpen] = useState<Open>(null);
  const [musicOpen, setMusicOpen] = useState(false);
  const m = music();
  const playing = useSyncExternalStore(m.subscribe, () => m.getState().playing);
  const close = () => setOpen(null);
  const musicRoot = useRef<HTMLSpanElement>(null);

  // The music panel closes on Esc or a click elsewhere; the music goes on.
  useEffect(() => {
    if (!musicOpen) return;
    const onDown = (e: PointerEvent) => !musicRoot.current?.contains(e.target as Node) && setMusicOpen(false);
    const onKey = (e: KeyboardEvent) => e.key === 'Escape' && setMusicOpen(false);
    document.addEventListener('pointerdown', onDown);
    document.addEventListener('keydown', onKey);
    return () => {
      document.removeEventListener('pointerdown', onDown);
      document.removeEventListener('keydown', onKey);
    };
  }, [musicOpen]);

  const keep = async (take: () => Promise<{ blob: Blob; width: number; height: number }>, kind: 'window' | 'screen') => {
    try {
      const pic = await take();
      if (!SnapshotStore.available()) throw new Error(t('shot.unavailable'));
      await snapshots.add({ kind, ...pic });
      props.api.toast(t('shot.saved'));
    } catch (e) {
      props.api.toast(kind === 'screen' ? mediaErrorText(e, 'screen') : t('shot.failed', { error: e instanceof Error ? e.message : String(e) }), 'error');
    }
  };

  const windowShot = () => {
    const el = props.api.chatWindow();
    if (!el) return props.api.toast(t('shot.noWindow'), 'error');
    void keep(() => captureElement(el), 'window');
  };

  return (
    <span className="fun-bar" role="group" aria-label={t('tools')}>
      <button type="button" className="fun-tool" aria-label={t('camera')} title={t('camera')} onClick={() => setOpen('camera')}>
        <FunIcon name="camera" />
      </button>
      <VoiceRecorder api={props.api} />
      <Menu
        label={t('screenshot')}
        icon={<FunIcon name="crop" />}
        items={[
          { label: t('shot.window'), onSelect: windowShot },
          { label: t('shot.screen'), onSelect: () => void keep(captureScreen, 'screen'), disabled: !screenCaptureSupported(), title: screenCaptureSupported() ? undefined : t('err.unsupported_screen') },
          { label: t('shot.gallery'), onSelect: () => setOpen('gallery') },
        ]}
      />
      <span className="fun-menu" ref={musicRoot}>
        <button
          type="button"
          className={`fun-tool ${playing ? 'fun-playing' : ''}`}
          aria-label={t('music')}
          title={playing ? `${t('music')}: ${m.getState().title}` : t('music')}
          aria-expanded={musicOpen}
          onClick={() => setMusicOpen((o) => !o)}
        >
          <FunIcon name="music" />
        </button>
        {musicOpen && (
          <span className="fun-popover fun-music-popover">
            <MusicPlayer />
          </span>
        )}
      </span>
      <Menu
        label={t('games')}
        icon={<FunIcon name="gamepad" />}
        items={[
          { label: `🐍 ${t('game.snake')}`, onSelect: () => setOpen('snake') },
          { label: `🖐 ${t('game.cameraSnake')}`, onSelect: () => setOpen('camera-snake') },
        ]}
      />
      <Suspense fallback={null}>
        {open === 'camera' && <CameraDialog api={props.api} onClose={close} />}
        {open === 'gallery' && <SnapshotsGallery api={props.api} onClose={close} />}
        {(open === 'snake' || open === 'camera-snake') && <GameDialog api={props.api} game={open === 'snake' ? 'snake' : 'camera'} onClose={close} />}
      </Suspense>
    </span>
  );
}

export default FunBar;

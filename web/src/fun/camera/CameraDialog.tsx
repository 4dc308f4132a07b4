import { useCallback, useEffect, useRef, useState } from 'react';
import type { FunApi } from '../../app/fun-api';
import { useFunT } from '../i18n';
import { downloadBlob, getUserMedia, mediaErrorText, stopStream, timeName } from '../ui/media-errors';
import { Modal } from '../ui/Modal';

/** Draws the current video frame, mirrored like the preview, and returns it as a PNG. */
export function grabFrame(video: HTMLVideoElement, mirror: boolean): Promise<Blob> {
  const canvas = document.createElement('canvas');
  canvas.width = video.videoWidth;
  canvas.height = video.videoHeight;
  const g = canvas.getContext('2d');
  if (!g || canvas.width === 0) return Promise.reject(new Error('no picture yet'));
  if (mirror) {
    g.translate(canvas.width, 0);
    g.scale(-1, 1);
  }
  g.drawImage(video, 0, 0);
  return new Promise((resolve, reject) => canvas.toBlob((b) => (b ? resolve(b) : reject(new Error('could not encode the picture'))), 'image/png'));
}

interface Shot {
  blob: Blob;
  url: string;
  at: number;
}

/** Selfie: live preview, capture (Space, Q, click), then Send, Save or Retake. */
export function CameraDialog(props: { api: FunApi; onClose: () => void }) {
  const t = useFunT();
  const video = useRef<HTMLVideoElement>(null);
  const [stream, setStream] = useState<MediaStream | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [cameras, setCameras] = useState<MediaDeviceInfo[]>([]);
  const [deviceId, setDeviceId] = useState<string | undefined>(undefined);
  const [shot, setShot] = useState<Shot | null>(null);
  const [sending, setSending] = useState(false);

  // One stream per chosen camera; stopped when the camera changes or the dialog closes.
  useEffect(() => {
    let live: MediaStream | null = null;
    let cancelled = false;
    setError(null);
    getUserMedia({ video: deviceId ? { deviceId: { exact: deviceId } } : { width: { ideal: 1280 }, height: { ideal: 720 } }, audio: false })
      .then(async (s) => {
        if (cancelled) return stopStream(s);
        live = s;
        setStream(s);
        // Labels and the full list show only once permission is given.
        const all = await navigator.mediaDevices.enumerateDevices().catch(() => []);
        if (!cancelled) setCameras(all.filter((d) => d.kind === 'videoinput'));
      })
      .catch((e: unknown) => !cancelled && setError(mediaErrorText(e, 'camera')));
    return () => {
      cancelled = true;
      stopStream(live);
      setStream(null);
    };
  }, [deviceId]);

  useEffect(() => {
    if (video.current && stream) {
      video.current.srcObject = stream;
      void video.current.play().catch(() => undefined);
    }
  }, [stream, shot]);

  useEffect(
    () => () => {
      if (shot) URL.revokeObjectURL(shot.url);
    },
    [shot],
  );

  const capture = useCallback(async () => {
    if (!video.current || shot) return;
    try {
      const blob = await grabFrame(video.current, true);
      setShot({ blob, url: URL.createObjectURL(blob), at: Date.now() });
    } catch (e) {
      setError(mediaErrorText(e, 'camera'));
    }
  }, [shot]);

  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      if (e.repeat || shot || !stream) return;
      if (e.key === ' ' || e.key === 'q' || e.key === 'Q') {
        e.preventDefault();
        void capture();
      }
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, [capture, shot, stream]);

  const send = async () => {
    if (!shot) return;
    setSending(true);
    try {
      await props.api.sendFile(new File([shot.blob], timeName('selfie', 'png', shot.at), { type: 'image/png' }), { kind: 'image' });
      props.onClose();
    } catch {
      setSending(false); // the chat has shown why; the picture stays for another try
    }
  };

  return (
    <Modal title={t('cam.title')} onClose={props.onClose} className="fun-camera">
      {error ? (
        <p className="fun-error" role="alert">{error}</p>
      ) : shot ? (
        <img className="fun-camera-view" src={shot.url} alt={t('cam.title')} data-testid="selfie-picture" />
      ) : (
        <video
          ref={video}
          className="fun-camera-view fun-mirrored"
          muted
          playsInline
          autoPlay
          onClick={() => void capture()}
          data-testid="camera-preview"
          aria-label={t('cam.hint')}
        />
      )}
      {!error && !shot && !stream && <p className="fun-muted">{t('cam.starting')}</p>}
      <div className="fun-actions">
        {cameras.length > 1 && !shot && (
          <label className="fun-select">
            {t('cam.choose')}{' '}
            <select value={deviceId ?? stream?.getVideoTracks()[0]?.getSettings().deviceId ?? ''} onChange={(e) => setDeviceId(e.target.value)}>
              {cameras.map((c, i) => (
                <option key={c.deviceId} value={c.deviceId}>
                  {c.label || `${t('cam.choose')} ${i + 1}`}
                </option>
              ))}
            </select>
          </label>
        )}
        {shot ? (
          <>
            <button type="button" className="fun-primary" disabled={sending} onClick={() => void send()}>
              {sending ? t('cam.sending') : t('cam.send')}
            </button>
            <button type="button" onClick={() => downloadBlob(shot.blob, timeName('selfie', 'png', shot.at))}>{t('cam.save')}</button>
            <button type="button" disabled={sending} onClick={() => setShot(null)}>{t('cam.retake')}</button>
          </>
        ) : (
          !error && (
            <>
              <button type="button" className="fun-primary" disabled={!stream} onClick={() => void capture()}>📸 {t('cam.capture')}</button>
              <span className="fun-muted">{t('cam.hint')}</span>
            </>
          )
        )}
      </div>
    </Modal>
  );
}

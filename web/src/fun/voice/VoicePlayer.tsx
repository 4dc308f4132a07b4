import { useEffect, useRef, useState } from 'react';
import { useFunT } from '../i18n';
import { FunIcon } from '../ui/icons';
import { formatDuration } from './recorder-machine';
import { decodeWaveform } from './waveform';

const BARS = 48;

/**
 * An inline player for a voice message: play/pause, the duration, and a waveform decoded from
 * the audio itself (decodeAudioData), which also shows progress and seeks on a click.
 * `src` is the file's download URL (a signed link); for a recording still in memory give its
 * `blob` as well (the page's policy lets media play blob: URLs but not fetch them).
 */
export function VoicePlayer(props: { src: string; blob?: Blob; name?: string }) {
  const t = useFunT();
  const audio = useRef<HTMLAudioElement>(null);
  const canvas = useRef<HTMLCanvasElement>(null);
  const [wave, setWave] = useState<{ durationMs: number; peaks: number[] } | null>(null);
  const [failed, setFailed] = useState(false);
  const [playing, setPlaying] = useState(false);
  const [position, setPosition] = useState(0);

  useEffect(() => {
    let stale = false;
    const ctl = new AbortController();
    const bytes = props.blob
      ? props.blob.arrayBuffer()
      : fetch(props.src, { signal: ctl.signal }).then((r) => (r.ok ? r.arrayBuffer() : Promise.reject(new Error(`HTTP ${r.status}`))));
    bytes
      .then((b) => decodeWaveform(b, BARS))
      .then((w) => !stale && setWave(w))
      .catch(() => !stale && setFailed(true));
    return () => {
      stale = true;
      ctl.abort();
    };
  }, [props.src, props.blob]);

  const durationMs = wave?.durationMs ?? 0;
  const progress = durationMs > 0 ? Math.min(1, (position * 1000) / durationMs) : 0;

  useEffect(() => {
    const c = canvas.current;
    const g = c?.getContext('2d');
    if (!c || !g || !wave) return;
    const w = c.width;
    const h = c.height;
    g.clearRect(0, 0, w, h);
    const step = w / wave.peaks.length;
    const style = getComputedStyle(c);
    wave.peaks.forEach((p, i) => {
      const bar = Math.max(2, p * (h - 4));
      g.fillStyle = (i + 0.5) / wave.peaks.length <= progress ? style.getPropertyValue('--fun-wave-done') || '#4f46e5' : style.getPropertyValue('--fun-wave') || '#a5b4fc';
      g.fillRect(i * step + 1, (h - bar) / 2, Math.max(1, step - 2), bar);
    });
  }, [wave, progress]);

  const toggle = () => {
    const a = audio.current;
    if (!a) return;
    if (a.paused) void a.play().catch(() => setFailed(true));
    else a.pause();
  };

  const seek = (e: React.MouseEvent<HTMLCanvasElement>) => {
    const a = audio.current;
    if (!a || !durationMs) return;
    const r = e.currentTarget.getBoundingClientRect();
    a.currentTime = ((e.clientX - r.left) / r.width) * (durationMs / 1000);
  };

  if (failed && !wave) {
    return (
      <div className="fun-voice" data-testid="voice-player">
        <audio controls src={props.src} preload="metadata" aria-label={props.name} />
      </div>
    );
  }

  return (
    <div className="fun-voice" data-testid="voice-player" data-duration-ms={wave ? Math.round(durationMs) : undefined}>
      <button type="button" className="fun-voice-play" onClick={toggle} aria-label={playing ? t('voice.pause') : t('voice.play')}>
        <FunIcon name={playing ? 'pause' : 'play'} size={16} />
      </button>
      <canvas ref={canvas} className="fun-voice-wave" width={BARS * 4} height={32} onClick={seek} aria-hidden="true" />
      <span className="fun-voice-time">{wave ? formatDuration(playing || position > 0 ? position * 1000 : durationMs) : t('voice.loading')}</span>
      <audio
        ref={audio}
        src={props.src}
        preload="none"
        onPlay={() => setPlaying(true)}
        onPause={() => setPlaying(false)}
        onEnded={() => {
          setPlaying(false);
          setPosition(0);
        }}
        onTimeUpdate={(e) => setPosition(e.currentTarget.currentTime)}
        hidden
      />
    </div>
  );
}

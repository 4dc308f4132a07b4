import { useEffect, useRef, useSyncExternalStore } from 'react';
import { useFunT } from '../i18n';
import { FunIcon } from '../ui/icons';
import { music, MusicEngine } from './engine';

/** The player's panel. Closing it does not stop the music (the engine lives on its own). */
export function MusicPlayer() {
  const t = useFunT();
  const m = music();
  const s = useSyncExternalStore(m.subscribe, m.getState);
  const meter = useRef<HTMLCanvasElement>(null);

  // A small level display, drawn while playing.
  useEffect(() => {
    if (!s.playing) return;
    let raf = 0;
    const draw = () => {
      const c = meter.current;
      const a = m.analyser;
      const g = c?.getContext('2d');
      if (c && a && g) {
        const bins = new Uint8Array(a.frequencyBinCount);
        a.getByteFrequencyData(bins);
        g.clearRect(0, 0, c.width, c.height);
        const n = 24;
        const w = c.width / n;
        g.fillStyle = getComputedStyle(c).color;
        for (let i = 0; i < n; i++) {
          const v = (bins[Math.floor((i / n) ** 1.5 * bins.length * 0.6)] ?? 0) / 255;
          g.fillRect(i * w + 1, c.height * (1 - v), w - 2, c.height * v);
        }
        c.dataset.level = m.level().toFixed(3);
      }
      raf = requestAnimationFrame(draw);
    };
    raf = requestAnimationFrame(draw);
    return () => cancelAnimationFrame(raf);
  }, [s.playing, m]);

  if (!MusicEngine.supported()) return <p className="fun-error">{t('musicp.noAudio')}</p>;

  return (
    <div className="fun-music" data-testid="music-player" data-playing={s.playing}>
      <div className="fun-music-now">
        <canvas ref={meter} className="fun-music-meter" width={120} height={28} aria-hidden="true" />
        <span className="fun-music-title" aria-live="polite">
          {s.preparing ? t('musicp.rendering') : s.title}
        </span>
      </div>
      <div className="fun-actions">
        <button type="button" onClick={() => void m.prev()} aria-label={t('musicp.prev')} title={t('musicp.prev')}><FunIcon name="prev" size={18} /></button>
        <button type="button" className="fun-primary" onClick={() => void m.toggle()} aria-label={s.playing ? t('musicp.pause') : t('musicp.play')}>
          <FunIcon name={s.playing ? 'pause' : 'play'} size={18} />
        </button>
        <button type="button" onClick={() => void m.next()} aria-label={t('musicp.next')} title={t('musicp.next')}><FunIcon name="next" size={18} /></button>
        <label className="fun-volume">
          <FunIcon name="volume" size={18} />
          <input type="range" min={0} max={1} step={0.05} value={s.volume} aria-label={t('musicp.volume')} onChange={(e) => m.setVolume(Number(e.target.value))} />
        </label>
      </div>
      <ol className="fun-music-list">
        {m.tracks.map((tr, i) => (
          <li key={tr.id}>
            <button type="button" className={i === s.index ? 'fun-current' : ''} aria-current={i === s.index} onClick={() => void m.play(i)}>
              {tr.title}
            </button>
          </li>
        ))}
      </ol>
      {s.error && <p className="fun-error" role="alert">{s.error}</p>}
      <p className="fun-muted fun-small">{t('musicp.credit')}</p>
    </div>
  );
}

/** For received audio files: a button that plays them in the music player. */
export function PlayInMusicPlayer(props: { src: string; title: string }) {
  const t = useFunT();
  return (
    <button type="button" className="fun-icon-button" title={t('musicp.playInPlayer')} aria-label={t('musicp.playInPlayer')} onClick={() => void music().playFile(props.src, props.title)}>
      🎵
    </button>
  );
}

import { useEffect, useRef, useState } from 'react';
import type { FunApi } from '../../app/fun-api';
import { useFunT } from '../i18n';
import { SnakeGame } from '../snake/SnakeGame';
import type { Dir } from '../snake/engine';
import { getUserMedia, mediaErrorText, stopStream } from '../ui/media-errors';
import { FingerSteer, type Tip } from './steer';

type Phase = 'loading' | 'ready' | 'failed' | 'nocamera';

const ARROWS: Record<Dir, string> = { up: '↑', down: '↓', left: '←', right: '→' };

/**
 * Snake steered by the index fingertip: the camera picture, mirrored, in a corner with the tip
 * marked; the tracker (MediaPipe Hands, served by Banter) loads only when this game opens. The
 * keys steer whenever no hand is seen.
 */
export function CameraSnake(props: { api: FunApi }) {
  const t = useFunT();
  const video = useRef<HTMLVideoElement>(null);
  const steer = useRef<Dir | null>(null);
  const [phase, setPhase] = useState<Phase>('loading');
  const [error, setError] = useState('');
  const [tip, setTip] = useState<Tip | null>(null);
  const [dir, setDir] = useState<Dir | null>(null);
  const [stats, setStats] = useState({ frames: 0, handFrames: 0, fps: 0 });

  useEffect(() => {
    let alive = true;
    let stream: MediaStream | null = null;
    const run = async () => {
      try {
        stream = await getUserMedia({ video: { width: { ideal: 640 }, height: { ideal: 480 } }, audio: false });
      } catch (e) {
        if (!alive) return;
        setError(mediaErrorText(e, 'camera'));
        setPhase('nocamera');
        return;
      }
      if (!alive) return stopStream(stream);
      const v = video.current!;
      v.srcObject = stream;
      await v.play().catch(() => undefined);
      let tracker;
      try {
        const { handTracker } = await import('./tracker');
        tracker = await handTracker();
      } catch (e) {
        if (!alive) return;
        setError(e instanceof Error ? e.message : String(e));
        setPhase('failed');
        return;
      }
      if (!alive) return;
      setPhase('ready');
      const steerer = new FingerSteer();
      let frames = 0;
      let handFrames = 0;
      const times: number[] = [];
      while (alive) {
        if (v.readyState < 2) {
          await new Promise((r) => setTimeout(r, 50));
          continue;
        }
        const found = await tracker.detect(v).catch(() => null);
        if (!alive) break;
        frames++;
        if (found) handFrames++;
        times.push(performance.now());
        if (times.length > 10) times.shift();
        const fps = times.length > 1 ? ((times.length - 1) * 1000) / (times.at(-1)! - times[0]!) : 0;
        steer.current = steerer.update(found);
        setTip(found);
        setDir(steer.current);
        setStats({ frames, handFrames, fps });
        await new Promise((r) => setTimeout(r, 0)); // let the game and the page breathe
      }
    };
    void run();
    return () => {
      alive = false;
      steer.current = null;
      stopStream(stream);
    };
  }, []);

  const status =
    phase === 'loading' ? t('game.loadingHands') : phase === 'failed' ? t('game.handsFailed', { error }) : phase === 'nocamera' ? `${error} ${t('game.noCamera')}` : tip ? t('game.tracking') : t('game.showHand');

  return (
    <div className="fun-camera-snake" data-testid="camera-snake" data-tracker={phase} data-frames={stats.frames} data-hand-frames={stats.handFrames} data-fps={stats.fps.toFixed(2)}>
      <SnakeGame api={props.api} game="camera" steer={steer}>
        <div className={`fun-hand-cam ${phase === 'nocamera' ? 'fun-hidden' : ''}`} aria-hidden="true">
          <video ref={video} className="fun-mirrored" muted playsInline />
          {tip && <span className="fun-hand-tip" style={{ left: `${(1 - tip.x) * 100}%`, top: `${tip.y * 100}%` }} />}
          {dir && <span className="fun-hand-dir" data-dir={dir}>{ARROWS[dir]}</span>}
        </div>
      </SnakeGame>
      <p className={phase === 'failed' || phase === 'nocamera' ? 'fun-error' : 'fun-muted'} role="status">
        {status}
        {phase === 'ready' && stats.fps > 0 && <span className="fun-small"> · {t('game.fps', { fps: stats.fps.toFixed(1) })}</span>}
      </p>
    </div>
  );
}

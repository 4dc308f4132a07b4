import { useCallback, useEffect, useRef, useState, type ReactNode } from 'react';
import type { FunApi } from '../../app/fun-api';
import { useFunT } from '../i18n';
import { bestScore, recordScore } from './best-score';
import { keyToDir, newGame, step, tickMs, togglePause, turn, type Dir, type SnakeGame as Game } from './engine';

const COLS = 20;
const ROWS = 15;
const CELL = 24;

function draw(c: HTMLCanvasElement, g: Game): void {
  const ctx = c.getContext('2d');
  if (!ctx) return;
  const css = getComputedStyle(c);
  ctx.fillStyle = css.getPropertyValue('--fun-board') || '#10172a';
  ctx.fillRect(0, 0, c.width, c.height);
  ctx.fillStyle = css.getPropertyValue('--fun-board-dots') || '#1e293b';
  for (let x = 0; x < g.width; x++) for (let y = 0; y < g.height; y++) ctx.fillRect(x * CELL + CELL / 2 - 1, y * CELL + CELL / 2 - 1, 2, 2);
  if (g.food) {
    ctx.fillStyle = '#f43f5e';
    ctx.beginPath();
    ctx.arc(g.food.x * CELL + CELL / 2, g.food.y * CELL + CELL / 2, CELL * 0.36, 0, Math.PI * 2);
    ctx.fill();
  }
  g.snake.forEach((s, i) => {
    ctx.fillStyle = i === 0 ? '#22c55e' : i % 2 ? '#4ade80' : '#86efac';
    ctx.beginPath();
    ctx.roundRect(s.x * CELL + 2, s.y * CELL + 2, CELL - 4, CELL - 4, 6);
    ctx.fill();
  });
  const head = g.snake[0]!;
  ctx.fillStyle = '#052e16';
  ctx.beginPath();
  ctx.arc(head.x * CELL + CELL / 2, head.y * CELL + CELL / 2, 3, 0, Math.PI * 2);
  ctx.fill();
}

/**
 * A Snake board: arrows/WASD steer, Space or P pauses, Enter restarts. `steer` (the Camera
 * Snake's fingertip) is read on every tick and wins over nothing: keys still work alongside.
 */
export function SnakeGame(props: { api: FunApi; game: 'snake' | 'camera'; steer?: { current: Dir | null }; children?: ReactNode }) {
  const t = useFunT();
  const canvas = useRef<HTMLCanvasElement>(null);
  const game = useRef<Game>(newGame(COLS, ROWS));
  const [, redraw] = useState(0);
  const [best, setBest] = useState(() => bestScore(props.game));
  const [posted, setPosted] = useState(false);
  const title = props.game === 'camera' ? t('game.cameraSnake') : t('game.snake');

  const update = useCallback((g: Game) => {
    const was = game.current;
    game.current = g;
    if (g.status === 'over' && was.status !== 'over') setBest(recordScore(props.game, g.score));
    if (canvas.current) draw(canvas.current, g);
    redraw((n) => n + 1);
  }, [props.game]);

  useEffect(() => {
    if (canvas.current) draw(canvas.current, game.current);
  }, []);

  // The clock: one step per tick, faster as the snake grows.
  const status = game.current.status;
  useEffect(() => {
    if (status !== 'running') return;
    let timer = 0;
    const tick = () => {
      let g = game.current;
      const want = props.steer?.current;
      if (want) g = turn(g, want);
      update(step(g));
      if (game.current.status === 'running') timer = window.setTimeout(tick, tickMs(game.current));
    };
    timer = window.setTimeout(tick, tickMs(game.current));
    return () => clearTimeout(timer);
  }, [status, update, props.steer]);

  // The fingertip can start a game too.
  useEffect(() => {
    if (!props.steer) return;
    const id = setInterval(() => {
      const want = props.steer?.current;
      if (want && game.current.status === 'ready') update(turn(game.current, want));
    }, 100);
    return () => clearInterval(id);
  }, [props.steer, update]);

  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      if ((e.target as HTMLElement | null)?.closest?.('input, textarea, select')) return;
      const dir = keyToDir(e.key);
      if (dir) {
        e.preventDefault();
        update(turn(game.current, dir));
      } else if (e.key === ' ' || e.key === 'p' || e.key === 'P') {
        e.preventDefault();
        update(togglePause(game.current));
      } else if (e.key === 'Enter' && game.current.status === 'over') {
        e.preventDefault();
        restart();
      }
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }); // re-bound each render: restart() sees the current state

  // Pause when the window loses focus, so a switch to the chat never kills the snake.
  useEffect(() => {
    const onBlur = () => game.current.status === 'running' && update(togglePause(game.current));
    window.addEventListener('blur', onBlur);
    return () => window.removeEventListener('blur', onBlur);
  }, [update]);

  const restart = () => {
    setPosted(false);
    update(newGame(COLS, ROWS));
  };

  const post = async () => {
    try {
      await props.api.sendText(t('game.postText', { score: game.current.score, game: title }));
      setPosted(true);
      props.api.toast(t('game.posted'));
    } catch {
      // the chat has shown why
    }
  };

  const g = game.current;
  const head = g.snake[0]!;
  return (
    <div className="fun-snake">
      <div className="fun-snake-bar">
        <span data-testid="snake-score">{t('game.score', { score: g.score })}</span>
        <span className="fun-muted">{t('game.best', { best })}</span>
      </div>
      <div className="fun-snake-stage">
        <canvas
          ref={canvas}
          className="fun-snake-board"
          width={COLS * CELL}
          height={ROWS * CELL}
          data-testid="snake-board"
          data-status={g.status}
          data-cause={g.cause ?? ''}
          data-head={`${head.x},${head.y}`}
          data-length={g.snake.length}
          data-score={g.score}
          aria-label={title}
          tabIndex={0}
        />
        {props.children}
        {g.status !== 'running' && (
          <div className="fun-snake-overlay" role="status" data-status={g.status}>
            {g.status === 'ready' && <p>{t('game.ready')}</p>}
            {g.status === 'paused' && <p>{t('game.paused')}</p>}
            {g.status === 'over' && (
              <>
                <p className="fun-big">{t('game.over', { score: g.score })}</p>
                <p className="fun-muted">{g.cause === 'self' ? t('game.overSelf') : g.cause === 'wall' ? t('game.overWall') : ''}</p>
                <div className="fun-actions">
                  <button type="button" className="fun-primary" onClick={restart}>{t('game.again')}</button>
                  <button type="button" disabled={posted} onClick={() => void post()}>
                    {posted ? t('game.posted') : `${t('game.post')} → ${props.api.conv}`}
                  </button>
                </div>
              </>
            )}
          </div>
        )}
      </div>
    </div>
  );
}

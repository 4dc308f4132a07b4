/**
 * The Snake game as pure data and functions: no DOM, no timers. The component drives it with
 * `turn` (keys or a fingertip) and `step` (one tick), and asks `tickMs` how long to wait.
 */

export type Dir = 'up' | 'down' | 'left' | 'right';
export interface Cell {
  x: number;
  y: number;
}
export type Status = 'ready' | 'running' | 'paused' | 'over';

export interface SnakeGame {
  readonly width: number;
  readonly height: number;
  /** Head first. */
  readonly snake: readonly Cell[];
  readonly dir: Dir;
  /** Turns asked for but not yet taken, at most MAX_QUEUED: one is taken per step. */
  readonly queue: readonly Dir[];
  readonly food: Cell | null;
  readonly score: number;
  readonly status: Status;
  readonly cause?: 'wall' | 'self';
}

/** Returns a number in [0, 1): Math.random, or a seeded one in tests. */
export type Random = () => number;

export const MAX_QUEUED = 2;
export const START_LENGTH = 3;
const BASE_TICK_MS = 160;
const MIN_TICK_MS = 60;
const SPEED_UP_MS_PER_FOOD = 6;

const OPPOSITE: Record<Dir, Dir> = { up: 'down', down: 'up', left: 'right', right: 'left' };
const DELTA: Record<Dir, Cell> = { up: { x: 0, y: -1 }, down: { x: 0, y: 1 }, left: { x: -1, y: 0 }, right: { x: 1, y: 0 } };

export function newGame(width = 20, height = 15, random: Random = Math.random): SnakeGame {
  if (width < START_LENGTH + 2 || height < 3) throw new RangeError(`a ${width}x${height} board is too small`);
  const y = Math.floor(height / 2);
  const x = Math.floor(width / 3) + START_LENGTH - 1;
  const snake = Array.from({ length: START_LENGTH }, (_, i) => ({ x: x - i, y }));
  return { width, height, snake, dir: 'right', queue: [], food: placeFood(width, height, snake, random), score: 0, status: 'ready' };
}

/**
 * Asks for a turn. It is queued so that two quick presses (up, then left) both count, one per
 * step; a turn back into the snake's own neck, a repeat and anything past the queue are ignored.
 */
export function turn(game: SnakeGame, dir: Dir): SnakeGame {
  if (game.status === 'over' || game.status === 'paused') return game;
  const last = game.queue.at(-1) ?? game.dir;
  if (dir === last || dir === OPPOSITE[last] || game.queue.length >= MAX_QUEUED) {
    return game.status === 'ready' ? { ...game, status: 'running' } : game;
  }
  return { ...game, queue: [...game.queue, dir], status: 'running' };
}

export function start(game: SnakeGame): SnakeGame {
  return game.status === 'ready' ? { ...game, status: 'running' } : game;
}

export function togglePause(game: SnakeGame): SnakeGame {
  if (game.status === 'running') return { ...game, status: 'paused' };
  if (game.status === 'paused') return { ...game, status: 'running' };
  return game;
}

/** One tick: take a queued turn, move, eat (grow, score, new food) or die on a wall or itself. */
export function step(game: SnakeGame, random: Random = Math.random): SnakeGame {
  if (game.status !== 'running') return game;
  const [next, ...rest] = game.queue;
  const dir = next ?? game.dir;
  const head = game.snake[0]!;
  const moved = { x: head.x + DELTA[dir].x, y: head.y + DELTA[dir].y };
  if (moved.x < 0 || moved.y < 0 || moved.x >= game.width || moved.y >= game.height) {
    return { ...game, dir, queue: rest, status: 'over', cause: 'wall' };
  }
  const eats = game.food !== null && moved.x === game.food.x && moved.y === game.food.y;
  // The tail moves away this tick unless the snake grows, so the head may take its cell.
  const body = eats ? game.snake : game.snake.slice(0, -1);
  if (body.some((c) => c.x === moved.x && c.y === moved.y)) {
    return { ...game, dir, queue: rest, status: 'over', cause: 'self' };
  }
  const snake = [moved, ...body];
  if (!eats) return { ...game, dir, queue: rest, snake };
  const food = placeFood(game.width, game.height, snake, random);
  // A snake that fills the board has won: nothing left to eat.
  return { ...game, dir, queue: rest, snake, score: game.score + 1, food, ...(food === null ? { status: 'over' as const } : {}) };
}

/** Milliseconds between steps: faster as the snake grows, never below MIN_TICK_MS. */
export function tickMs(game: SnakeGame): number {
  return Math.max(MIN_TICK_MS, BASE_TICK_MS - SPEED_UP_MS_PER_FOOD * game.score);
}

/** A random free cell, or null when the snake covers the board. */
export function placeFood(width: number, height: number, snake: readonly Cell[], random: Random): Cell | null {
  const taken = new Set(snake.map((c) => c.y * width + c.x));
  const free = width * height - taken.size;
  if (free <= 0) return null;
  let n = Math.min(free - 1, Math.floor(random() * free));
  for (let i = 0; i < width * height; i++) {
    if (taken.has(i)) continue;
    if (n-- === 0) return { x: i % width, y: Math.floor(i / width) };
  }
  return null;
}

export function isOpposite(a: Dir, b: Dir): boolean {
  return OPPOSITE[a] === b;
}

/** The direction a key asks for: arrows and WASD (any case); null for other keys. */
export function keyToDir(key: string): Dir | null {
  switch (key) {
    case 'ArrowUp': case 'w': case 'W': return 'up';
    case 'ArrowDown': case 's': case 'S': return 'down';
    case 'ArrowLeft': case 'a': case 'A': return 'left';
    case 'ArrowRight': case 'd': case 'D': return 'right';
    default: return null;
  }
}

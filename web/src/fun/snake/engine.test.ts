import { describe, expect, it } from 'vitest';
import { keyToDir, newGame, placeFood, START_LENGTH, step, tickMs, togglePause, turn, type SnakeGame } from './engine';

const fixed = (v: number) => () => v;

function run(game: SnakeGame, steps: number): SnakeGame {
  for (let i = 0; i < steps; i++) game = step(game, fixed(0));
  return game;
}

describe('snake engine', () => {
  it('starts still, heading right, and moves one cell per step once started', () => {
    const g = newGame(20, 15, fixed(0));
    expect(g.status).toBe('ready');
    expect(g.snake).toHaveLength(START_LENGTH);
    expect(step(g)).toBe(g); // not started: nothing moves
    const moved = step(turn(g, 'up'));
    expect(moved.snake[0]).toEqual({ x: g.snake[0]!.x, y: g.snake[0]!.y - 1 });
    expect(moved.snake).toHaveLength(START_LENGTH);
  });

  it('a quick double press cannot reverse the snake into itself', () => {
    let g = turn(newGame(20, 15, fixed(0)), 'up'); // heading right
    g = turn(g, 'left'); // up then left within one tick: both queued, no reversal
    expect(g.queue).toEqual(['up', 'left']);
    g = step(g);
    expect(g.dir).toBe('up');
    g = step(g);
    expect(g.dir).toBe('left');
    expect(g.status).toBe('running');
  });

  it('ignores a direct reversal and repeats, and queues at most two turns', () => {
    let g = turn(newGame(20, 15, fixed(0)), 'left');
    expect(g.queue).toEqual([]);
    g = turn(g, 'right');
    expect(g.queue).toEqual([]);
    g = turn(turn(turn(g, 'up'), 'left'), 'down');
    expect(g.queue).toEqual(['up', 'left']);
  });

  it('ends on a wall', () => {
    let g = turn(newGame(10, 5, fixed(0.99)), 'up');
    g = run(g, 10);
    expect(g.status).toBe('over');
    expect(g.cause).toBe('wall');
    expect(g.snake[0]!.y).toBe(0); // the head stays on the board
  });

  it('eats, grows, scores and speeds up', () => {
    let g = newGame(20, 15, fixed(0));
    const head = g.snake[0]!;
    g = { ...g, food: { x: head.x + 1, y: head.y }, status: 'running' };
    const before = tickMs(g);
    g = step(g, fixed(0));
    expect(g.score).toBe(1);
    expect(g.snake).toHaveLength(START_LENGTH + 1);
    expect(tickMs(g)).toBeLessThan(before);
    expect(g.food).not.toBeNull();
    expect(g.snake.some((c) => c.x === g.food!.x && c.y === g.food!.y)).toBe(false);
  });

  it('ends when it runs into itself', () => {
    // A long snake turning back on itself in a tight square.
    let g: SnakeGame = {
      ...newGame(10, 10, fixed(0)),
      snake: [{ x: 5, y: 5 }, { x: 4, y: 5 }, { x: 3, y: 5 }, { x: 3, y: 6 }, { x: 4, y: 6 }, { x: 5, y: 6 }, { x: 6, y: 6 }],
      dir: 'right',
      status: 'running',
      food: { x: 0, y: 0 },
    };
    g = turn(g, 'down');
    g = step(g);
    expect(g.status).toBe('over');
    expect(g.cause).toBe('self');
  });

  it('may move into the cell its tail leaves', () => {
    let g: SnakeGame = {
      ...newGame(10, 10, fixed(0)),
      snake: [{ x: 4, y: 4 }, { x: 5, y: 4 }, { x: 5, y: 5 }, { x: 4, y: 5 }],
      dir: 'left',
      status: 'running',
      food: { x: 0, y: 0 },
    };
    g = step(turn(g, 'down'));
    expect(g.status).toBe('running');
    expect(g.snake[0]).toEqual({ x: 4, y: 5 });
  });

  it('pauses and resumes; a paused game neither moves nor turns', () => {
    let g = togglePause(turn(newGame(), 'up'));
    expect(g.status).toBe('paused');
    expect(step(g)).toBe(g);
    expect(turn(g, 'left')).toBe(g);
    g = togglePause(g);
    expect(g.status).toBe('running');
  });

  it('never places food on the snake, and none when the board is full', () => {
    const snake = [{ x: 0, y: 0 }, { x: 1, y: 0 }];
    for (const r of [0, 0.3, 0.999999]) {
      const f = placeFood(2, 2, snake, () => r)!;
      expect(f.y).toBe(1);
    }
    expect(placeFood(2, 1, snake, fixed(0.5))).toBeNull();
  });

  it('never goes below the minimum tick', () => {
    expect(tickMs({ ...newGame(), score: 10_000 })).toBe(60);
  });

  it('maps arrows and WASD', () => {
    expect(['ArrowUp', 'w', 'A', 's', 'ArrowRight', 'x'].map(keyToDir)).toEqual(['up', 'up', 'left', 'down', 'right', null]);
  });
});

import { beforeEach, describe, expect, it } from 'vitest';
import { bestScore, recordScore } from './best-score';

describe('best score', () => {
  beforeEach(() => localStorage.clear());
  it('keeps the best per game', () => {
    expect(bestScore('snake')).toBe(0);
    expect(recordScore('snake', 5)).toBe(5);
    expect(recordScore('snake', 3)).toBe(5);
    expect(bestScore('snake')).toBe(5);
    expect(bestScore('camera')).toBe(0);
  });
  it('ignores garbage in storage', () => {
    localStorage.setItem('banter.snake.best.snake', 'NaN');
    expect(bestScore('snake')).toBe(0);
  });
});

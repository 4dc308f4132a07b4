/** The best score of each game, kept in this browser. */
export function bestScore(game: string): number {
  try {
    const v = Number(localStorage.getItem(`banter.snake.best.${game}`));
    return Number.isSafeInteger(v) && v > 0 ? v : 0;
  } catch {
    return 0;
  }
}

/** Saves `score` if it beats the best; returns the best after it. */
export function recordScore(game: string, score: number): number {
  const best = bestScore(game);
  if (score <= best) return best;
  try {
    localStorage.setItem(`banter.snake.best.${game}`, String(score));
  } catch {
    // private mode: the best lasts for this page only
  }
  return score;
}

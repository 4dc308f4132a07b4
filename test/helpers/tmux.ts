import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';

export const hasTmux = hasCommand('tmux', ['-V']);

/** True if the program runs (for skipping tests that drive real clients, with a reason). */
export function hasCommand(command: string, args: string[]): boolean {
  try {
    execFileSync(command, args, { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

let sessions = 0;

/** Drives a real terminal program in a tmux pane: keys in, screen text out. */
export class Tmux {
  readonly name = `banter-test-${process.pid}-${++sessions}`;
  constructor(command: string, width = 110, height = 30) {
    execFileSync('tmux', ['new-session', '-d', '-s', this.name, '-x', String(width), '-y', String(height), command]);
  }
  keys(...keys: string[]): void {
    execFileSync('tmux', ['send-keys', '-t', this.name, ...keys]);
  }
  /** Types text as a person would, one key at a time. */
  type(text: string): void {
    execFileSync('tmux', ['send-keys', '-t', this.name, '-l', text]);
  }
  screen(): string {
    return execFileSync('tmux', ['capture-pane', '-t', this.name, '-p']).toString();
  }
  async waitFor(pattern: RegExp, what: string, timeoutMs = 8000): Promise<string> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const text = this.screen();
      if (pattern.test(text)) return text;
      if (Date.now() > deadline) assert.fail(`screen never showed ${what}:\n${text}`);
      await new Promise((r) => setTimeout(r, 100));
    }
  }
  kill(): void {
    try {
      execFileSync('tmux', ['kill-session', '-t', this.name]);
    } catch {
      // already gone
    }
  }
}

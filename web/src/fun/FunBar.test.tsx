import { act, cleanup, fireEvent, render, screen, waitFor } from '@testing-library/react';
import i18next from 'i18next';
import { initReactI18next } from 'react-i18next';
import { afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import type { FunApi } from '../app/fun-api';
import { FunBar } from './index';

function fakeApi(): FunApi & { sent: string[]; toasts: string[] } {
  const sent: string[] = [];
  const toasts: string[] = [];
  return {
    conv: '#lobby',
    me: 'alice',
    sent,
    toasts,
    sendFile: vi.fn(async () => undefined),
    sendText: vi.fn(async (text: string) => void sent.push(text)),
    chatWindow: () => null,
    toast: (text: string) => void toasts.push(text),
  };
}

describe('FunBar (jsdom: no camera, microphone, screen capture or Web Audio)', () => {
  beforeAll(async () => {
    // jsdom has no canvas: drawing is skipped (and jsdom would log each attempt).
    HTMLCanvasElement.prototype.getContext = () => null;
    await i18next.use(initReactI18next).init({ lng: 'en', resources: { en: { translation: {} } }, interpolation: { escapeValue: false } });
  });
  afterEach(cleanup);

  it('shows the five tools', () => {
    render(<FunBar api={fakeApi()} />);
    for (const name of ['Camera', 'Voice message', 'Screenshot', 'Music', 'Games']) expect(screen.getByRole('button', { name })).toBeTruthy();
  });

  it('explains a missing recorder instead of failing silently', async () => {
    render(<FunBar api={fakeApi()} />);
    fireEvent.keyDown(screen.getByRole('button', { name: 'Voice message' }), { key: 'Enter' });
    await waitFor(() => expect(screen.getByRole('alert').textContent).toMatch(/cannot record sound/));
  });

  it('offers full-screen capture only where it exists, and says there is no chat window to capture', () => {
    const api = fakeApi();
    render(<FunBar api={api} />);
    fireEvent.click(screen.getByRole('button', { name: 'Screenshot' }));
    expect((screen.getByRole('menuitem', { name: 'Full screen…' }) as HTMLButtonElement).disabled).toBe(true);
    fireEvent.click(screen.getByRole('menuitem', { name: 'Chat window' }));
    expect(api.toasts).toEqual(['There is no chat window to capture.']);
  });

  it('plays Snake with the keys and posts the score at game over', async () => {
    // Food goes to the last free cell (bottom right), never on the way up to the wall: the score is 0.
    const random = vi.spyOn(Math, 'random').mockReturnValue(0.999);
    const api = fakeApi();
    render(<FunBar api={api} />);
    fireEvent.click(screen.getByRole('button', { name: 'Games' }));
    fireEvent.click(screen.getByRole('menuitem', { name: /^🐍 Snake/ }));
    const board = await screen.findByTestId('snake-board', undefined, { timeout: 10_000 }); // a lazy chunk
    vi.useFakeTimers();
    try {
      expect(board.dataset.status).toBe('ready');
      fireEvent.keyDown(window, { key: 'ArrowUp' });
      expect(board.dataset.status).toBe('running');
      // Up into the top wall: at most the board's height in steps.
      for (let i = 0; i < 20 && screen.getByTestId('snake-board').dataset.status === 'running'; i++) {
        await act(async () => void vi.advanceTimersByTime(200));
      }
      expect(screen.getByTestId('snake-board').dataset.cause).toBe('wall');
      fireEvent.click(screen.getByRole('button', { name: /^Post score/ }));
      await act(async () => undefined);
      expect(api.sent).toEqual(['🐍 I scored 0 in Snake!']);
    } finally {
      vi.useRealTimers();
      random.mockRestore();
    }
  });
});

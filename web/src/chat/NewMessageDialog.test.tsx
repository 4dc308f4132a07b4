import { act, cleanup, fireEvent, render, screen } from '@testing-library/react';
import { afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import type { UserListing } from '../../../src/protocol/messages.js';
import type { ChatStore } from '../app/chat-store.js';
import { initI18n } from '../i18n/index.js';
import { NewMessageDialog } from './NewMessageDialog.js';
import { LOOKUP_DELAY_MS } from './use-people-lookup.js';

beforeAll(() => {
  void initI18n('en');
  // jsdom has <dialog> but not its modal methods.
  HTMLDialogElement.prototype.showModal ??= function (this: HTMLDialogElement) {
    this.open = true;
  };
  HTMLDialogElement.prototype.close ??= function (this: HTMLDialogElement) {
    this.open = false;
  };
});
afterEach(() => {
  cleanup();
  vi.useRealTimers();
});

/** A store whose `users` requests wait until the test answers them, in any order. */
function server() {
  const asked: { prefix: string; answer: (users: string[]) => void }[] = [];
  const request = vi.fn((op: string, body: { prefix: string }) => {
    if (op !== 'users') throw new Error(`unexpected ${op}`);
    return new Promise((resolve) => {
      asked.push({ prefix: body.prefix, answer: (users) => resolve({ users: users.map((user): UserListing => ({ user, role: 'user', online: false })) }) });
    });
  });
  return { store: { session: { request } } as unknown as ChatStore, asked };
}

const shown = () => screen.queryAllByRole('option').map((o) => o.getAttribute('data-user'));

describe('NewMessageDialog', () => {
  it('asks the server once typing pauses, and shows only the latest request\'s answer', async () => {
    vi.useFakeTimers();
    const { store, asked } = server();
    render(<NewMessageDialog store={store} known={[]} onClose={() => undefined} onOpen={() => undefined} />);
    const to = screen.getByLabelText('To');
    for (const value of ['c', 'ca', 'car']) fireEvent.change(to, { target: { value } });
    await act(async () => void vi.advanceTimersByTime(LOOKUP_DELAY_MS + 10));
    expect(asked.map((a) => a.prefix), 'one request, for what was typed when typing paused').toEqual(['car']);

    fireEvent.change(to, { target: { value: 'ca' } });
    await act(async () => void vi.advanceTimersByTime(LOOKUP_DELAY_MS + 10));
    expect(asked.map((a) => a.prefix)).toEqual(['car', 'ca']);
    // The answer for "ca" first, then the older one for "car" arrives late: it is dropped.
    await act(async () => asked[1]!.answer(['cab', 'carol']));
    expect(shown()).toEqual(['cab', 'carol']);
    await act(async () => asked[0]!.answer(['carla', 'carol']));
    expect(shown()).toEqual(['cab', 'carol']);
  });

  it('↑/↓ move through the suggestions (wrapping) and Enter opens the one chosen', async () => {
    vi.useFakeTimers();
    const { store, asked } = server();
    const onOpen = vi.fn();
    render(<NewMessageDialog store={store} known={[]} onClose={() => undefined} onOpen={onOpen} />);
    const to = screen.getByLabelText('To');
    fireEvent.change(to, { target: { value: 'b' } });
    await act(async () => void vi.advanceTimersByTime(LOOKUP_DELAY_MS + 10));
    await act(async () => asked[0]!.answer(['bea', 'bob', 'bruno']));
    fireEvent.keyDown(to, { key: 'ArrowUp' });
    expect(screen.getByRole('option', { selected: true }).getAttribute('data-user')).toBe('bruno');
    fireEvent.keyDown(to, { key: 'ArrowDown' });
    fireEvent.keyDown(to, { key: 'ArrowDown' });
    expect(to.getAttribute('aria-activedescendant')).toBe(screen.getByRole('option', { selected: true }).id);
    fireEvent.submit(to.closest('form')!);
    expect(onOpen).toHaveBeenCalledWith('@bob');
  });
});

import { cleanup, fireEvent, render } from '@testing-library/react';
import { afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import type { ChatMessage } from '../../../src/protocol/messages.js';
import { messageItem } from '../../../src/client/timeline.js';
import { FileLinks } from '../files/file-links.js';
import { initI18n } from '../i18n/index.js';
import { MessageActionsContext, type MessageActionsApi } from './message-actions-context.js';
import { MessageRow } from './MessageRow.js';

beforeAll(() => void initI18n('en'));
afterEach(cleanup);
const base: ChatMessage = { conv: '#r', seq: 3, ts: Date.UTC(2026, 0, 1, 12), from: 'alice', text: 'hello' };
const noop = () => undefined;
// No file rows here: a file's link is never asked for.
const links = new FileLinks(() => Promise.reject(new Error('no files in these tests')), () => 'http://chat.test');

function renderRow(m: ChatMessage, api: Partial<MessageActionsApi> = {}) {
  const full: MessageActionsApi = { me: 'alice', canModerate: false, react: vi.fn(), edit: vi.fn(() => Promise.resolve()), remove: vi.fn(), ...api };
  const r = render(
    <MessageActionsContext.Provider value={full}>
      <MessageRow item={messageItem(m)} head me={full.me} links={links} onOpenImage={noop} />
    </MessageActionsContext.Provider>,
  );
  return { ...r, api: full };
}

describe('message actions', () => {
  it('offers edit and delete on my text messages, only react on others', () => {
    const mine = renderRow(base);
    expect(mine.getByRole('button', { name: 'Edit' })).toBeTruthy();
    expect(mine.getByRole('button', { name: 'Delete' })).toBeTruthy();
    cleanup();
    const theirs = renderRow({ ...base, from: 'bob' });
    expect(theirs.queryByRole('button', { name: 'Edit' })).toBeNull();
    expect(theirs.queryByRole('button', { name: 'Delete' })).toBeNull();
    expect(theirs.getByRole('button', { name: 'React' })).toBeTruthy();
    cleanup();
    const moderated = renderRow({ ...base, from: 'bob' }, { canModerate: true });
    expect(moderated.getByRole('button', { name: 'Delete' })).toBeTruthy();
    expect(moderated.queryByRole('button', { name: 'Edit' })).toBeNull();
  });
  it('edits inline: Enter saves the new text, Escape cancels', async () => {
    const { getByRole, getByLabelText, queryByLabelText, api } = renderRow(base);
    fireEvent.click(getByRole('button', { name: 'Edit' }));
    const box = getByLabelText('Edit message');
    fireEvent.keyDown(box, { key: 'Escape' });
    expect(queryByLabelText('Edit message')).toBeNull();
    fireEvent.click(getByRole('button', { name: 'Edit' }));
    fireEvent.change(getByLabelText('Edit message'), { target: { value: 'changed' } });
    fireEvent.keyDown(getByLabelText('Edit message'), { key: 'Enter' });
    expect(api.edit).toHaveBeenCalledWith(base, 'changed');
  });
  it('shows reactions as chips (mine pressed) that toggle, "(edited)", and deleted messages without actions', () => {
    const r = renderRow({ ...base, from: 'bob', edited_ts: 5, reactions: { '👍': ['bob', 'Alice'], '<b>': ['bob'] } });
    const chips = r.container.querySelectorAll('.reaction-chip');
    expect([...chips].map((c) => c.textContent)).toEqual(['👍2', '<b>1']);
    expect(chips[0]!.getAttribute('aria-pressed')).toBe('true');
    expect(r.container.querySelector('b')).toBeNull();
    fireEvent.click(chips[1]!);
    expect(r.api.react).toHaveBeenCalledWith(expect.objectContaining({ seq: 3 }), '<b>');
    expect(r.getByText('(edited)')).toBeTruthy();
    cleanup();
    // Your own deleted message says so; someone else's says it was deleted.
    const mine = renderRow({ ...base, text: undefined, deleted: true });
    expect(mine.getByText('You deleted this message')).toBeTruthy();
    expect(mine.queryByRole('toolbar')).toBeNull();
    cleanup();
    const theirs = renderRow({ ...base, from: 'bob', text: undefined, deleted: true });
    expect(theirs.getByText('This message was deleted')).toBeTruthy();
    expect(theirs.queryByRole('toolbar')).toBeNull();
  });
});

import { act, cleanup, fireEvent, render, screen } from '@testing-library/react';
import { afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { BanterError } from '../../../src/client/errors.js';
import { initI18n } from '../i18n/index.js';
import { LoginPage } from './LoginPage.js';

beforeAll(() => void initI18n('en'));
afterEach(cleanup);

async function fill(label: string, value: string) {
  fireEvent.change(screen.getByLabelText(label), { target: { value } });
}

describe('LoginPage', () => {
  it('the register switch asks for a confirmation, checked before anything is sent', async () => {
    const submit = vi.fn(async () => undefined);
    render(<LoginPage onSubmit={submit} />);
    expect(screen.queryByLabelText('Confirm password')).toBeNull();
    fireEvent.click(screen.getByRole('switch'));
    await fill('User name', 'alice');
    await fill('Password', 'correct-horse-1');
    await fill('Confirm password', 'correct-horse-2');
    await act(async () => fireEvent.click(screen.getByRole('button', { name: 'Create account' })));
    expect(submit).not.toHaveBeenCalled();
    expect(screen.getByLabelText('Confirm password').getAttribute('aria-invalid')).toBe('true');
    expect(document.getElementById('login-confirm-error')?.textContent).toBe('The passwords do not match.');
  });

  it('puts each refusal of the server next to its field', async () => {
    const cases: [BanterError, string, RegExp][] = [
      [new BanterError({ code: 'USER_EXISTS', message: 'taken' }), 'login-user-error', /taken/],
      [new BanterError({ code: 'WEAK_PASSWORD', message: 'at least 8 characters' }), 'login-password-error', /at least 8 characters/],
      [new BanterError({ code: 'INVALID_NAME', message: 'no spaces' }), 'login-user-error', /no spaces/],
      [new BanterError({ code: 'BAD_CREDENTIALS', message: 'x' }), 'login-password-error', /Wrong user name or password/],
      [new BanterError({ code: 'BANNED', message: 'banned: spam' }), 'form', /banned: spam/],
      [new BanterError({ code: 'RATE_LIMITED', message: 'x', retry_after: 4 }), 'form', /4 s/],
    ];
    for (const [err, where, text] of cases) {
      const { unmount } = render(<LoginPage onSubmit={() => Promise.reject(err)} />);
      await fill('User name', 'alice');
      await fill('Password', 'whatever-1');
      await act(async () => fireEvent.click(screen.getByRole('button', { name: 'Sign in' })));
      const node = where === 'form' ? screen.getByTestId('form-error') : document.getElementById(where);
      expect(node?.textContent, err.code).toMatch(text);
      unmount();
    }
  });
});

import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { BanterError } from '../../../src/client/errors.js';
import { LanguageSwitch } from '../app/LanguageSwitch.js';

export interface Credentials {
  user: string;
  password: string;
  register: boolean;
  remember: boolean;
}

type Field = 'user' | 'password' | 'confirm' | 'form';
export type FieldErrors = Partial<Record<Field, string>>;

/** Which field a refusal belongs next to, and its words. */
export function explainRefusal(err: unknown, t: (k: string, o?: Record<string, unknown>) => string): FieldErrors {
  if (!(err instanceof BanterError)) return { form: t('login.errors.unreachable') };
  const detail = err.message;
  switch (err.code) {
    case 'INVALID_NAME':
      return { user: t('login.errors.INVALID_NAME', { detail }) };
    case 'USER_EXISTS':
      return { user: t('login.errors.USER_EXISTS') };
    case 'WEAK_PASSWORD':
      return { password: t('login.errors.WEAK_PASSWORD', { detail }) };
    case 'BAD_CREDENTIALS':
      return { password: t('login.errors.BAD_CREDENTIALS') };
    case 'BANNED':
      return { form: t('login.errors.BANNED', { detail }) };
    case 'RATE_LIMITED':
      return { form: t('login.errors.RATE_LIMITED', { seconds: err.retryAfter ?? 1 }) };
    case 'BAD_REQUEST':
      return { user: t('login.errors.BAD_REQUEST', { detail }) };
    default:
      return { form: t('login.errors.other', { detail }) };
  }
}

export function LoginPage({ onSubmit, notice, initialUser = '' }: { onSubmit: (c: Credentials) => Promise<void>; notice?: string; initialUser?: string }) {
  const { t } = useTranslation();
  const [register, setRegister] = useState(false);
  const [user, setUser] = useState(initialUser);
  const [password, setPassword] = useState('');
  const [confirm, setConfirm] = useState('');
  const [remember, setRemember] = useState(true);
  const [errors, setErrors] = useState<FieldErrors>({});
  const [busy, setBusy] = useState(false);

  const submit = async (e: React.FormEvent) => {
    e.preventDefault();
    const local: FieldErrors = {};
    if (!user.trim()) local.user = t('login.errors.required');
    if (!password) local.password = t('login.errors.required');
    if (register && password !== confirm) local.confirm = t('login.errors.mismatch');
    setErrors(local);
    if (Object.keys(local).length) return focusFirst(local);
    setBusy(true);
    try {
      await onSubmit({ user: user.trim(), password, register, remember });
    } catch (err) {
      const found = explainRefusal(err, t);
      setErrors(found);
      focusFirst(found);
    } finally {
      setBusy(false);
    }
  };

  const field = (id: 'user' | 'password' | 'confirm', label: string, input: React.ReactNode) => (
    <div className={`field ${errors[id] ? 'invalid' : ''}`}>
      <label htmlFor={`login-${id}`}>{label}</label>
      {input}
      {errors[id] && (
        <p className="field-error" id={`login-${id}-error`} role="alert">
          {errors[id]}
        </p>
      )}
    </div>
  );
  const described = (id: Field) => (errors[id] ? `login-${id}-error` : undefined);

  return (
    // Landmarks: the language switch in a header, the form in main (screen readers jump by them).
    <main className="login-screen">
      <header className="login-lang">
        <LanguageSwitch />
      </header>
      <form className="login-card" onSubmit={submit} noValidate aria-labelledby="login-title">
        <div className="login-brand">
          <img src="/icons/icon.svg" alt="" width={48} height={48} />
          <h1 id="login-title">{register ? t('login.registerTitle') : t('login.title')}</h1>
          <p className="login-sub">{t('login.subtitle')}</p>
        </div>
        {notice && (
          <p className="login-notice" role="alert" data-testid="login-notice">
            {notice}
          </p>
        )}
        {field(
          'user',
          t('login.user'),
          <input id="login-user" name="username" autoComplete="username" value={user} onChange={(e) => setUser(e.target.value)} aria-invalid={!!errors.user} aria-describedby={described('user')} autoFocus maxLength={64} />,
        )}
        {field(
          'password',
          t('login.password'),
          <input id="login-password" name="password" type="password" autoComplete={register ? 'new-password' : 'current-password'} value={password} onChange={(e) => setPassword(e.target.value)} aria-invalid={!!errors.password} aria-describedby={described('password')} />,
        )}
        {register &&
          field(
            'confirm',
            t('login.confirm'),
            <input id="login-confirm" name="confirm" type="password" autoComplete="new-password" value={confirm} onChange={(e) => setConfirm(e.target.value)} aria-invalid={!!errors.confirm} aria-describedby={described('confirm')} />,
          )}
        <label className="check">
          <input type="checkbox" checked={remember} onChange={(e) => setRemember(e.target.checked)} />
          {t('login.remember')}
        </label>
        {errors.form && (
          <p className="form-error" role="alert" data-testid="form-error">
            {errors.form}
          </p>
        )}
        <button type="submit" className="primary" disabled={busy}>
          {busy ? t('login.busy') : register ? t('login.registerAction') : t('login.action')}
        </button>
        <p className="login-switch">
          {register ? t('login.haveAccount') : t('login.noAccount')}{' '}
          <button
            type="button"
            className="link-button"
            role="switch"
            aria-checked={register}
            onClick={() => {
              setRegister(!register);
              setErrors({});
            }}
          >
            {register ? t('login.toLogin') : t('login.toRegister')}
          </button>
        </p>
      </form>
    </main>
  );
}

function focusFirst(errors: FieldErrors): void {
  const first = (['user', 'password', 'confirm'] as const).find((f) => errors[f]);
  if (first) requestAnimationFrame(() => document.getElementById(`login-${first}`)?.focus());
}

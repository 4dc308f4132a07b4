import { useTranslation } from 'react-i18next';
import { LANGUAGES, setLanguage, type Language } from '../i18n/index.js';

const SHORT: Record<Language, string> = { en: 'EN', zh: '中文' };

/** `compact`: short names, for the chat's top bar. */
export function LanguageSwitch({ compact = false }: { compact?: boolean }) {
  const { t, i18n } = useTranslation();
  return (
    <label className="lang-switch">
      <span className="sr-only">{t('app.language')}</span>
      <select value={i18n.language.startsWith('zh') ? 'zh' : 'en'} onChange={(e) => setLanguage(e.target.value as Language)} aria-label={t('app.language')}>
        {Object.entries(LANGUAGES).map(([code, name]) => (
          <option key={code} value={code}>
            {compact ? SHORT[code as Language] : name}
          </option>
        ))}
      </select>
    </label>
  );
}

import i18next from 'i18next';
import { initReactI18next } from 'react-i18next';
import { en } from './en.js';
import { zh } from './zh.js';

export const LANGUAGES = { en: 'English', zh: '简体中文' } as const;
export type Language = keyof typeof LANGUAGES;
const KEY = 'banter.lang';

/** The saved choice, else the browser's first language we speak, else English. */
export function preferredLanguage(saved = safeGet(KEY), browser: readonly string[] = navigator.languages ?? [navigator.language]): Language {
  if (saved === 'en' || saved === 'zh') return saved;
  for (const tag of browser) {
    const base = tag.toLowerCase().split('-')[0];
    if (base === 'zh') return 'zh';
    if (base === 'en') return 'en';
  }
  return 'en';
}

export function initI18n(lng: Language = preferredLanguage()): typeof i18next {
  void i18next.use(initReactI18next).init({
    resources: { en: { translation: en }, zh: { translation: zh } },
    lng,
    fallbackLng: 'en',
    interpolation: { escapeValue: false }, // React escapes; text is never HTML
    returnNull: false,
    showSupportNotice: false,
  });
  document.documentElement.lang = lng === 'zh' ? 'zh-CN' : 'en';
  return i18next;
}

export function setLanguage(lng: Language): void {
  void i18next.changeLanguage(lng);
  document.documentElement.lang = lng === 'zh' ? 'zh-CN' : 'en';
  try {
    localStorage.setItem(KEY, lng);
  } catch {
    // private mode: the choice lasts for this page only
  }
}

function safeGet(key: string): string | null {
  try {
    return localStorage.getItem(key);
  } catch {
    return null;
  }
}

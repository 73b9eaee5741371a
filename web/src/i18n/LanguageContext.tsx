import { createContext, useCallback, useContext, useMemo, useState, type ReactNode } from 'react';
import { en, zh, type MessageKey } from './messages.ts';

export type Language = 'zh' | 'en';

interface LanguageState {
  language: Language;
  setLanguage: (language: Language) => void;
  /** The message in the current language, with `{name}` placeholders filled. */
  t: (key: MessageKey, params?: Record<string, string | number>) => string;
}

const LanguageContext = createContext<LanguageState | null>(null);
const storageKey = 'zhulian.language';

function initialLanguage(): Language {
  // Chinese unless the user chose English on this machine before.
  return localStorage.getItem(storageKey) === 'en' ? 'en' : 'zh';
}

export function LanguageProvider({ children }: { children: ReactNode }) {
  const [language, setState] = useState<Language>(initialLanguage);
  const setLanguage = useCallback((next: Language) => {
    localStorage.setItem(storageKey, next);
    document.documentElement.lang = next === 'zh' ? 'zh-CN' : 'en';
    setState(next);
  }, []);
  const t = useCallback(
    (key: MessageKey, params?: Record<string, string | number>) => {
      const template: string = (language === 'zh' ? zh : en)[key];
      return params
        ? template.replace(/\{(\w+)\}/g, (_, name: string) => String(params[name] ?? ''))
        : template;
    },
    [language],
  );
  const value = useMemo(() => ({ language, setLanguage, t }), [language, setLanguage, t]);
  return <LanguageContext.Provider value={value}>{children}</LanguageContext.Provider>;
}

export function useLanguage(): LanguageState {
  const state = useContext(LanguageContext);
  if (!state) throw new Error('useLanguage outside LanguageProvider');
  return state;
}

/** The language the API should answer in (its error messages are localised). */
export function currentLanguage(): Language {
  return initialLanguage();
}

/**
 * The console's own words in English, Russian and Arabic: the `pages.console.*` messages of
 * `templates/catalogs/<lang>.json` (the catalogs the mail and the unsubscribe and RSVP pages use),
 * the direction from the catalog's `meta.dir`. Only those two sections are bundled (esbuild keeps
 * just the named JSON properties). A message's `{name}` placeholders are filled with text, which
 * Preact escapes; a key missing in a language falls back to English. The choice is kept in
 * localStorage; the mail previews keep their own language whatever the console speaks.
 */
import { meta as arMeta, pages as arPages } from '../../templates/catalogs/ar.json';
import { meta as enMeta, pages as enPages } from '../../templates/catalogs/en.json';
import { meta as ruMeta, pages as ruPages } from '../../templates/catalogs/ru.json';

type Messages = Record<string, string>;
interface UiLanguage {
  name: string;
  dir: 'ltr' | 'rtl';
  messages: Messages;
}

const LANGUAGES = {
  en: { name: enMeta.name, dir: enMeta.dir as 'ltr' | 'rtl', messages: enPages.console as Messages },
  ru: { name: ruMeta.name, dir: ruMeta.dir as 'ltr' | 'rtl', messages: ruPages.console as Messages },
  ar: { name: arMeta.name, dir: arMeta.dir as 'ltr' | 'rtl', messages: arPages.console as Messages },
} satisfies Record<string, UiLanguage>;

export type UiLang = keyof typeof LANGUAGES;
export const UI_LANGUAGES = Object.keys(LANGUAGES) as UiLang[];
export const languageName = (lang: UiLang) => LANGUAGES[lang].name;

const STORAGE_KEY = 'communique.console.lang';
const isUiLang = (v: unknown): v is UiLang => typeof v === 'string' && v in LANGUAGES;

function stored(): UiLang {
  try {
    const v = localStorage.getItem(STORAGE_KEY);
    return isUiLang(v) ? v : 'en';
  } catch {
    return 'en';
  }
}

let current: UiLang = stored();

export const uiLanguage = (): UiLang => current;

/** Switches the console's language (and direction); the caller re-renders. */
export function setUiLanguage(lang: UiLang): void {
  current = lang;
  try {
    localStorage.setItem(STORAGE_KEY, lang);
  } catch {
    // A browser that refuses storage keeps the choice for this tab only.
  }
  applyToDocument();
}

/** Puts the language and direction on <html>, so the layout mirrors for Arabic. */
export function applyToDocument(): void {
  document.documentElement.lang = current;
  document.documentElement.dir = LANGUAGES[current].dir;
}

/** A console message with its `{placeholders}` filled. */
export function t(key: string, vars: Record<string, string | number> = {}): string {
  const text = LANGUAGES[current].messages[key] ?? LANGUAGES.en.messages[key] ?? key;
  return text.replace(/\{(\w+)\}/g, (whole, name: string) =>
    vars[name] === undefined ? whole : String(vars[name]),
  );
}

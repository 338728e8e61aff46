import fs from 'node:fs';
import path from 'node:path';
import i18next, { type TFunction } from 'i18next';
import { localesDir } from '../paths';

export const LANGS = ['vi', 'en'] as const;
export type Lang = (typeof LANGS)[number];
export const DEFAULT_LANG: Lang = 'vi';

export function isLang(value: unknown): value is Lang {
  return typeof value === 'string' && (LANGS as readonly string[]).includes(value);
}

function load(lang: Lang): Record<string, unknown> {
  return JSON.parse(fs.readFileSync(path.join(localesDir, `${lang}.json`), 'utf8')) as Record<string, unknown>;
}

const instance = i18next.createInstance();
void instance.init({
  initAsync: false,
  resources: { vi: { translation: load('vi') }, en: { translation: load('en') } },
  lng: DEFAULT_LANG,
  fallbackLng: false,
  // Handlebars escapes what it prints; escaping here too would show "&amp;" to users.
  interpolation: { escapeValue: false },
  returnNull: false,
});

export type Translate = TFunction;

/** A translator fixed to `lang`; unknown keys come back as the key itself (and a test keeps both files in step). */
export function translator(lang: Lang): Translate {
  return instance.getFixedT(lang);
}

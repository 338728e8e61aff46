import { z } from 'zod';
import { fieldError, validationFailed, type FieldError } from './errors';
import type { Lang } from './i18n';

const localeErrors = { vi: z.locales.vi().localeError, en: z.locales.en().localeError };

/**
 * A schema's own rule (`superRefine`) names its locale key in `params.key`, so the API says it in
 * English (locales/en.json) and a form page in the reader's language.
 */
export function fieldErrors(error: z.ZodError): FieldError[] {
  return error.issues.map((issue) => {
    const path = issue.path.map(String).join('.') || '(body)';
    const key = issue.code === 'custom' && typeof issue.params?.key === 'string' ? issue.params.key : undefined;
    return key ? fieldError(path, key) : { path, message: issue.message };
  });
}

/**
 * Parses `data` with `schema` or throws a 400 validation_failed listing every bad field.
 * Messages are English for the API and in the user's language for forms.
 */
export function parse<S extends z.ZodType>(schema: S, data: unknown, lang: Lang = 'en'): z.output<S> {
  const result = schema.safeParse(data, { error: localeErrors[lang] });
  if (!result.success) throw validationFailed(fieldErrors(result.error));
  return result.data;
}

import { z } from 'zod';
import { validationFailed, type FieldError } from './errors';
import type { Lang } from './i18n';

const localeErrors = { vi: z.locales.vi().localeError, en: z.locales.en().localeError };

export function fieldErrors(error: z.ZodError): FieldError[] {
  return error.issues.map((issue) => ({
    path: issue.path.map(String).join('.') || '(body)',
    message: issue.message,
  }));
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

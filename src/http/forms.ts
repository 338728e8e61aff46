/**
 * Form-field plumbing every page form uses: an urlencoded body read as strings, and zod's
 * messages for blank fields made plain. No database, no Express.
 */
import type { FieldError } from '../lib/errors';
import type { Translate } from '../lib/i18n';

type Form = Record<string, unknown>;

/** The last value of a form field as a string (a repeated field arrives as an array). */
export function field(body: Form, name: string): string {
  const v = body[name];
  if (Array.isArray(v)) return v.length ? String(v[v.length - 1]) : '';
  return typeof v === 'string' ? v : v === undefined || v === null ? '' : String(v);
}

/** A blank field is absent (zod then says what is missing). */
export function optionalField(body: Form, name: string): string | undefined {
  const v = field(body, name);
  return v.trim() === '' ? undefined : v;
}

export const isChecked = (body: Form, name: string): boolean => ['on', 'true', '1'].includes(field(body, name));

/** A hidden `version` field: a number, or undefined when missing (a malformed one goes to zod as NaN → refused). */
export function versionField(body: Form): number | undefined {
  const v = field(body, 'version').trim();
  return v === '' ? undefined : Number(v);
}

/**
 * A field left empty gets one plain message ("Vui lòng nhập…") instead of zod's technical one;
 * every other message — zod's, already in the user's language, or a localised domain error — is kept.
 */
export function friendlierErrors(errors: FieldError[], isBlank: (path: string) => boolean, t: Translate): FieldError[] {
  return errors.map((e) => (isBlank(e.path) && !e.key ? { ...e, message: t('intake.errors.required') } : e));
}

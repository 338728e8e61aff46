import path from 'node:path';
import { create } from 'express-handlebars';
import type Handlebars from 'handlebars';
import type { HelperOptions } from 'handlebars';
import { viewsDir } from '../paths';
import { formatDate, formatDateTime } from './dates';
import { translator, isLang, DEFAULT_LANG } from './i18n';

type Root = { lang?: string; timezone?: string };

const FIELD_ID_PREFIX = 'field-';

/** A field path as an id or hash key: `customer.name` → `customer-name`, `contacts.0.name` → `contacts-0-name`. */
export function fieldSlug(path: string): string {
  return path.replace(/[^A-Za-z0-9_-]+/g, '-');
}

export interface FieldLabels {
  labels: Record<string, string>;
  idPrefix: string;
}

/**
 * The field an error summary line links to: its id and the locale key of its label. A path with
 * an index (`contacts.0.name`) takes the label of its row field (`contacts-name`).
 */
export function errorField(fields: FieldLabels | undefined, path: string): { id: string; label: string } | null {
  if (!fields || typeof path !== 'string') return null;
  const slug = fieldSlug(path);
  const label = fields.labels[slug] ?? fields.labels[fieldSlug(path.replace(/\.\d+(?=\.|$)/g, ''))];
  return label ? { id: `${fields.idPrefix}${slug}`, label } : null;
}

const rootOf = (options: HelperOptions): Root => (options?.data?.root ?? {}) as Root;

/** The handlebars engine: layouts, partials and the small helpers every page uses. */
export function viewEngine() {
  return create({
    extname: '.hbs',
    defaultLayout: 'main',
    layoutsDir: path.join(viewsDir, 'layouts'),
    partialsDir: path.join(viewsDir, 'partials'),
    helpers: {
      /** {{t "key" name=value}}: the string in the page's language. */
      t(key: string, options: HelperOptions) {
        const lang = rootOf(options).lang;
        return translator(isLang(lang) ? lang : DEFAULT_LANG)(key, options.hash as Record<string, unknown>);
      },
      dateTime(value: Date | string | null, options: HelperOptions) {
        const root = rootOf(options);
        return formatDateTime(value, root.timezone ?? 'Asia/Ho_Chi_Minh', root.lang ?? DEFAULT_LANG);
      },
      date(value: Date | string | null, options: HelperOptions) {
        const root = rootOf(options);
        return formatDate(value, root.timezone ?? 'Asia/Ho_Chi_Minh', root.lang ?? DEFAULT_LANG);
      },
      eq: (a: unknown, b: unknown) => a === b,
      concat: (...args: unknown[]) => args.slice(0, -1).join(''),
      includes: (list: unknown, item: unknown) => Array.isArray(list) && list.includes(item),
      json: (value: unknown) => JSON.stringify(value, null, 2),
      or: (...args: unknown[]) => args.slice(0, -1).some(Boolean),
      and: (...args: unknown[]) => args.slice(0, -1).every(Boolean),
      not: (value: unknown) => !value,
      /**
       * The labels of a form's fields for the error summary (`{{> formErrors fields=(fieldLabels
       * kind="intake.field.kind" customer-name="customers.field.name")}}`): a field path with its
       * dots as dashes, and the locale key of its label. `idPrefix` is what the field ids start with
       * (default `field-`).
       */
      fieldLabels(options: HelperOptions) {
        const { idPrefix, ...labels } = options.hash as Record<string, string>;
        return { labels, idPrefix: typeof idPrefix === 'string' ? idPrefix : FIELD_ID_PREFIX };
      },
      /** For one error of the summary: the id of its field and the locale key of its label (none when the form names no label). */
      errorField(fields: FieldLabels | undefined, path: string) {
        return errorField(fields, path);
      },
      /** The first error message for a form field, from `errors: [{path, message}]`. */
      fieldError(errors: Array<{ path: string; message: string }> | undefined, field: string) {
        return errors?.find((e) => e.path === field)?.message ?? '';
      },
    } satisfies Record<string, Handlebars.HelperDelegate>,
  });
}

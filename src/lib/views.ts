import path from 'node:path';
import { create } from 'express-handlebars';
import type Handlebars from 'handlebars';
import type { HelperOptions } from 'handlebars';
import { viewsDir } from '../paths';
import { formatDate, formatDateTime } from './dates';
import { translator, isLang, DEFAULT_LANG } from './i18n';

type Root = { lang?: string; timezone?: string };
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
      /** The first error message for a form field, from `errors: [{path, message}]`. */
      fieldError(errors: Array<{ path: string; message: string }> | undefined, field: string) {
        return errors?.find((e) => e.path === field)?.message ?? '';
      },
    } satisfies Record<string, Handlebars.HelperDelegate>,
  });
}

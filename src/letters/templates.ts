/**
 * Letter templates: Handlebars sources per kind and locale. The built-in version 1 of each is the
 * file `reports/letters/<kind>.<locale>.hbs`, written to `letter_templates` the first time the
 * template is asked for (lazily, outside any transaction; a migration never reads live files).
 * The sysadmin's edits are later versions (src/commands/letters.ts `saveLetterTemplate`).
 *
 * A template outputs the letter markup of ./markup.ts (no HTML: compiled with `noEscape`) and is
 * compiled with `strict`, so a variable that is not in the letter context (./context.ts) fails —
 * when it is saved, tried against the sample contexts, with its line.
 */
import { promises as fsp } from 'node:fs';
import path from 'node:path';
import Handlebars from 'handlebars';
import { UniqueConstraintError } from 'sequelize';
import { transaction } from '../db';
import { runWithContext, systemContext, currentTransaction } from '../lib/context';
import { fieldError, type FieldError } from '../lib/errors';
import { LetterTemplate } from '../models';
import { LETTER_KINDS, LETTER_LOCALES, type LetterKind, type LetterLocale } from '../models/Letter';
import { reportsDir } from '../paths';
import { sampleContexts, type LetterContext } from './context';

export { LETTER_KINDS, LETTER_LOCALES, type LetterKind, type LetterLocale };

export const lettersDir = path.join(reportsDir, 'letters');
export const builtinFile = (kind: LetterKind, locale: LetterLocale) => path.join(lettersDir, `${kind}.${locale}.hbs`);

/** Handlebars with the letters' few helpers (no HTML, no file access). */
const hb = Handlebars.create();
hb.registerHelper('eq', (a: unknown, b: unknown) => a === b);
hb.registerHelper('upper', (s: unknown) => String(s ?? '').toLocaleUpperCase('vi'));

const OPTIONS = { strict: true, noEscape: true } as const;
type Render = (context: LetterContext) => string;
const compiled = new Map<string, Render>();

/** The compiled template of this stored version (cached by its id: a version never changes). */
export function compiledTemplate(template: Pick<LetterTemplate, 'id' | 'source'>): Render {
  let fn = compiled.get(template.id);
  if (!fn) {
    fn = hb.compile(template.source, OPTIONS) as Render;
    compiled.set(template.id, fn);
  }
  return fn;
}

/** The line (1-based) a Handlebars error names: "Parse error on line 3", "… - 3:4". */
export function errorLine(err: unknown): number | null {
  const e = err as { message?: string; lineNumber?: number };
  if (typeof e?.lineNumber === 'number') return e.lineNumber;
  const msg = String(e?.message ?? '');
  const m = /on line (\d+)/.exec(msg) ?? / - (\d+):\d+/.exec(msg);
  return m ? Number(m[1]) : null;
}

/**
 * Whether `source` compiles (Handlebars.precompile, strict) and renders against the sample
 * contexts; the field error names the line. Null when it is fine.
 */
export function checkTemplate(source: string, locale: LetterLocale): FieldError | null {
  try {
    hb.precompile(source, OPTIONS);
    const fn = hb.compile(source, OPTIONS) as Render;
    for (const ctx of sampleContexts(locale)) fn(ctx);
    return null;
  } catch (err) {
    const line = errorLine(err);
    const detail = String((err as Error).message ?? err).split('\n')[0].slice(0, 300);
    return line
      ? fieldError('source', 'letters.errors.templateLine', { line, detail })
      : fieldError('source', 'letters.errors.template', { detail });
  }
}

/** The newest stored version of (kind, locale), or null when none is stored yet. */
export async function latestTemplate(kind: LetterKind, locale: LetterLocale): Promise<LetterTemplate | null> {
  return LetterTemplate.findOne({ where: { kind, locale }, order: [['version', 'DESC']] });
}

/**
 * The current template of (kind, locale): the newest version, or the built-in file stored as
 * version 1 on first use. Reads the file, so it must be called outside any transaction.
 */
export async function currentTemplate(kind: LetterKind, locale: LetterLocale): Promise<LetterTemplate> {
  const stored = await latestTemplate(kind, locale);
  if (stored) return stored;
  if (currentTransaction()) throw new Error('currentTemplate reads a file: call it outside a transaction');
  const source = await fsp.readFile(builtinFile(kind, locale), 'utf8');
  try {
    await runWithContext(systemContext('letter-templates'), () =>
      transaction(() => LetterTemplate.create({ kind, locale, version: 1, source, createdBy: null }, { auditAction: 'letter_template.seeded' } as object)),
    );
  } catch (err) {
    // Another request stored version 1 at the same moment: theirs is the same file.
    if (!(err instanceof UniqueConstraintError)) throw err;
  }
  return (await latestTemplate(kind, locale))!;
}

/** Every (kind, locale) with its current version (the built-in ones stored on the way). */
export async function allCurrentTemplates(): Promise<LetterTemplate[]> {
  const out: LetterTemplate[] = [];
  for (const kind of LETTER_KINDS) for (const locale of LETTER_LOCALES) out.push(await currentTemplate(kind, locale));
  return out;
}

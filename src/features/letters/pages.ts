import { Router, type Request, type Response } from 'express';
import { DateTime } from 'luxon';
import type { Config } from '../../config';
import { issueLetter, previewLetter, saveLetterTemplate } from '../../commands/letters';
import { requireSignIn } from '../../http/auth';
import { visibleCase } from '../../http/cases';
import { field, versionField } from '../../http/forms';
import { formErrors, setFlash } from '../../http/pageLocals';
import { allCurrentTemplates, currentTemplate } from '../../letters/templates';
import { notFound, type FieldError } from '../../lib/errors';
import { idParam } from '../../lib/http';
import { parse } from '../../lib/validate';
import { Complaint, Customer, LetterTemplate, User } from '../../models';
import { LETTER_CHANNELS, LETTER_KINDS, LETTER_LOCALES, type LetterKind } from '../../models/Letter';
import { letterFileName } from '../../outbox/letterIssued';
import { allowed, authorize } from '../../policies/authorize';
import { letterInput, lettersActor, sendPdf } from './api';
import { IssueLetterBody, SaveTemplateBody, TemplateParams } from './schema';

type Form = Record<string, unknown>;
const zoneOf = (res: Response) => String(res.locals.timezone ?? 'Asia/Ho_Chi_Minh');

/** A `datetime-local` value in the organisation's zone as an instant (anything else passed on for zod to refuse). */
function instant(value: string, zone: string): string | undefined {
  if (!value.trim()) return undefined;
  const dt = DateTime.fromISO(value.trim(), { zone });
  return dt.isValid ? dt.toISO()! : value;
}

/** What the letter form shows: strings as typed. */
interface LetterValues {
  template: string;
  locale: string;
  channel: string;
  meetingAt: string;
  meetingPlace: string;
  handedOverAt: string;
}

function fromForm(body: Form): LetterValues {
  return {
    template: field(body, 'template'),
    locale: field(body, 'locale') || 'vi',
    channel: field(body, 'channel'),
    meetingAt: field(body, 'meetingAt'),
    meetingPlace: field(body, 'meetingPlace'),
    handedOverAt: field(body, 'handedOverAt'),
  };
}

function parseForm(values: LetterValues, zone: string, lang: Request['lang']) {
  const meetingGiven = values.meetingAt.trim() || values.meetingPlace.trim();
  const body = parse(
    IssueLetterBody,
    {
      template: values.template || undefined,
      channel: values.channel || undefined,
      locale: values.locale || undefined,
      meeting: meetingGiven ? { at: instant(values.meetingAt, zone) ?? '', place: values.meetingPlace } : undefined,
      handedOverAt: instant(values.handedOverAt, zone),
    },
    lang,
  );
  return letterInput(body);
}

/** Meeting fields' errors (`meeting.at`, `meeting.place`) are shown at the form's own fields. */
const formPaths = (errors: FieldError[]) => errors.map((e) => ({ ...e, path: e.path === 'meeting.at' ? 'meetingAt' : e.path === 'meeting.place' ? 'meetingPlace' : e.path }));

async function renderForm(req: Request, res: Response, complaint: Complaint, values: LetterValues, extra: { status?: number; errors?: FieldError[]; message?: string } = {}): Promise<void> {
  const customer = await Customer.findByPk(complaint.customerId, { attributes: ['id', 'name', 'email', 'address'] });
  const kinds = LETTER_KINDS.filter((kind) => allowed(req, 'create', 'Letter', { kind, complaintId: complaint.id }));
  res.status(extra.status ?? 200).render('letters/form', {
    title: req.t('letters.form.title', { reference: complaint.reference }),
    complaint: { id: complaint.id, reference: complaint.reference, subject: complaint.subject },
    customer: { name: customer?.name ?? '', email: customer?.email ?? '', address: customer?.address ?? '' },
    kinds: kinds.map((k) => ({ value: k, selected: values.template === k })),
    locales: LETTER_LOCALES.map((l) => ({ value: l, selected: values.locale === l })),
    channels: LETTER_CHANNELS.map((c) => ({ value: c, selected: values.channel === c, disabled: c === 'email' && !customer?.email })),
    values,
    errors: extra.errors,
    message: extra.message,
  });
}

const emptyValues = (template: string): LetterValues => ({ template, locale: 'vi', channel: '', meetingAt: '', meetingPlace: '', handedOverAt: '' });

/** The template editor's page for one (kind, locale): the source in a textarea, the history, an old version on request. */
async function renderTemplate(req: Request, res: Response, kind: LetterKind, locale: 'vi' | 'en', extra: { status?: number; source?: string; errors?: FieldError[]; message?: string; viewVersion?: number } = {}): Promise<void> {
  const current = await currentTemplate(kind, locale);
  const versions = await LetterTemplate.findAll({ where: { kind, locale }, order: [['version', 'DESC']] });
  const authors = await User.findAll({ where: { id: versions.map((v) => v.createdBy).filter((x): x is string => Boolean(x)) }, attributes: ['id', 'name'] });
  const names = new Map(authors.map((u) => [u.id, u.name]));
  const viewing = extra.viewVersion ? versions.find((v) => v.version === extra.viewVersion) : undefined;
  if (extra.viewVersion && !viewing) throw notFound('Template version');
  const source = extra.source ?? (viewing ?? current).source;
  const error = extra.errors?.find((e) => e.path === 'source');
  const line = typeof error?.params?.line === 'number' ? error.params.line : null;
  res.status(extra.status ?? 200).render('admin/letter-template', {
    title: req.t('letters.templates.editTitle', { kind: req.t(`letters.kind.${kind}`), locale }),
    kind,
    locale,
    current: { version: current.version },
    viewing: viewing && viewing.version !== current.version ? { version: viewing.version } : null,
    source,
    lineCount: Math.min(40, Math.max(12, source.split('\n').length + 2)),
    errorLine: line ? { number: line, text: source.split('\n')[line - 1] ?? '' } : null,
    versions: versions.map((v) => ({ version: v.version, createdAt: v.createdAt, by: v.createdBy ? names.get(v.createdBy) ?? '' : null, current: v.version === current.version })),
    errors: extra.errors,
    message: extra.message,
  });
}

export function lettersPages(config: Config): Router {
  const r = Router();

  r.get('/complaints/:id/letters/new', requireSignIn, async (req, res) => {
    authorize(req, 'create', 'Letter');
    const complaint = await visibleCase(req, idParam(req));
    const template = String(req.query.template ?? '');
    await renderForm(req, res, complaint, emptyValues((LETTER_KINDS as readonly string[]).includes(template) ? template : ''));
  });

  // The form's Preview button (formaction, a new tab): the PDF, nothing stored.
  r.post('/complaints/:id/letters/preview', requireSignIn, async (req, res) => {
    authorize(req, 'create', 'Letter');
    const complaint = await visibleCase(req, idParam(req));
    const values = fromForm(req.body as Form);
    try {
      const input = parseForm(values, zoneOf(res), req.lang);
      const { bytes } = await previewLetter(complaint.id, input, lettersActor(req), config.timezone);
      sendPdf(res, bytes, `preview_${letterFileName(input.template, complaint.reference)}`);
    } catch (err) {
      const e = formErrors(err, req.t);
      if (e.status !== 400) throw err;
      await renderForm(req, res, complaint, values, { ...e, errors: formPaths(e.errors) });
    }
  });

  r.post('/complaints/:id/letters', requireSignIn, async (req, res) => {
    authorize(req, 'create', 'Letter');
    const complaint = await visibleCase(req, idParam(req));
    const values = fromForm(req.body as Form);
    try {
      await issueLetter(complaint.id, parseForm(values, zoneOf(res), req.lang), lettersActor(req), config.timezone);
    } catch (err) {
      const e = formErrors(err, req.t);
      if (e.status === 400) {
        await renderForm(req, res, complaint, values, { ...e, errors: formPaths(e.errors) });
        return;
      }
      if (e.status !== 409) throw err;
      setFlash(res, 'letters.flash.refused');
      res.redirect(303, `/complaints/${complaint.id}#letters`);
      return;
    }
    setFlash(res, 'letters.flash.issued');
    res.redirect(303, `/complaints/${complaint.id}#letters`);
  });

  r.get('/admin/letter-templates', requireSignIn, async (req, res) => {
    authorize(req, 'update', 'LetterTemplate');
    const templates = await allCurrentTemplates();
    res.render('admin/letter-templates', {
      title: req.t('letters.templates.title'),
      rows: LETTER_KINDS.map((kind) => ({
        kind,
        locales: LETTER_LOCALES.map((locale) => {
          const t = templates.find((x) => x.kind === kind && x.locale === locale)!;
          return { locale, version: t.version, createdAt: t.createdAt };
        }),
      })),
    });
  });

  r.get('/admin/letter-templates/:kind/:locale', requireSignIn, async (req, res) => {
    authorize(req, 'update', 'LetterTemplate');
    const { kind, locale } = parse(TemplateParams, req.params, req.lang);
    const v = Number(req.query.version);
    await renderTemplate(req, res, kind, locale, { viewVersion: Number.isInteger(v) && v > 0 ? v : undefined });
  });

  r.post('/admin/letter-templates/:kind/:locale', requireSignIn, async (req, res) => {
    authorize(req, 'update', 'LetterTemplate');
    const { kind, locale } = parse(TemplateParams, req.params, req.lang);
    const body = req.body as Form;
    const source = field(body, 'source');
    try {
      const { version } = parse(SaveTemplateBody, { source, version: versionField(body) }, req.lang);
      await saveLetterTemplate(kind, locale, source, version, req.user!.id);
    } catch (err) {
      const e = formErrors(err, req.t);
      if (e.status !== 400 && e.status !== 409) throw err;
      await renderTemplate(req, res, kind, locale, { ...e, source });
      return;
    }
    setFlash(res, 'letters.templates.saved');
    res.redirect(303, `/admin/letter-templates/${kind}/${locale}`);
  });

  return r;
}

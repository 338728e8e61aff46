import { Router, type Request, type Response } from 'express';
import { DateTime } from 'luxon';
import type { Config } from '../../config';
import { decideRegulatoryReview, fileRegulatoryReport, submitRegulatoryReview } from '../../commands/regulatory';
import { verifySigner } from '../../commands/signing';
import { canonicalJson } from '../../domain/canonical';
import { contentSha256, DECISION_MEANING, defaultCategory, signedContent, type SignedContent } from '../../domain/regulatory';
import { requireSignIn } from '../../http/auth';
import { readsCase, visibleCase } from '../../http/cases';
import { field, isChecked, optionalField } from '../../http/forms';
import { formErrors, setFlash } from '../../http/pageLocals';
import * as clock from '../../lib/clock';
import { boundToInstant } from '../../lib/dates';
import { AppError, forbidden, type FieldError } from '../../lib/errors';
import { idParam } from '../../lib/http';
import { parse } from '../../lib/validate';
import { Complaint, RegulatoryReview } from '../../models';
import { allowed, authorize } from '../../policies/authorize';
import { mayReadRegulatoryQueue, mayReadRegulatoryRegister } from '../../policies/regulatoryReaders';
import { categoryOptions } from '../../presenters/regulatory';
import { dueText } from '../../presenters/time';
import { currentReview, registerPage } from '../../queries/regulatory';
import { regulatoryActor } from './api';
import { DecisionBody, FilingBody, RegisterQuery, SubmitReviewBody } from './schema';

type Form = Record<string, unknown>;

/** Where a review stands against its report deadline, for the register. */
function deadlineState(v: RegulatoryReview, now: Date): 'filed' | 'filed_late' | 'not_needed' | 'overdue' | 'pending' {
  if (v.filedAt) return v.reportSubmittedAt && v.reportSubmittedAt.getTime() > v.reportDueAt.getTime() ? 'filed_late' : 'filed';
  if (v.decision === 'no_report') return 'not_needed';
  return v.reportDueAt.getTime() < now.getTime() ? 'overdue' : 'pending';
}

/** The reviews awaiting the CEO (oldest first, at most 500) of the cases this reader may see, with their case: the decision queue. */
async function reviewsWithCases(req: Request, where: Record<string, unknown>, order: 'ASC' | 'DESC') {
  const reviews = await RegulatoryReview.findAll({ where, order: [['submittedAt', order], ['id', order]], limit: 500 });
  const cases = new Map((await Complaint.findAll({ where: { id: [...new Set(reviews.map((v) => v.complaintId))] } })).map((c) => [c.id, c]));
  return reviews.flatMap((v) => {
    const c = cases.get(v.complaintId);
    return c && readsCase(req, c) ? [{ v, c }] : [];
  });
}

const back = (res: Response, id: string) => res.redirect(303, `/complaints/${id}#regulatory`);

/** The command's refusal as a flash (flash keys are lower snake case): sealed, the state's reason, or the field's. */
const FLASH: Record<string, string> = {
  'regulatory.errors.finished': 'finished',
  'regulatory.errors.notSerious': 'not_serious',
  'regulatory.errors.alreadyOpen': 'already_open',
  'regulatory.errors.reportUnfiled': 'report_unfiled',
  'regulatory.errors.summary': 'summary',
  'regulatory.errors.noReview': 'no_review',
  'regulatory.errors.filed': 'filed',
  'regulatory.errors.noReportDecision': 'no_report_decision',
  'regulatory.errors.submittedInFuture': 'submitted_in_future',
  'regulatory.errors.staleContent': 'stale',
  'regulatory.errors.signedMeanwhile': 'signed_meanwhile',
};
function flashOf(err: AppError): string {
  if (err.code === 'immutable_record') return 'regulatory.flash.sealed';
  const key = err.messageKey ?? err.errors?.find((e) => e.key)?.key;
  if (key && FLASH[key]) return `regulatory.flash.${FLASH[key]}`;
  return err.status === 400 ? 'regulatory.flash.invalid' : 'regulatory.flash.failed';
}

/** A refusal a page says as a notice: 4xx but not 401/403/404 (the error page, or sign-in). */
const noticeable = (err: unknown): err is AppError => err instanceof AppError && err.status >= 400 && err.status < 500 && ![401, 403, 404].includes(err.status);

const FORM_FIELDS = new Set(['summary', 'reportCategory', 'potentialSeriousHarm', 'authority', 'submittedAt', 'referenceNo']);
/** A refusal about what was typed (400, or a 409 naming a field of the form such as the harm box): the form is shown again; the case's state is said on the case page. */
const refusedFields = (err: AppError) => err.status === 400 || (err.status === 409 && err.code !== 'immutable_record' && Boolean(err.errors?.some((e) => FORM_FIELDS.has(e.path))));

/** Plain messages for a field left blank (zod's own says "too small"). */
const BLANK: Record<string, string> = { summary: 'regulatory.errors.summary', authority: 'intake.errors.required', referenceNo: 'intake.errors.required', submittedAt: 'intake.errors.required' };

/**
 * The submission or the filing form on a page of its own, after a refusal: each field's error
 * beside it, the typed values kept (the findings form's pattern); the case page's panel shows the
 * same form (views/partials/regulatory-{submit,file}-form.hbs).
 */
async function renderForm(req: Request, res: Response, complaint: Complaint, kind: 'submit' | 'file', form: { values: Record<string, unknown> } & Record<string, unknown>, err: AppError): Promise<void> {
  const { status, errors, message } = formErrors(err, req.t);
  const shown = errors.map((e) => {
    const typed = form.values[e.path];
    return !e.key && BLANK[e.path] && (typeof typed !== 'string' || typed.trim() === '') ? { ...e, message: req.t(BLANK[e.path]) } : e;
  });
  res.status(status).render('regulatory/form', {
    title: req.t(kind === 'file' ? 'regulatory.file.title' : 'regulatory.submit.title'),
    complaint: { id: complaint.id, reference: complaint.reference, subject: complaint.subject },
    filing: kind === 'file',
    form: { ...form, errors: shown },
    errors: shown,
    message: status === 400 ? undefined : message,
  });
}

/** What the signing form carries, as typed. */
interface SignValues {
  decision: string;
  rationale: string;
  reportCategory: string;
}

const signValues = (body: Form): SignValues => ({ decision: field(body, 'decision'), rationale: field(body, 'rationale'), reportCategory: field(body, 'reportCategory') });

interface SignView {
  step: 'choose' | 'confirm';
  values: SignValues;
  content?: SignedContent;
  status?: number;
  errors?: FieldError[];
  message?: string;
  notice?: string;
}

async function renderSign(req: Request, res: Response, complaint: Complaint, review: RegulatoryReview, view: SignView): Promise<void> {
  const content = view.content;
  res.status(view.status ?? 200).render('regulatory/sign', {
    title: req.t('regulatory.sign.title', { reference: complaint.reference }),
    complaint: { id: complaint.id, reference: complaint.reference, subject: complaint.subject, harmKey: `enum.harm.${complaint.harm}` },
    review: { summary: review.summary, status: review.status, decision: review.decision ?? null, categoryKey: `regulatory.category.${review.reportCategory}` },
    supersede: review.status === 'decided',
    confirm: view.step === 'confirm',
    values: view.values,
    decisions: ['report', 'no_report'].map((d) => ({ value: d, key: `regulatory.decision.${d}`, checked: view.values.decision === d })),
    categories: categoryOptions(view.values.reportCategory || review.reportCategory),
    content: content
      ? { ...content, harmKey: `enum.harm.${content.harm}`, categoryKey: `regulatory.category.${content.reportCategory}`, decisionKey: `regulatory.decision.${content.decision}`, json: canonicalJson(content), sha256: contentSha256(content) }
      : null,
    meaning: DECISION_MEANING,
    signer: { name: req.user!.name },
    // The decision the CEO sees as current: a second submission of the same form is refused, not signed again.
    signedAfter: review.signatureId ?? '',
    errors: view.errors,
    message: view.message,
    notice: view.notice,
  });
}

/** The case and its review to sign, or a flash back to the case (none, or filed). */
async function reviewToSign(req: Request, res: Response): Promise<{ complaint: Complaint; review: RegulatoryReview } | null> {
  const complaint = await visibleCase(req, idParam(req));
  const review = await currentReview(complaint.id);
  if (!review || review.status === 'filed' || complaint.status === 'archived') {
    setFlash(res, complaint.status === 'archived' ? 'regulatory.flash.sealed' : review ? 'regulatory.flash.filed' : 'regulatory.flash.no_review');
    back(res, complaint.id);
    return null;
  }
  return { complaint, review };
}

/** /complaints/:id/regulatory/* (the case page's forms and the CEO's signing page), /regulatory/queue. */
export function regulatoryPages(config: Config): Router {
  const r = Router();
  const zone = config.timezone;

  r.post('/complaints/:id/regulatory/submit', requireSignIn, async (req, res) => {
    authorize(req, 'submit', 'RegulatoryReview');
    const complaint = await visibleCase(req, idParam(req));
    const body = req.body as Form;
    const values = { summary: field(body, 'summary'), reportCategory: field(body, 'reportCategory'), potentialSeriousHarm: isChecked(body, 'potentialSeriousHarm') };
    try {
      const input = parse(
        SubmitReviewBody,
        { summary: values.summary, reportCategory: optionalField(body, 'reportCategory'), ...(values.potentialSeriousHarm ? { potentialSeriousHarm: true } : {}) },
        req.lang,
      );
      await submitRegulatoryReview(complaint.id, input, regulatoryActor(req, 'submit'), zone);
      setFlash(res, 'regulatory.flash.submitted');
    } catch (err) {
      if (!noticeable(err)) throw err;
      if (refusedFields(err)) {
        const form = { askHarm: !complaint.regulatoryReviewRequired, categories: categoryOptions(values.reportCategory || defaultCategory(complaint.harm)), values };
        await renderForm(req, res, complaint, 'submit', form, err);
        return;
      }
      setFlash(res, flashOf(err));
    }
    back(res, complaint.id);
  });

  r.get('/complaints/:id/regulatory/sign', requireSignIn, async (req, res) => {
    authorize(req, 'sign', 'RegulatoryReview');
    const found = await reviewToSign(req, res);
    if (!found) return;
    const { complaint, review } = found;
    await renderSign(req, res, complaint, review, { step: 'choose', values: { decision: review.decision ?? '', rationale: review.rationale ?? '', reportCategory: review.reportCategory } });
  });

  // Step 1 (`step=confirm`): the decision chosen → the exact content and its hash, with the password field. Step 2 (`step=sign`): signed.
  r.post('/complaints/:id/regulatory/sign', requireSignIn, async (req, res) => {
    authorize(req, 'sign', 'RegulatoryReview');
    const found = await reviewToSign(req, res);
    if (!found) return;
    const { complaint, review } = found;
    const body = req.body as Form;
    const values = signValues(body);
    const step = field(body, 'step');
    const raw = { decision: optionalField(body, 'decision'), rationale: values.rationale, reportCategory: optionalField(body, 'reportCategory') };
    let input;
    try {
      input = parse(DecisionBody.pick({ decision: true, rationale: true, reportCategory: true }), raw, req.lang);
    } catch (err) {
      const { status, errors } = formErrors(err, req.t);
      await renderSign(req, res, complaint, review, { step: 'choose', values, status, errors });
      return;
    }
    const content = signedContent({
      reference: complaint.reference,
      subject: complaint.subject,
      harm: complaint.harm,
      summary: review.summary,
      reportCategory: input.reportCategory ?? review.reportCategory,
      decision: input.decision,
      rationale: input.rationale.trim(),
    });
    if (step !== 'sign') {
      await renderSign(req, res, complaint, review, { step: step === 'edit' ? 'choose' : 'confirm', values, content: step === 'edit' ? undefined : content });
      return;
    }
    const password = field(body, 'password');
    const shown = field(body, 'contentSha256');
    if (!password) {
      await renderSign(req, res, complaint, review, { step: 'confirm', values, content, status: 400, errors: [{ path: 'password', message: req.t('regulatory.sign.passwordRequired') }] });
      return;
    }
    const actor = regulatoryActor(req, 'sign');
    try {
      const decision = parse(DecisionBody, { ...input, password, ...(shown ? { contentSha256: shown } : {}) }, req.lang);
      const { password: _password, ...command } = decision;
      await verifySigner({ userId: actor.userId, password, complaintId: complaint.id, reviewId: review.id });
      await decideRegulatoryReview(complaint.id, { ...command, expectedSignatureId: field(body, 'signedAfter') }, actor, zone);
    } catch (err) {
      if (err instanceof AppError && err.code === 'signature_invalid') {
        await renderSign(req, res, complaint, review, { step: 'confirm', values, content, status: 401, message: req.t('regulatory.sign.wrongPassword') });
        return;
      }
      if (err instanceof AppError && err.code === 'rate_limited') {
        for (const [k, v] of Object.entries(err.headers ?? {})) res.setHeader(k, v);
        const minutes = Math.max(1, Math.ceil(Number(err.headers?.['Retry-After'] ?? 60) / 60));
        await renderSign(req, res, complaint, review, { step: 'confirm', values, content, status: 429, notice: req.t('regulatory.sign.rateLimited', { count: minutes }) });
        return;
      }
      if (!noticeable(err)) throw err;
      if (err.messageKey === 'regulatory.errors.staleContent') {
        // The case or the review changed after the content was shown: `content` is what would be signed now — read it and sign again.
        await renderSign(req, res, complaint, review, { step: 'confirm', values, content, status: 409, notice: req.t('regulatory.errors.staleContent') });
        return;
      }
      if (err.status === 400) {
        const { errors } = formErrors(err, req.t);
        await renderSign(req, res, complaint, review, { step: 'choose', values, status: 400, errors });
        return;
      }
      setFlash(res, flashOf(err));
      back(res, complaint.id);
      return;
    }
    setFlash(res, 'regulatory.flash.signed');
    back(res, complaint.id);
  });

  r.post('/complaints/:id/regulatory/file', requireSignIn, async (req, res) => {
    authorize(req, 'file', 'RegulatoryReview');
    const complaint = await visibleCase(req, idParam(req));
    const body = req.body as Form;
    const values = { authority: field(body, 'authority'), submittedAt: field(body, 'submittedAt'), referenceNo: field(body, 'referenceNo') };
    try {
      const at = field(body, 'submittedAt');
      const local = at ? DateTime.fromISO(at, { zone }) : null;
      const input = parse(
        FilingBody,
        { authority: field(body, 'authority'), submittedAt: local?.isValid ? local.toISO()! : at, referenceNo: field(body, 'referenceNo') },
        req.lang,
      );
      await fileRegulatoryReport(complaint.id, { ...input, submittedAt: new Date(input.submittedAt) }, regulatoryActor(req, 'file'));
      setFlash(res, 'regulatory.flash.filed_ok');
    } catch (err) {
      if (!noticeable(err)) throw err;
      if (refusedFields(err)) {
        await renderForm(req, res, complaint, 'file', { values }, err);
        return;
      }
      setFlash(res, flashOf(err));
    }
    back(res, complaint.id);
  });

  r.get('/regulatory/queue', requireSignIn, async (req, res) => {
    if (!mayReadRegulatoryQueue(req)) throw forbidden('You are not allowed to read the regulatory queue.', { action: 'read', subject: 'RegulatoryReview', entityId: null });
    const now = clock.now();
    const rows = (await reviewsWithCases(req, { status: 'awaiting_ceo' }, 'ASC')).map(({ v, c }) => ({
      complaintId: c.id,
      reference: c.reference,
      subject: c.subject,
      harmKey: `enum.harm.${c.harm}`,
      categoryKey: `regulatory.category.${v.reportCategory}`,
      submittedAt: v.submittedAt.toISOString(),
      reportDueAt: v.reportDueAt.toISOString(),
      due: dueText(v.reportDueAt, now, req.t),
      signHref: allowed(req, 'sign', 'RegulatoryReview') ? `/complaints/${c.id}/regulatory/sign` : null,
    }));
    res.render('regulatory/queue', { title: req.t('regulatory.queue.title'), rows, registerHref: mayReadRegulatoryRegister(req) ? '/regulatory' : null });
  });

  r.get('/regulatory', requireSignIn, async (req, res) => {
    if (!mayReadRegulatoryRegister(req)) throw forbidden('You are not allowed to read the regulatory register.', { action: 'read', subject: 'RegulatoryReview', entityId: null });
    const now = clock.now();
    const query = Object.fromEntries(['decision', 'filing', 'receivedFrom', 'receivedTo', 'limit', 'cursor'].map((k) => [k, typeof req.query[k] === 'string' ? req.query[k] : undefined]));
    const filters = { decision: query.decision ?? '', filing: query.filing ?? '', receivedFrom: query.receivedFrom ?? '', receivedTo: query.receivedTo ?? '' };
    const view = { title: req.t('regulatory.register.title'), queueHref: mayReadRegulatoryQueue(req) ? '/regulatory/queue' : null, filters, decisionOptions: ['report', 'no_report', 'none'], filingOptions: ['filed', 'unfiled', 'overdue'] };
    let page;
    try {
      const q = parse(RegisterQuery, query, req.lang);
      page = await registerPage(
        {
          decision: q.decision,
          filing: q.filing,
          receivedFrom: q.receivedFrom ? boundToInstant(q.receivedFrom, zone, 'start') : undefined,
          receivedTo: q.receivedTo ? boundToInstant(q.receivedTo, zone, 'end') : undefined,
          limit: q.limit,
          cursor: q.cursor,
        },
        (c) => readsCase(req, c),
        now,
      );
    } catch (err) {
      const { status, errors } = formErrors(err, req.t);
      res.status(status).render('regulatory/register', { ...view, rows: [], errors, refused: true });
      return;
    }
    const rows = page.rows.map(({ v, c }) => {
      const state = deadlineState(v, now);
      return {
        complaintId: c.id,
        reference: c.reference,
        subject: c.subject,
        receivedAt: c.receivedAt.toISOString(),
        statusKey: `regulatory.status.${v.status}`,
        categoryKey: `regulatory.category.${v.reportCategory}`,
        submittedAt: v.submittedAt.toISOString(),
        decisionKey: v.decision ? `regulatory.decision.${v.decision}` : null,
        decidedAt: v.decidedAt ? v.decidedAt.toISOString() : null,
        reportDueAt: v.reportDueAt.toISOString(),
        provisional: v.decision !== 'report',
        state,
        stateKey: `regulatory.register.state.${state}`,
        due: state === 'pending' || state === 'overdue' ? dueText(v.reportDueAt, now, req.t) : null,
        filing: v.filedAt ? { authority: v.authority, referenceNo: v.referenceNo, submittedAt: v.reportSubmittedAt ? v.reportSubmittedAt.toISOString() : null } : null,
      };
    });
    const kept = Object.entries({ ...filters, limit: query.limit ?? '' }).filter(([, v]) => v !== '');
    const nextHref = page.nextCursor ? `/regulatory?${new URLSearchParams([...kept, ['cursor', page.nextCursor]]).toString()}` : null;
    const firstHref = query.cursor ? `/regulatory?${new URLSearchParams(kept).toString()}` : null;
    res.render('regulatory/register', { ...view, rows, nextHref, firstHref });
  });

  return r;
}

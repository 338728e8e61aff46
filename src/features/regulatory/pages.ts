import { Router, type Request, type Response } from 'express';
import { DateTime } from 'luxon';
import type { Config } from '../../config';
import { decideRegulatoryReview, fileRegulatoryReport, submitRegulatoryReview } from '../../commands/regulatory';
import { verifySigner } from '../../commands/signing';
import { canonicalJson } from '../../domain/canonical';
import { contentSha256, DECISION_MEANING, signedContent, type SignedContent } from '../../domain/regulatory';
import { requireSignIn } from '../../http/auth';
import { readsCase, visibleCase } from '../../http/cases';
import { field, isChecked, optionalField } from '../../http/forms';
import { formErrors, setFlash } from '../../http/pageLocals';
import * as clock from '../../lib/clock';
import { AppError, forbidden, type FieldError } from '../../lib/errors';
import { idParam } from '../../lib/http';
import { parse } from '../../lib/validate';
import { Complaint, RegulatoryReview } from '../../models';
import { allowed, authorize } from '../../policies/authorize';
import { mayReadRegulatoryQueue, mayReadRegulatoryRegister } from '../../policies/regulatoryReaders';
import { categoryOptions } from '../../presenters/regulatory';
import { dueText } from '../../presenters/time';
import { currentReview } from '../../queries/regulatory';
import { regulatoryActor } from './api';
import { DecisionBody, FilingBody, SubmitReviewBody } from './schema';

type Form = Record<string, unknown>;

/** Where a review stands against its report deadline, for the register. */
function deadlineState(v: RegulatoryReview, now: Date): 'filed' | 'filed_late' | 'not_needed' | 'overdue' | 'pending' {
  if (v.filedAt) return v.reportSubmittedAt && v.reportSubmittedAt.getTime() > v.reportDueAt.getTime() ? 'filed_late' : 'filed';
  if (v.decision === 'no_report') return 'not_needed';
  return v.reportDueAt.getTime() < now.getTime() ? 'overdue' : 'pending';
}

/** The reviews (newest first, at most 500) of the cases this reader may see, with their case. */
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
    try {
      const input = parse(
        SubmitReviewBody,
        { summary: field(body, 'summary'), reportCategory: optionalField(body, 'reportCategory'), ...(isChecked(body, 'potentialSeriousHarm') ? { potentialSeriousHarm: true } : {}) },
        req.lang,
      );
      await submitRegulatoryReview(complaint.id, input, regulatoryActor(req, 'submit'), zone);
      setFlash(res, 'regulatory.flash.submitted');
    } catch (err) {
      if (!noticeable(err)) throw err;
      setFlash(res, field(body, 'summary').trim() === '' ? 'regulatory.flash.summary' : flashOf(err));
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
    const rows = (await reviewsWithCases(req, {}, 'DESC')).map(({ v, c }) => {
      const state = deadlineState(v, now);
      return {
        complaintId: c.id,
        reference: c.reference,
        subject: c.subject,
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
    res.render('regulatory/register', { title: req.t('regulatory.register.title'), rows, queueHref: mayReadRegulatoryQueue(req) ? '/regulatory/queue' : null });
  });

  return r;
}

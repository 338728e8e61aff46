import { subject } from '@casl/ability';
import { Router, type Request, type Response } from 'express';
import { DateTime } from 'luxon';
import { Op } from 'sequelize';
import type { Config } from '../../config';
import { reviewCase, type Actor } from '../../commands/caseTransitioner';
import { proposeSolution, recordFollowUp } from '../../commands/solutions';
import { CONTACT_CHANNELS } from '../../domain/entries';
import { requireSignIn } from '../../http/auth';
import { visibleCase } from '../../http/cases';
import { field, friendlierErrors, optionalField, versionField } from '../../http/forms';
import { formErrors, setFlash } from '../../http/pageLocals';
import * as clock from '../../lib/clock';
import { fieldError, type FieldError } from '../../lib/errors';
import { idParam } from '../../lib/http';
import { parse } from '../../lib/validate';
import { Complaint, ComplaintStage, Solution, User } from '../../models';
import type { SubjectRecord } from '../../policies/ability';
import { accessibleWhere } from '../../policies/accessible';
import { authorize } from '../../policies/authorize';
import { dueText } from '../../presenters/time';
import { recordActor } from './api';
import { FollowUpBody, ProposeSolutionBody } from './schema';

type Form = Record<string, unknown>;
type Which = 'propose' | 'review' | 'followUp';

/** The values a refused form gives back, as typed. */
type Values = Record<string, string>;

const back = (res: Response, id: string, anchor = 'solution') => res.redirect(303, `/complaints/${id}#${anchor}`);

/** The CS director as the review command sees them: the ability asked about the row it locked. */
const reviewActor = (req: Request): Actor => ({
  userId: req.user!.id,
  can: (action, c) => req.ability.can(action, subject('Complaint', c.get({ plain: true }) as SubjectRecord)),
});

/** A refused form, again, on a page of its own: the field errors next to the fields, the user's values kept. */
async function renderForm(req: Request, res: Response, complaint: Complaint, which: Which, values: Values, errors: FieldError[], message?: string): Promise<void> {
  const pending = which === 'review' ? await Solution.findOne({ where: { complaintId: complaint.id, round: complaint.round, reviewedAt: null }, order: [['number', 'DESC']] }) : null;
  res.status(400).render('solutions/form', {
    title: req.t(`solution.form.title.${which}`, { reference: complaint.reference }),
    complaint: { id: complaint.id, reference: complaint.reference, subject: complaint.subject, version: complaint.version },
    propose: which === 'propose',
    review: which === 'review',
    followUp: which === 'followUp',
    pending: pending ? { summary: pending.summary, version: pending.number } : null,
    channels: CONTACT_CHANNELS,
    values,
    errors,
    message,
  });
}

/** What a refusal does on a page: 400 → the form again; 409 (stage, version, sealed) → the case page says why. */
async function refused(req: Request, res: Response, err: unknown, complaint: Complaint, which: Which, values: Values): Promise<void> {
  const { status, errors, message } = formErrors(err, req.t);
  if (status === 400) {
    const blanks = new Set(Object.entries(values).filter(([, v]) => v.trim() === '').map(([k]) => k));
    await renderForm(req, res, complaint, which, values, friendlierErrors(errors, (p) => blanks.has(p), req.t), message);
    return;
  }
  setFlash(res, status === 409 ? 'solution.flash.conflict' : 'solution.flash.failed');
  back(res, complaint.id, which === 'followUp' ? 'follow-up' : 'solution');
}

/** The cases waiting for the CS director's review that this reader may see, oldest first (by the time they entered review). */
async function reviewQueue(req: Request, now: Date) {
  const visible = accessibleWhere(req.ability, 'read', 'Complaint');
  if (!visible) return [];
  const cases = await Complaint.findAll({ where: { [Op.and]: [visible, { status: 'review' }] }, order: [['stageEnteredAt', 'ASC'], ['id', 'ASC']], limit: 500 });
  if (!cases.length) return [];
  const ids = cases.map((c) => c.id);
  const [visits, proposals] = await Promise.all([
    ComplaintStage.findAll({ where: { complaintId: ids, exitedAt: null }, attributes: ['complaintId', 'dueAt'] }),
    Solution.findAll({ where: { complaintId: ids, reviewedAt: null }, order: [['number', 'DESC']] }),
  ]);
  const due = new Map(visits.map((v) => [v.complaintId, v.dueAt]));
  const proposal = new Map<string, Solution>();
  for (const s of proposals) if (!proposal.has(s.complaintId)) proposal.set(s.complaintId, s);
  const proposerIds = [...new Set([...proposal.values()].map((s) => s.proposedBy).filter((x): x is string => Boolean(x)))];
  const names = new Map((proposerIds.length ? await User.findAll({ where: { id: proposerIds }, attributes: ['id', 'name'] }) : []).map((u) => [u.id, u.name]));
  return cases.map((c) => {
    const s = proposal.get(c.id);
    const dueAt = due.get(c.id) ?? null;
    return {
      id: c.id,
      reference: c.reference,
      subject: c.subject,
      round: c.round,
      enteredAt: c.stageEnteredAt.toISOString(),
      dueAt: dueAt?.toISOString() ?? null,
      due: dueAt ? dueText(dueAt, now, req.t) : null,
      proposal: s ? { version: s.number, proposedBy: s.proposedBy ? names.get(s.proposedBy) ?? '' : '', mine: s.proposedBy === req.user!.id } : null,
    };
  });
}

/** The case page's solution and follow-up forms (views/partials/solution-panel.hbs), and the CS director's review page /reviews. */
export function solutionsPages(config: Config): Router {
  const r = Router();
  const zone = config.timezone;

  r.post('/complaints/:id/solution', requireSignIn, async (req, res) => {
    authorize(req, 'create', 'Solution');
    const complaint = await visibleCase(req, idParam(req));
    const body = req.body as Form;
    const values = { summary: field(body, 'summary') };
    try {
      const { summary, version } = parse(ProposeSolutionBody, { summary: values.summary, version: versionField(body) }, req.lang);
      await proposeSolution(complaint.id, { summary, version }, recordActor(req, 'Solution'));
    } catch (err) {
      await refused(req, res, err, complaint, 'propose', values);
      return;
    }
    setFlash(res, 'solution.flash.proposed');
    back(res, complaint.id);
  });

  r.post('/complaints/:id/review', requireSignIn, async (req, res) => {
    authorize(req, 'review', 'Complaint');
    const complaint = await visibleCase(req, idParam(req));
    const body = req.body as Form;
    const approved = field(body, 'approved') === 'true';
    const values = { approved: approved ? 'true' : 'false', comment: field(body, 'comment') };
    const comment = values.comment.trim();
    if (!approved && !comment) {
      // A return carries its reasons (as the API's ReviewBody says).
      await renderForm(req, res, complaint, 'review', values, [{ ...fieldError('comment', 'errors.returnComment'), message: req.t('errors.returnComment') }]);
      return;
    }
    try {
      await reviewCase(complaint.id, versionField(body), { approved, comment: comment || undefined }, reviewActor(req), zone);
    } catch (err) {
      await refused(req, res, err, complaint, 'review', values);
      return;
    }
    setFlash(res, approved ? 'solution.flash.approved' : 'solution.flash.returned');
    back(res, complaint.id);
  });

  r.post('/complaints/:id/follow-up', requireSignIn, async (req, res) => {
    authorize(req, 'create', 'FollowUp');
    const complaint = await visibleCase(req, idParam(req));
    const body = req.body as Form;
    const values = { contactedAt: field(body, 'contactedAt'), via: field(body, 'via'), satisfied: field(body, 'satisfied'), note: field(body, 'note') };
    try {
      const local = values.contactedAt ? DateTime.fromISO(values.contactedAt, { zone }) : null;
      const satisfied = values.satisfied === 'true' ? true : values.satisfied === 'false' ? false : undefined;
      const input = parse(
        FollowUpBody,
        { contactedAt: local?.isValid ? local.toISO()! : optionalField(body, 'contactedAt'), via: optionalField(body, 'via'), satisfied, note: values.note },
        req.lang,
      );
      await recordFollowUp(complaint.id, { ...input, contactedAt: new Date(input.contactedAt) }, recordActor(req, 'FollowUp'));
    } catch (err) {
      await refused(req, res, err, complaint, 'followUp', values);
      return;
    }
    setFlash(res, 'solution.flash.followUp');
    back(res, complaint.id, 'follow-up');
  });

  r.get('/reviews', requireSignIn, async (req, res) => {
    authorize(req, 'review', 'Complaint');
    const now = clock.now();
    res.render('solutions/reviews', { title: req.t('solution.reviews.title'), rows: await reviewQueue(req, now) });
  });

  return r;
}

import { subject } from '@casl/ability';
import { Router, type Request, type Response } from 'express';
import type { Config } from '../../config';
import { transitionCase } from '../../commands/caseTransitioner';
import { intakeComplaint } from '../../commands/complaintIntaker';
import { recordFirstReply, updateComplaint } from '../../commands/complaints';
import { pendingClocks } from '../../domain/clocks';
import { RECURRENCE_FIELDS } from '../../domain/recurrence';
import { FINISHED, type TransitionInput } from '../../domain/workflow';
import { AppError, fieldError, type FieldError } from '../../lib/errors';
import { pageQuery } from '../../lib/http';
import { parse } from '../../lib/validate';
import { Customer, User, type Complaint } from '../../models';
import type { RecurrenceMatch } from '../../models/Complaint';
import type { SubjectRecord } from '../../policies/ability';
import { allowed, authorize } from '../../policies/authorize';
import { caseDetail, listComplaints } from '../../queries/complaints';
import { currentBreachLevels } from '../../queries/slaBreaches';
import { listCustomers } from '../../queries/customers';
import { requireSignIn } from '../../http/auth';
import { presentCustomer } from '../../presenters/customers';
import { formErrors, setFlash } from '../../http/pageLocals';
import { complaintFilter, transitionActor, visibleComplaint } from './api';
import { blank, blankIntake, classification, EDIT_FIELDS, editValues, intakeValues, isUuid, localInstant, newCustomerGiven, nowLocal, OPTIONS, parseIntake, renderEdit, renderIntake, type Form } from './entryForm';
import { clocksOf, presentComplaint } from '../../presenters/complaints';
import { evidencePanel, type EvidenceJson } from '../../presenters/evidence';
import { findingsPanel } from '../../presenters/findings';
import { meetingsPanel, type MeetingJson } from '../../presenters/meetings';
import { lettersPanel, type LetterJson } from '../../presenters/letters';
import { LETTER_KINDS } from '../../models/Letter';
import { regulatoryPanel } from '../../presenters/regulatory';
import { solutionPanel, type FollowUpJson, type SolutionJson } from '../../presenters/solutions';
import { actionsPanelFor, type ActionJson } from '../../presenters/actions';
import { linkCandidatesFor } from '../../queries/actions';
import { mayReadReportForm } from '../../policies/regulatoryReaders';
import { defaultCategory } from '../../domain/regulatory';
import type { ReviewJson, SignatureJson } from '../../queries/regulatory';
import { findingsRecordable } from '../../commands/findings';
import { redactFields } from '../../policies/fieldRules';
import { ComplaintListQuery, FirstReplyBody, TransitionBody, UpdateComplaintBody } from './schema';
import { caseClocks, contactChannelsFor, transitionForms, type TransitionForm } from './view';
import { dueText, humanDuration } from '../../presenters/time';
import { field, friendlierErrors, optionalField, versionField } from '../../http/forms';
import { intakeCustomerOptions } from '../../http/customerPicker';
import * as clock from '../../lib/clock';

type Translate = Request['t'];
const plainOf = (c: Complaint) => c.get({ plain: true }) as SubjectRecord;
const can = (req: Request, action: Parameters<Request['ability']['can']>[0], c: Complaint) => req.ability.can(action, subject('Complaint', plainOf(c)));

// ——— The queue ———

/** What the queue reads from its query string: the list filter of the API plus the page's own `customer` box. */
const QUEUE_PARAMS = [...Object.keys(ComplaintListQuery.shape), 'customer'];

/**
 * The queue's query string, cleaned: blanks dropped, repeated values joined (status=a&status=b → "a,b"),
 * and parameters that are not filters (the footer's ?lang=en) left out.
 */
function queueQuery(req: Request): Record<string, string> {
  const out = pageQuery(req, QUEUE_PARAMS);
  if (!out.sort) {
    // Finished entries have no pending deadline: a list of only those reads newest first.
    const statuses = (out.status ?? '').split(',').filter(Boolean);
    out.sort = statuses.length && statuses.every((s) => (FINISHED as readonly string[]).includes(s)) ? 'received' : 'due';
  }
  return out;
}

function queueRow(c: Complaint, now: Date, t: Translate) {
  const p = presentComplaint(c, now);
  const next = pendingClocks({ status: c.status, clocks: clocksOf(c) }).sort((a, b) => a.due.getTime() - b.due.getTime())[0];
  return {
    ...p,
    next: next
      ? {
          label: t(`clock.name.${next.clock}`, { stage: t(`stage.${c.status}`) }),
          due: next.due.toISOString(),
          ...dueText(next.due, now, t),
        }
      : null,
  };
}

const withQuery = (base: Record<string, string>, changes: Record<string, string | undefined>) => {
  const q = { ...base, ...changes };
  return new URLSearchParams(Object.entries(q).filter((e): e is [string, string] => e[1] !== undefined && e[1] !== '')).toString();
};

// ——— The case page ———

/**
 * Why an earlier entry made this one recurring, in the user's language: "cùng lô L-77" /
 * "same lot L-77", one phrase per matched criterion with the value it matched on (entries logged
 * before migration 0006 stored no values: the criterion alone).
 */
function recurrenceWhy(match: RecurrenceMatch, t: Translate): string {
  return match.matchedBy
    .map((m) => {
      // The customer is this case's own: naming it again says nothing.
      const value = m === 'category' || m === 'customer' ? undefined : match[RECURRENCE_FIELDS[m]];
      const label = t(`enum.matchedBy.${m}`);
      return value ? `${label} ${value}` : label;
    })
    .join(', ');
}

interface CaseExtras {
  status?: number;
  errors?: FieldError[];
  message?: string;
  /** Which form the errors belong to: a transition target, 'firstReply'. */
  form?: string;
  values?: Record<string, string>;
}

const fieldsOf = (errors: FieldError[]) => Object.fromEntries(errors.map((e) => [e.path, e.message]));

function transitionView(forms: TransitionForm[], extra: CaseExtras) {
  return forms.map((f) => {
    const mine = extra.form === `to:${f.to}`;
    const errors = mine ? extra.errors ?? [] : [];
    return { ...f, values: mine ? extra.values ?? {} : {}, fieldErrors: fieldsOf(errors), errors, open: mine };
  });
}

async function renderCase(req: Request, res: Response, complaint: Complaint, extra: CaseExtras = {}): Promise<void> {
  const t = req.t;
  const now = clock.now();
  const detail = await caseDetail(complaint, now);
  const c = presentComplaint(complaint, now);
  const edges = detail.edges.filter((e) => can(req, e.action, complaint));
  const finished = FINISHED.includes(complaint.status);
  const canUpdate = !finished && can(req, 'update', complaint);
  const people = new Map(
    (await User.findAll({ where: { id: [complaint.assigneeId, complaint.createdBy].filter((x): x is string => Boolean(x)) }, attributes: ['id', 'name'] })).map((u) => [u.id, u.name]),
  );
  const matched = (by: string[]) => by.map((m) => t(`enum.matchedBy.${m}`)).join(', ');
  const recurrenceById = new Map((complaint.recurrence?.earlier ?? []).map((e) => [e.id, e]));
  const timeline = detail.timeline.map((s) => ({
    ...s,
    late: s.lateMinutes !== null && s.lateMinutes > 0,
    lateText: s.lateMinutes === null ? '' : s.lateMinutes > 0 ? t('case.timeline.late', { time: humanDuration(s.lateMinutes * 60_000, t) }) : t('case.timeline.onTime'),
    open: s.exitedAt === null,
  }));
  const holds = detail.holds.map((h) => ({ ...h, durationText: humanDuration(h.minutes * 60_000, t), open: h.endedAt === null }));
  const earlier = detail.earlierEntries.map((e) => {
    const match = recurrenceById.get(e.id);
    return { ...e, matchedText: match ? recurrenceWhy(match, t) : matched(e.matchedBy) };
  });
  const recurrence = complaint.recurrence
    ? { periodDays: complaint.recurrence.periodDays, earlier: complaint.recurrence.earlier.map((e) => ({ ...e, whyText: recurrenceWhy(e, t) })) }
    : null;

  // A flash from the intake form names the new reference, which a locale key alone cannot.
  let created: string | null = null;
  if (res.locals.flash === 'intake.created') {
    created = t('intake.createdWithReference', { reference: c.reference });
    res.locals.flash = undefined;
  }
  const firstReplyErrors = extra.form === 'firstReply' ? extra.errors ?? [] : [];

  res.status(extra.status ?? 200).render('complaints/case', {
    title: c.reference,
    c,
    created,
    clocks: caseClocks(c, now, t, (detail.regulatory as ReviewJson | null)?.clock),
    timeline,
    holds,
    earlier,
    recurrence,
    assigneeName: complaint.assigneeId ? people.get(complaint.assigneeId) ?? null : null,
    createdByName: complaint.createdBy ? people.get(complaint.createdBy) ?? null : null,
    // The CS director's approval and return are the solution panel's forms (POST /review), not generic moves.
    transitions: transitionView(transitionForms(edges.filter((e) => e.action !== 'review'), detail.facts, t, req.user!.id), extra),
    options: OPTIONS,
    showFirstReply: canUpdate && !c.firstRepliedAt,
    firstReply: {
      channels: contactChannelsFor(detail.facts.customerHasEmail),
      values: extra.form === 'firstReply' ? extra.values ?? {} : { at: nowLocal(res.locals.timezone as string) },
      fieldErrors: fieldsOf(firstReplyErrors),
      open: extra.form === 'firstReply',
    },
    canEdit: canUpdate,
    canCreate: allowed(req, 'create', 'Complaint'),
    actionErrors: extra.errors?.length ? extra.errors : undefined,
    actionMessage: extra.message,
    readOnly: edges.length === 0 && !canUpdate,
    // The evidence capability's part of the detail (src/procedure/evidence.ts).
    evidence: evidencePanel(detail.evidence as unknown as EvidenceJson[], {
      complaintId: complaint.id,
      lang: req.lang,
      canUpload: complaint.status !== 'archived' && allowed(req, 'create', 'Evidence'),
      canWithdraw: complaint.status !== 'archived' && allowed(req, 'update', 'Evidence'),
      maxUploadBytes: req.app.locals.maxUploadBytes as number,
    }),
    // The findings capability's part (src/procedure/findings.ts), without the fields this reader may not read.
    findings: findingsPanel(
      (detail.findings as object[]).map((f) => redactFields('Finding', f, req.ability)),
      { complaintId: complaint.id, canRecord: findingsRecordable(complaint) && allowed(req, 'create', 'Finding') },
    ),
    // The solution & review and follow-up capabilities' part (src/procedure/solutions.ts, followUp.ts): the versions and this reader's forms.
    solution: solutionPanel(detail.solutions as SolutionJson[], detail.followUps as FollowUpJson[], {
      complaintId: complaint.id,
      status: complaint.status,
      version: complaint.version,
      canPropose: allowed(req, 'create', 'Solution'),
      canReview: can(req, 'review', complaint),
      canFollowUp: allowed(req, 'create', 'FollowUp'),
      userId: req.user!.id,
      channels: contactChannelsFor(detail.facts.customerHasEmail),
      nowLocal: nowLocal(res.locals.timezone as string),
    }),
    // The meetings capability's part (src/procedure/meetings.ts): prominent while a case that needs a meeting has none.
    meetings: meetingsPanel(detail.meetings as unknown as MeetingJson[], {
      complaintId: complaint.id,
      required: complaint.meetingRequired,
      canCreate: complaint.status !== 'archived' && allowed(req, 'create', 'Meeting'),
      canApprove: complaint.status !== 'archived' && allowed(req, 'approve', 'Meeting'),
      mayUpdateTask: (a) => complaint.status !== 'archived' && allowed(req, 'update', 'MeetingAssignment', { assigneeId: a.assignee.id }),
    }),
    // The corrective actions capability's part (src/procedure/actions.ts): each action with the other complaints it answers, the candidates to link, this reader's forms.
    correctiveActions: actionsPanelFor(req.ability, complaint, detail.actions as ActionJson[], await linkCandidatesFor(req.ability, complaint)),
    // The letters capability's part (src/procedure/letters.ts): the issued letters with their delivery, and the kinds this reader may issue.
    letters: lettersPanel(detail.letters as LetterJson[], {
      complaintId: complaint.id,
      archived: complaint.status === 'archived',
      customerHasEmail: detail.facts.customerHasEmail,
      kinds: LETTER_KINDS.filter((kind) => allowed(req, 'create', 'Letter', { kind, complaintId: complaint.id })),
    }),
    // The satisfaction survey's part (src/procedure/survey.ts): the invitation and the customer's answer.
    survey: detail.survey,
    // The SLA sweep's part (src/procedure/slaSweep.ts): the levels the case's clocks reached, who held it, in which stage.
    slaBreaches: detail.slaBreaches,
    // The regulatory review capability's part (src/procedure/regulatory.ts): the review, its signatures and this reader's form.
    regulatory: regulatoryPanel(detail.regulatory as ReviewJson | null, detail.signatures as SignatureJson[], {
      complaintId: complaint.id,
      now,
      t,
      flagged: complaint.regulatoryReviewRequired,
      finished,
      archived: complaint.status === 'archived',
      canSubmit: allowed(req, 'submit', 'RegulatoryReview'),
      canSign: allowed(req, 'sign', 'RegulatoryReview'),
      canFile: allowed(req, 'file', 'RegulatoryReview'),
      canReadReportForm: mayReadReportForm(req),
      defaultCategory: defaultCategory(complaint.harm),
      nowLocal: nowLocal(res.locals.timezone as string),
    }),
  });
}

/** What a refused form says above its fields: the reason for a refused transition, else formErrors' message. */
function failure(err: unknown, t: Translate) {
  const out = formErrors(err, t);
  if (err instanceof AppError && err.code === 'invalid_transition') out.message = t('case.transitionRefused');
  return out;
}

/** /complaints, /complaints/new, /complaints/:id — the intake form, the queue and the case page. */
export function complaintsPages(config: Config): Router {
  const r = Router();
  const zone = config.timezone;
  r.use('/complaints', requireSignIn);

  r.get('/complaints', async (req, res) => {
    authorize(req, 'read', 'Complaint');
    const now = clock.now();
    const query = queueQuery(req);
    // `customer` (code, name, email or phone) is the page's own filter: it is resolved to the API's customerId.
    const { customer: customerText, ...filterQuery } = query;
    let customerMatches: Array<ReturnType<typeof presentCustomer> & { href: string }> | null = null;
    if (customerText && !filterQuery.customerId) {
      const found = await listCustomers(req.ability, { q: customerText.slice(0, 200), limit: 10 }, presentCustomer);
      if (found.items.length === 1) filterQuery.customerId = found.items[0].id;
      else customerMatches = found.items.map((c) => ({ ...c, href: `/complaints?${withQuery(query, { customer: undefined, cursor: undefined, customerId: c.id })}` }));
    }
    let page: { items: ReturnType<typeof queueRow>[]; nextCursor: string | null } = { items: [], nextCursor: null };
    let errors: FieldError[] | undefined;
    try {
      const filter = complaintFilter(filterQuery, config, req.lang);
      if (!customerMatches) page = await listComplaints(req.ability, filter, (c) => queueRow(c, now, req.t), now);
    } catch (err) {
      if (!(err instanceof AppError) || err.status !== 400) throw err;
      errors = err.errors;
    }
    const customer = filterQuery.customerId && isUuid(filterQuery.customerId) ? await Customer.findByPk(filterQuery.customerId) : null;
    // The SLA sweep's badge: the highest level a running clock of the row has reached (one query for the page).
    const breaches = await currentBreachLevels(page.items.map((i) => i.id));
    const statuses = (query.status ?? '').split(',').filter(Boolean);
    res.status(errors ? 400 : 200).render('complaints/queue', {
      title: req.t('queue.title'),
      page: { ...page, items: page.items.map((i) => ({ ...i, breach: breaches.get(i.id) ?? null })) },
      values: query,
      errors,
      options: OPTIONS,
      customMultiStatus: statuses.length > 1 ? { value: query.status, label: statuses.map((s) => req.t(`stage.${s}`)).join(', ') } : null,
      customer: customer ? { id: customer.id, name: customer.name, code: customer.code } : null,
      customerMatches,
      nextQuery: page.nextCursor ? withQuery(query, { cursor: page.nextCursor }) : null,
      sortDueQuery: withQuery(query, { sort: 'due', cursor: undefined }),
      sortReceivedQuery: withQuery(query, { sort: 'received', cursor: undefined }),
      withoutCustomerQuery: withQuery(query, { customerId: undefined, customer: undefined, cursor: undefined }),
      canCreate: allowed(req, 'create', 'Complaint'),
    });
  });

  r.get('/complaints/new', async (req, res) => {
    authorize(req, 'create', 'Complaint');
    const customerId = typeof req.query.customerId === 'string' && isUuid(req.query.customerId) ? req.query.customerId : '';
    await renderIntake(req, res, blankIntake(zone, customerId));
  });

  r.post('/complaints/new', async (req, res) => {
    authorize(req, 'create', 'Complaint');
    const body = req.body as Form;
    const v = intakeValues(body);
    const intent = field(body, 'intent');
    if (intent === 'search') return renderIntake(req, res, v, { searched: true });
    // Enter in the customer search box without JavaScript: search instead of filing half a form.
    if (!blank(v.customerId) && !newCustomerGiven(v) && blank(v.customerQ)) {
      const options = await intakeCustomerOptions(req, v.customerQ, '', true);
      if (options.items.length > 0) {
        return renderIntake(req, res, v, { status: 400, searched: true, errors: [{ ...fieldError('customerId', 'intake.errors.pickCustomer'), message: req.t('intake.errors.pickCustomer') }] });
      }
    }
    try {
      const input = parseIntake(v, req, zone);
      const complaint = await intakeComplaint({ ...input, receivedAt: input.receivedAt ? new Date(input.receivedAt) : undefined }, { userId: req.user!.id }, zone);
      setFlash(res, 'intake.created');
      res.redirect(303, `/complaints/${complaint.id}`);
    } catch (err) {
      const { status, errors, message } = formErrors(err, req.t);
      await renderIntake(req, res, v, { status, errors, message });
    }
  });

  r.get('/complaints/:id', async (req, res) => {
    await renderCase(req, res, await visibleComplaint(req));
  });

  r.post('/complaints/:id/transitions', async (req, res) => {
    const complaint = await visibleComplaint(req);
    const body = req.body as Form;
    const values = {
      to: field(body, 'to'),
      reason: field(body, 'reason'),
      note: field(body, 'note'),
      acknowledgedVia: field(body, 'acknowledgedVia'),
      timeBarredDecision: field(body, 'timeBarredDecision'),
    };
    try {
      const { version, ...input } = parse(
        TransitionBody,
        {
          to: values.to,
          reason: optionalField(body, 'reason'),
          note: optionalField(body, 'note'),
          acknowledgedVia: optionalField(body, 'acknowledgedVia'),
          timeBarredDecision: optionalField(body, 'timeBarredDecision'),
          version: versionField(body),
        },
        req.lang,
      );
      await transitionCase(complaint.id, version, input as TransitionInput, transitionActor(req), zone);
      setFlash(res, 'case.flash.moved');
      res.redirect(303, `/complaints/${complaint.id}`);
    } catch (err) {
      const { status, errors, message } = failure(err, req.t);
      const fresh = await visibleComplaint(req);
      await renderCase(req, res, fresh, { status, errors, message, form: `to:${values.to}`, values });
    }
  });

  r.post('/complaints/:id/first-reply', async (req, res) => {
    const complaint = await visibleComplaint(req);
    // The case itself is authorized by the command, on the row it locks.
    authorize(req, 'update', 'Complaint');
    const body = req.body as Form;
    const values = { via: field(body, 'via'), at: field(body, 'at'), note: field(body, 'note') };
    try {
      const { version, at, ...input } = parse(
        FirstReplyBody,
        { via: optionalField(body, 'via'), at: localInstant(optionalField(body, 'at'), zone), note: optionalField(body, 'note'), version: versionField(body) },
        req.lang,
      );
      await recordFirstReply(complaint.id, version, { ...input, at: at ? new Date(at) : undefined }, transitionActor(req));
      setFlash(res, 'case.flash.first_reply');
      res.redirect(303, `/complaints/${complaint.id}`);
    } catch (err) {
      const { status, errors, message } = formErrors(err, req.t);
      const blankPaths = new Set(Object.entries(values).filter(([, x]) => x.trim() === '').map(([k]) => k));
      await renderCase(req, res, await visibleComplaint(req), { status, errors: friendlierErrors(errors, (p) => blankPaths.has(p), req.t), message, form: 'firstReply', values });
    }
  });

  r.get('/complaints/:id/edit', async (req, res) => {
    const complaint = await visibleComplaint(req);
    authorize(req, 'update', 'Complaint', plainOf(complaint));
    const c = presentComplaint(complaint);
    await renderEdit(req, res, complaint, {
      ...(Object.fromEntries(EDIT_FIELDS.map((k) => [k, c[k] ?? ''])) as Record<(typeof EDIT_FIELDS)[number], string>),
      safetyImpact: c.safetyImpact,
      brandImpact: c.brandImpact,
    });
  });

  r.post('/complaints/:id/edit', async (req, res) => {
    const complaint = await visibleComplaint(req);
    authorize(req, 'update', 'Complaint');
    const body = req.body as Form;
    const v = editValues(body);
    try {
      const { version, ...changes } = parse(
        UpdateComplaintBody,
        { ...classification(v), version: versionField(body) },
        req.lang,
      );
      await updateComplaint(complaint.id, version, changes, zone, transitionActor(req));
      setFlash(res, 'case.flash.saved');
      res.redirect(303, `/complaints/${complaint.id}`);
    } catch (err) {
      const { status, errors, message } = formErrors(err, req.t);
      const blankPaths = new Set(Object.entries(v).filter(([, x]) => typeof x === 'string' && x.trim() === '').map(([k]) => k));
      await renderEdit(req, res, await visibleComplaint(req), v, { status, errors: friendlierErrors(errors, (p) => blankPaths.has(p), req.t), message });
    }
  });

  return r;
}

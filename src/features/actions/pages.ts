import { Router, type Request, type Response } from 'express';
import { DateTime } from 'luxon';
import type { Config } from '../../config';
import { createAction, linkAction, logContact, updateActionStatus } from '../../commands/actions';
import { ACTION_STATUSES, ACTION_TYPES } from '../../domain/actions';
import { CONTACT_CHANNELS } from '../../domain/entries';
import { requireSignIn } from '../../http/auth';
import { visibleCase } from '../../http/cases';
import { field, friendlierErrors, versionField } from '../../http/forms';
import { formErrors, setFlash } from '../../http/pageLocals';
import { ActionsQuery, CreateActionBody, actionInput } from '../../http/schemas/actions';
import { AppError, type FieldError } from '../../lib/errors';
import { idParam, pageQuery } from '../../lib/http';
import { parse } from '../../lib/validate';
import { Complaint, Department, User, type CorrectiveAction } from '../../models';
import { authorizeRegister } from '../../policies/actionReaders';
import { authorize } from '../../policies/authorize';
import { actionRights } from '../../presenters/actions';
import { actionDetail, linkCandidatesFor, listActions, registerFilter } from '../../queries/actions';
import { actionsActor } from '../../http/actors';
import { visibleAction } from './api';
import { ContactBody, UpdateActionBody } from './schema';

type Form = Record<string, unknown>;
const FILTERS = ['type', 'status', 'department', 'overdue', 'supplier', 'q', 'cursor'];
const ACTION_FIELDS = ['type', 'description', 'ownerDepartment', 'ownerId', 'dueAt', 'supplierName', 'supplierRef', 'countermeasureDoneAt', 'longTermDueAt'] as const;
type ActionValues = Record<(typeof ACTION_FIELDS)[number], string>;
const zoneOf = (res: Response) => String(res.locals.timezone ?? 'Asia/Ho_Chi_Minh');

/** A `datetime-local` value in the organisation's zone as the API's instant (anything else is passed on for zod to refuse). */
function zoneInstant(value: string, zone: string): string {
  const dt = DateTime.fromISO(value.trim(), { zone });
  return dt.isValid ? dt.toISO()! : value;
}

const casePanel = (complaintId: string) => `/complaints/${complaintId}#corrective-actions`;

/** Where a status form came from: the case page or the action page (nothing else). */
function backTo(body: Form, action: CorrectiveAction): string {
  const given = field(body, 'returnTo');
  return /^\/complaints\/[0-9a-f-]{36}$/.test(given) ? `${given}#action-${action.id}` : `/actions/${action.id}`;
}

/** The form's fields as the API's body: the supplier block only for a supplier's fix (or when filled). */
function createBody(v: ActionValues) {
  const supplier =
    v.supplierName.trim() || v.type === 'supplier_long_term'
      ? { name: v.supplierName, ref: v.supplierRef || null, countermeasureDoneAt: v.countermeasureDoneAt || null, longTermDueAt: v.longTermDueAt || null }
      : null;
  return { type: v.type || undefined, description: v.description, ownerDepartment: v.ownerDepartment, ownerId: v.ownerId || null, dueAt: v.dueAt, supplier };
}

const SUPPLIER_FIELDS: Record<string, string> = { supplier: 'supplierName', 'supplier.name': 'supplierName', 'supplier.ref': 'supplierRef', 'supplier.countermeasureDoneAt': 'countermeasureDoneAt', 'supplier.longTermDueAt': 'longTermDueAt' };
/** A refused form's errors under the form's own field names (`supplier.name` → supplierName). */
const formPaths = (errors: FieldError[]): FieldError[] => errors.map((e) => ({ ...e, path: SUPPLIER_FIELDS[e.path] ?? e.path }));

async function renderNewForm(req: Request, res: Response, complaint: Complaint, values: ActionValues, extra: { status?: number; errors?: FieldError[]; message?: string } = {}) {
  const [departments, users, candidates] = await Promise.all([
    Department.findAll({ where: { active: true }, order: [['name', 'ASC']], attributes: ['id', 'code', 'name'] }),
    User.findAll({ where: { active: true }, order: [['name', 'ASC']], attributes: ['id', 'name'] }),
    linkCandidatesFor(req.ability, complaint),
  ]);
  res.status(extra.status ?? 200).render('actions/new', {
    title: req.t('actions.form.title', { reference: complaint.reference }),
    complaint: { id: complaint.id, reference: complaint.reference, subject: complaint.subject },
    types: ACTION_TYPES.map((t) => ({ value: t, selected: values.type === t })),
    departments: departments.map((d) => ({ id: d.id, label: `${d.name} (${d.code})`, selected: values.ownerDepartment === d.id || values.ownerDepartment === d.code })),
    users: users.map((u) => ({ id: u.id, name: u.name, selected: values.ownerId === u.id })),
    candidates: candidates.map((a) => ({ ...a, others: a.complaints })),
    values,
    errors: extra.errors,
    message: extra.message,
  });
}

interface ActionPageExtras {
  status?: number;
  form?: 'verify' | 'contact';
  errors?: FieldError[];
  message?: string;
  values?: Record<string, string>;
}

async function renderAction(req: Request, res: Response, action: CorrectiveAction, extra: ActionPageExtras = {}) {
  const detail = await actionDetail(action);
  const rights = actionRights(req.ability, detail);
  const visible = detail.complaints.length ? await Complaint.findAll({ where: { id: detail.complaints.map((c) => c.id) }, attributes: ['id', 'status', 'assigneeId', 'reference'] }) : [];
  const nowLocal = DateTime.now().setZone(zoneOf(res)).toFormat("yyyy-MM-dd'T'HH:mm");
  const contactValues = extra.form === 'contact' ? extra.values ?? {} : { contactedAt: nowLocal, complaintId: detail.complaints.find((c) => c.status !== 'archived')?.id ?? '' };
  res.status(extra.status ?? 200).render('actions/show', {
    title: req.t('actions.page.title'),
    a: detail,
    next: detail.status === 'planned' ? 'in_progress' : detail.status === 'in_progress' ? 'done' : null,
    canUpdate: rights.update,
    canVerify: rights.verify && detail.status === 'done',
    canContact: rights.respond && visible.some((c) => c.status !== 'archived'),
    contactCases: detail.complaints.filter((c) => c.status !== 'archived').map((c) => ({ ...c, selected: contactValues.complaintId === c.id })),
    channels: CONTACT_CHANNELS.map((c) => ({ value: c, selected: contactValues.via === c })),
    verifyValues: extra.form === 'verify' ? extra.values ?? {} : {},
    verifyErrors: extra.form === 'verify' ? extra.errors : undefined,
    verifyMessage: extra.form === 'verify' ? extra.message : undefined,
    contactValues,
    contactErrors: extra.form === 'contact' ? extra.errors : undefined,
    contactMessage: extra.form === 'contact' ? extra.message : undefined,
  });
}

/** What a refused status change says on the next page (a locale key). */
function statusFlash(err: AppError): string {
  if (err.code === 'immutable_record') return 'actions.flash.sealed';
  if (err.code === 'invalid_transition') return 'actions.flash.transition';
  if (err.messageKey === 'errors.staleVersion') return 'actions.flash.stale';
  if (err.messageKey === 'actions.errors.caseClosed') return 'actions.flash.closed';
  return 'actions.flash.failed';
}

/** The case panel's forms (add, link, move on, verify), the action page with its contacts, and the CAPA register. */
export function actionsPages(config: Config): Router {
  const r = Router();
  const zone = config.timezone;

  r.get('/complaints/:id/actions/new', requireSignIn, async (req, res) => {
    authorize(req, 'create', 'Action');
    const complaint = await visibleCase(req, idParam(req));
    const empty = Object.fromEntries(ACTION_FIELDS.map((f) => [f, ''])) as ActionValues;
    await renderNewForm(req, res, complaint, { ...empty, type: typeof req.query.type === 'string' ? req.query.type : '' });
  });

  r.post('/complaints/:id/actions/new', requireSignIn, async (req, res) => {
    authorize(req, 'create', 'Action');
    const complaint = await visibleCase(req, idParam(req));
    const body = req.body as Form;
    const values = Object.fromEntries(ACTION_FIELDS.map((f) => [f, field(body, f)])) as ActionValues;
    const blanks = new Set<string>(ACTION_FIELDS.filter((f) => !values[f].trim()));
    try {
      const parsed = parse(CreateActionBody, createBody(values), req.lang);
      await createAction(complaint.id, actionInput(parsed, zone), actionsActor(req));
    } catch (err) {
      const { status, errors, message } = formErrors(err, req.t);
      if (status === 400) {
        await renderNewForm(req, res, complaint, values, { status, errors: friendlierErrors(formPaths(errors), (p) => blanks.has(p), req.t), message });
        return;
      }
      if (status === 403 || status === 404 || status >= 500) throw err;
      setFlash(res, err instanceof AppError ? statusFlash(err) : 'actions.flash.failed');
      res.redirect(303, casePanel(complaint.id));
      return;
    }
    setFlash(res, 'actions.flash.created');
    res.redirect(303, casePanel(complaint.id));
  });

  r.post('/complaints/:id/action-links', requireSignIn, async (req, res) => {
    authorize(req, 'create', 'Action');
    const complaint = await visibleCase(req, idParam(req));
    try {
      await linkAction(complaint.id, field(req.body as Form, 'actionId'), actionsActor(req));
      setFlash(res, 'actions.flash.linked');
    } catch (err) {
      if (!(err instanceof AppError) || err.status === 403 || err.status === 404 || err.status >= 500) throw err;
      setFlash(res, err.messageKey === 'actions.errors.alreadyLinked' ? 'actions.flash.already_linked' : err.status === 400 ? 'actions.flash.unknown_action' : statusFlash(err));
    }
    res.redirect(303, casePanel(complaint.id));
  });

  r.get('/actions/:id', requireSignIn, async (req, res) => {
    authorize(req, 'read', 'Action');
    await renderAction(req, res, await visibleAction(req, idParam(req)));
  });

  // Moving an action on (a button on the case page or the action page), or verifying it (the action page's form).
  r.post('/actions/:id/status', requireSignIn, async (req, res) => {
    authorize(req, 'update', 'Action');
    const action = await visibleAction(req, idParam(req));
    const body = req.body as Form;
    const status = field(body, 'status');
    const verifying = status === 'verified';
    const values = { effective: field(body, 'effective'), note: field(body, 'note') };
    try {
      const parsed = parse(
        UpdateActionBody,
        { status: status || undefined, effective: verifying ? (values.effective === 'true' ? true : values.effective === 'false' ? false : undefined) : undefined, note: values.note || null, version: versionField(body) },
        req.lang,
      );
      await updateActionStatus(action.id, parsed, parsed.version, actionsActor(req));
    } catch (err) {
      const { status: code, errors, message } = formErrors(err, req.t);
      if (code === 400 && verifying) {
        await renderAction(req, res, action, { status: 400, form: 'verify', errors, message, values });
        return;
      }
      if (!(err instanceof AppError) || err.status === 403 || err.status === 404 || err.status >= 500) throw err;
      setFlash(res, code === 400 ? 'actions.flash.failed' : statusFlash(err));
      res.redirect(303, backTo(body, action));
      return;
    }
    setFlash(res, verifying ? (values.effective === 'true' ? 'actions.flash.verified' : 'actions.flash.reopened') : 'actions.flash.status_changed');
    res.redirect(303, backTo(body, action));
  });

  r.post('/actions/:id/contacts', requireSignIn, async (req, res) => {
    authorize(req, 'respond', 'Action');
    const action = await visibleAction(req, idParam(req));
    const body = req.body as Form;
    const values = { complaintId: field(body, 'complaintId'), contactedAt: field(body, 'contactedAt'), via: field(body, 'via'), note: field(body, 'note') };
    const blanks = new Set(Object.entries(values).filter(([, v]) => !v.trim()).map(([k]) => k));
    try {
      const parsed = parse(ContactBody, { ...values, contactedAt: zoneInstant(values.contactedAt, zoneOf(res)), via: values.via || undefined }, req.lang);
      await logContact(action.id, parsed, actionsActor(req));
    } catch (err) {
      const { status, errors, message } = formErrors(err, req.t);
      if (status === 400 || status === 409) {
        await renderAction(req, res, action, { status, form: 'contact', errors: friendlierErrors(errors, (p) => blanks.has(p), req.t), message, values });
        return;
      }
      throw err;
    }
    setFlash(res, 'actions.flash.contact_logged');
    res.redirect(303, `/actions/${action.id}#contacts`);
  });

  // The CAPA register: filters, overdue rows highlighted, supplier fixes tracked, the Excel book with the same filters.
  r.get('/actions', requireSignIn, async (req, res) => {
    const scope = authorizeRegister(req);
    const query = pageQuery(req, FILTERS);
    let errors: FieldError[] | undefined;
    let page: Awaited<ReturnType<typeof listActions>> = { items: [], nextCursor: null };
    try {
      page = await listActions(await registerFilter(parse(ActionsQuery, query, req.lang)), scope);
    } catch (err) {
      if (!(err instanceof AppError) || err.status !== 400) throw err;
      errors = err.errors;
    }
    const departments = 'all' in scope ? await Department.findAll({ where: { active: true }, order: [['name', 'ASC']], attributes: ['id', 'code', 'name'] }) : [];
    const { cursor: _cursor, ...filters } = query;
    const search = new URLSearchParams(filters).toString();
    res.status(errors ? 400 : 200).render('actions/register', {
      title: req.t('actions.register.title'),
      items: page.items,
      filters,
      scopedToDepartment: !('all' in scope),
      types: ACTION_TYPES.map((t) => ({ value: t, selected: filters.type === t })),
      statuses: ACTION_STATUSES.map((s) => ({ value: s, selected: (filters.status ?? '').split(',').includes(s) })),
      departments: departments.map((d) => ({ id: d.id, label: `${d.name} (${d.code})`, selected: filters.department === d.id || filters.department === d.code })),
      xlsxHref: `/api/v1/reports/capa-register.xlsx${search ? `?${search}` : ''}`,
      nextHref: page.nextCursor ? `/actions?${new URLSearchParams({ ...filters, cursor: page.nextCursor }).toString()}` : null,
      errors,
    });
  });

  return r;
}

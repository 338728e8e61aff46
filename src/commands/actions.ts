/**
 * Corrective actions (CAPA, PRODUCT.md "Corrective actions and supplier fixes"): creating one on a
 * case (also inside the solution's transaction: `createCaseActions`), linking an existing action to
 * another case with the same root cause instead of opening a twin, moving its status
 * `planned → in_progress → done → verified` (a verification that finds it not effective reopens it),
 * and the department head's contacts with the customer about the result.
 *
 * Every command locks the case(s) FOR UPDATE before the action, then refuses in the project's
 * order: 404 (not visible) → 403 (not allowed) → 409 (stale version, wrong state). No action
 * changes on a case that is closed or sealed, except that a supplier's long-term fix stays
 * updatable after closure (it is tracked on the register) until every case it answers is sealed.
 */
import { Op } from 'sequelize';
import { transaction } from '../db';
import { ACTION_TYPES, CASE_CLOSED_STAGES as CLOSED, actionChangeable, isNextStatus, verifyOutcome, type ActionStatus, type ActionType } from '../domain/actions';
import type { ContactChannel } from '../domain/entries';
import { AppError, fieldError, forbidden, immutableRecord, notFound, staleVersion, validationFailed, type FieldError } from '../lib/errors';
import { ActionCase, ActionContact, Complaint, CorrectiveAction, Department, User } from '../models';
import * as clock from '../lib/clock';

/** What the actor may do, asked about an action (CASL subject `Action`, conditions on its owner department). */
export type ActionRight = 'create' | 'update' | 'verify' | 'respond';

export interface ActionsActor {
  userId: string;
  /** May the actor see this case at all? (No: 404, as for any case they cannot see.) */
  reads(complaint: Complaint): boolean;
  /** May the actor do `right` to this action (or, for `create`, to actions of this case)? */
  can(right: ActionRight, action: Pick<CorrectiveAction, 'ownerDepartmentId'> | null): boolean;
}

export interface SupplierInput {
  name: string;
  ref?: string | null;
  countermeasureDoneAt?: Date | null;
  longTermDueAt?: Date | null;
}

export interface ActionInput {
  type: ActionType;
  description: string;
  /** A department's id or code. */
  ownerDepartment: string;
  ownerId?: string | null;
  dueAt: Date;
  supplier?: SupplierInput | null;
}

export interface StatusInput {
  status: ActionStatus;
  /** With `verified`: whether the action worked (false reopens it). */
  effective?: boolean;
  note?: string | null;
}

export interface ContactInput {
  complaintId: string;
  contactedAt: Date;
  via: ContactChannel;
  note: string;
}

/** A contact's time may lie this far ahead (two machines' clocks disagree a little). */
const FUTURE_TOLERANCE_MS = 5 * 60_000;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

const caseClosed = (complaint: Complaint) =>
  complaint.status === 'archived'
    ? immutableRecord('The case is sealed: its actions cannot change.')
    : new AppError(409, 'conflict', `The case is ${complaint.status}: its actions cannot change.`, undefined, undefined, undefined, 'actions.errors.caseClosed');

async function departmentOf(given: string): Promise<Department | null> {
  const where = UUID.test(given) ? { [Op.or]: [{ id: given }, { code: given }] } : { code: given };
  return Department.findOne({ where: { ...where, active: true } });
}

/** The case locked FOR UPDATE and what the actor may do on it: 404 → 403 → 409. */
async function lockedCase(complaintId: string, actor: ActionsActor, right: ActionRight): Promise<Complaint> {
  const complaint = await Complaint.findByPk(complaintId, { lock: true });
  if (!complaint || !actor.reads(complaint)) throw notFound('Complaint');
  if (!actor.can(right, null)) throw forbidden('You are not allowed to change the actions of this case.', { action: right, subject: 'Action', entityId: complaint.id });
  if (CLOSED.includes(complaint.status)) throw caseClosed(complaint);
  return complaint;
}

/**
 * Creates `items` as actions of `complaint`, each linked to it, with their audit events under the
 * case — INSIDE THE CALLER'S TRANSACTION, for a case the caller has already locked FOR UPDATE and
 * authorized (the solution's `POST /solution {summary, actions?}` calls it). Refuses a closed or
 * sealed case (409), an actor who may not create actions (403), and bad items with 400 naming
 * `<prefix>.<i>.<field>` (just `<field>` when `prefix` is empty), writing nothing.
 */
export async function createCaseActions(
  complaint: Complaint,
  items: readonly ActionInput[],
  actor: Pick<ActionsActor, 'userId' | 'can'>,
  options: { prefix?: string } = {},
): Promise<CorrectiveAction[]> {
  if (!actor.can('create', null)) throw forbidden('You are not allowed to create actions.', { action: 'create', subject: 'Action', entityId: complaint.id });
  if (CLOSED.includes(complaint.status)) throw caseClosed(complaint);
  const prefix = options.prefix ?? 'actions';
  const at = (i: number, name: string) => (prefix ? `${prefix}.${i}.${name}` : name);
  const errors: FieldError[] = [];
  const departments: string[] = [];
  for (const [i, item] of items.entries()) {
    if (!ACTION_TYPES.includes(item.type)) errors.push(fieldError(at(i, 'type'), 'actions.errors.type'));
    if (!item.description.trim()) errors.push(fieldError(at(i, 'description'), 'actions.errors.description'));
    const department = item.ownerDepartment.trim() ? await departmentOf(item.ownerDepartment.trim()) : null;
    if (!department) errors.push(fieldError(at(i, 'ownerDepartment'), 'actions.errors.department'));
    departments.push(department?.id ?? '');
    if (item.ownerId) {
      const owner = await User.findByPk(item.ownerId, { attributes: ['id', 'active'] });
      if (!owner || !owner.active) errors.push(fieldError(at(i, 'ownerId'), 'errors.unknownUser'));
    }
    if (item.type === 'supplier_long_term' && !item.supplier?.name?.trim()) errors.push(fieldError(at(i, 'supplier'), 'actions.errors.supplierRequired'));
  }
  if (errors.length) throw validationFailed(errors);

  const created: CorrectiveAction[] = [];
  const now = clock.now();
  for (const [i, item] of items.entries()) {
    const action = CorrectiveAction.build({
      type: item.type,
      description: item.description.trim(),
      ownerDepartmentId: departments[i],
      ownerId: item.ownerId ?? null,
      dueAt: item.dueAt,
      supplierName: item.supplier?.name?.trim() || null,
      supplierRef: item.supplier?.ref?.trim() || null,
      countermeasureDoneAt: item.supplier?.countermeasureDoneAt ?? null,
      longTermDueAt: item.supplier?.longTermDueAt ?? null,
      openedOn: complaint.id,
      createdBy: actor.userId,
    });
    action.auditCase = complaint.id;
    await action.save();
    await ActionCase.create({ actionId: action.id, complaintId: complaint.id, linkedBy: actor.userId, linkedAt: now });
    created.push(action);
  }
  return created;
}

/** `POST /complaints/:id/actions`: one action on the case, in a transaction of its own. */
export async function createAction(complaintId: string, input: ActionInput, actor: ActionsActor): Promise<CorrectiveAction> {
  return transaction(async () => {
    const complaint = await lockedCase(complaintId, actor, 'create');
    const [action] = await createCaseActions(complaint, [input], actor, { prefix: '' });
    return action;
  });
}

/**
 * Links an existing action to another case it answers (the same root cause showed up again):
 * 404 for an unknown action or a case the actor cannot see, 403, 409 for a closed or sealed case
 * or an action already linked to it. Concurrent links of one action to one case take turns on the
 * case's row lock: one link (the UNIQUE pair refuses a second anyway).
 */
export async function linkAction(complaintId: string, actionId: string, actor: ActionsActor): Promise<CorrectiveAction> {
  return transaction(async () => {
    const complaint = await lockedCase(complaintId, actor, 'create');
    const action = await CorrectiveAction.findByPk(actionId, { lock: true });
    if (!action) throw validationFailed([fieldError('actionId', 'actions.errors.unknownAction')]);
    const existing = await ActionCase.findOne({ where: { actionId, complaintId: complaint.id }, attributes: ['id'] });
    if (existing) throw new AppError(409, 'conflict', 'This action already answers this case.', undefined, undefined, undefined, 'actions.errors.alreadyLinked');
    await ActionCase.create({ actionId, complaintId: complaint.id, linkedBy: actor.userId, linkedAt: clock.now() }, { auditAction: 'action_case.linked' } as object);
    return action;
  });
}

/** The action and the cases it answers, all locked (the cases first, in id order, then the action). */
async function lockedAction(actionId: string): Promise<{ action: CorrectiveAction; cases: Complaint[] } | null> {
  const links = await ActionCase.findAll({ where: { actionId }, attributes: ['complaintId', 'linkedAt'], order: [['linkedAt', 'ASC']] });
  const ids = links.map((l) => l.complaintId);
  const cases = ids.length ? await Complaint.findAll({ where: { id: ids }, order: [['id', 'ASC']], lock: true }) : [];
  const action = await CorrectiveAction.findByPk(actionId, { lock: true });
  if (!action) return null;
  const order = new Map(ids.map((id, i) => [id, i]));
  return { action, cases: cases.sort((a, b) => order.get(a.id)! - order.get(b.id)!) };
}

/** The case an action's event belongs to: the one that opened it, unless sealed; else its latest case still open. */
function auditCaseOf(action: CorrectiveAction, cases: readonly Complaint[]): string {
  const opening = cases.find((c) => c.id === action.openedOn);
  if (opening && opening.status !== 'archived') return opening.id;
  return [...cases].reverse().find((c) => c.status !== 'archived')?.id ?? action.openedOn;
}

/**
 * `PATCH /actions/:id {status, effective?, note?, version}`: the next status of the order, or the
 * verification (`verified` with `effective`: true → verified, false → back in progress, the note
 * saying why). 404 unknown or on no case the actor sees; 403 (quality: any; the department head:
 * their department's — and only quality verifies); 409 stale version, a closed case (a supplier's
 * long-term fix excepted), or a step out of order (`invalid_transition`). The note goes into the
 * audit event.
 */
export async function updateActionStatus(actionId: string, input: StatusInput, expectedVersion: number | undefined, actor: ActionsActor): Promise<CorrectiveAction> {
  return transaction(async () => {
    const found = await lockedAction(actionId);
    if (!found || !found.cases.some((c) => actor.reads(c))) throw notFound('Action');
    const { action, cases } = found;
    const verifying = input.status === 'verified';
    if (!actor.can(verifying ? 'verify' : 'update', action))
      throw forbidden(verifying ? 'Only quality verifies an action.' : 'You are not allowed to update this action.', { action: verifying ? 'verify' : 'update', subject: 'Action', entityId: action.id });
    if (expectedVersion !== undefined && expectedVersion !== action.version) throw staleVersion(action.version);
    const changeable = actionChangeable(action.type, cases.map((c) => c.status));
    if (changeable === 'sealed') throw immutableRecord('Every case this action answers is sealed: it cannot change.');
    if (changeable === 'closed') throw new AppError(409, 'conflict', 'Every case this action answers is closed: it cannot change.', undefined, undefined, undefined, 'actions.errors.caseClosed');
    if (!isNextStatus(action.status, input.status)) {
      throw new AppError(409, 'invalid_transition', `An action goes planned → in progress → done → verified; it is ${action.status}.`, [fieldError('status', 'actions.errors.transition', { from: action.status, to: input.status })], undefined, undefined, 'actions.errors.transitionRefused');
    }
    const from = action.status;
    const note = input.note?.trim() || null;
    let auditAction = 'corrective_action.status_changed';
    if (verifying) {
      const effective = input.effective === true;
      action.set({ status: verifyOutcome(effective), effective, verifiedBy: actor.userId, verifiedAt: clock.now() });
      auditAction = effective ? 'corrective_action.verified' : 'corrective_action.reopened';
    } else {
      action.set({ status: input.status });
    }
    action.auditCase = auditCaseOf(action, cases);
    await action.save({ auditAction, auditMeta: { from, to: action.status, note } } as object);
    return action;
  });
}

/**
 * `POST /actions/:id/contacts`: the department head (or quality) records a contact with the
 * customer of one of the cases the action answers about its result. 404 unknown action or a case
 * the actor cannot see; 403 not the owner department's head; 400 a case the action does not
 * answer, a time in the future; 409 a sealed case.
 */
export async function logContact(actionId: string, input: ContactInput, actor: ActionsActor): Promise<ActionContact> {
  return transaction(async () => {
    const complaint = await Complaint.findByPk(input.complaintId, { lock: true });
    const action = await CorrectiveAction.findByPk(actionId);
    if (!action) throw notFound('Action');
    const links = await ActionCase.findAll({ where: { actionId }, attributes: ['complaintId'] });
    const linked = links.map((l) => l.complaintId);
    const visible = linked.length ? await Complaint.findAll({ where: { id: linked } }) : [];
    if (!visible.some((c) => actor.reads(c))) throw notFound('Action');
    if (!actor.can('respond', action)) throw forbidden('Only the owner department\'s head logs contacts about this action.', { action: 'respond', subject: 'Action', entityId: action.id });
    const errors: FieldError[] = [];
    if (!complaint || !linked.includes(complaint.id) || !actor.reads(complaint)) errors.push(fieldError('complaintId', 'actions.errors.notAnswered'));
    if (input.contactedAt.getTime() > clock.now().getTime() + FUTURE_TOLERANCE_MS) errors.push(fieldError('contactedAt', 'actions.errors.contactInFuture'));
    if (!input.note.trim()) errors.push(fieldError('note', 'actions.errors.note'));
    if (errors.length) throw validationFailed(errors);
    if (complaint!.status === 'archived') throw immutableRecord('The case is sealed: no contact can be added.');
    return ActionContact.create({ actionId, complaintId: complaint!.id, contactedAt: input.contactedAt, via: input.via, note: input.note.trim(), contactedBy: actor.userId });
  });
}

/** For a conflict the page explains in words: a locale key of the command's refusals. */
export const conflictKey = (err: unknown): string | null => (err instanceof AppError && err.status === 409 ? err.messageKey ?? (err.code === 'immutable_record' ? 'actions.errors.sealed' : 'errors.conflict') : null);

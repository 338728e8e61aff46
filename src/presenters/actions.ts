import { subject } from '@casl/ability';
import { CASE_CLOSED_STAGES, actionChangeable, isOverdue, type ActionStatus } from '../domain/actions';
import type { ActionContact, Complaint, CorrectiveAction } from '../models';
import type { AppAbility, SubjectRecord } from '../policies/ability';

/** The names and cases a presented action shows beside ids. */
export interface ActionNames {
  users: ReadonlyMap<string, string>;
  departments: ReadonlyMap<string, { code: string; name: string }>;
  /** Per action: the cases it answers, in the order they were linked. */
  cases: ReadonlyMap<string, ReadonlyArray<{ id: string; reference: string; status: string; linkedAt: Date }>>;
}

/**
 * A corrective action as the API answers it (`actions` of GET /complaints/:id, GET /actions/:id,
 * the register): its owner, due time and whether it is overdue now, its verification, the
 * supplier's fix, and every complaint it answers.
 */
export function presentAction(a: CorrectiveAction, names: ActionNames, now: Date) {
  const person = (id: string | null) => (id ? { id, name: names.users.get(id) ?? '' } : null);
  const iso = (d: Date | null) => d?.toISOString() ?? null;
  const cases = names.cases.get(a.id) ?? [];
  const opening = cases.find((c) => c.id === a.openedOn);
  return {
    id: a.id,
    type: a.type,
    description: a.description,
    ownerDepartment: { id: a.ownerDepartmentId, ...(names.departments.get(a.ownerDepartmentId) ?? { code: '', name: '' }) },
    owner: person(a.ownerId),
    dueAt: a.dueAt.toISOString(),
    status: a.status,
    overdue: isOverdue({ status: a.status as ActionStatus, dueAt: a.dueAt }, now),
    effective: a.effective ?? null,
    verifiedBy: person(a.verifiedBy ?? null),
    verifiedAt: iso(a.verifiedAt ?? null),
    supplier: a.supplierName
      ? { name: a.supplierName, ref: a.supplierRef, countermeasureDoneAt: iso(a.countermeasureDoneAt), longTermDueAt: iso(a.longTermDueAt) }
      : null,
    openedOn: { id: a.openedOn, reference: opening?.reference ?? '' },
    complaints: cases.map((c) => ({ id: c.id, reference: c.reference, status: c.status, linkedAt: c.linkedAt.toISOString() })),
    createdBy: person(a.createdBy),
    createdAt: a.createdAt.toISOString(),
    version: a.version,
  };
}
export type ActionJson = ReturnType<typeof presentAction>;

export function presentContact(c: ActionContact, names: Pick<ActionNames, 'users'>, references: ReadonlyMap<string, string>) {
  return {
    id: c.id,
    actionId: c.actionId,
    complaint: { id: c.complaintId, reference: references.get(c.complaintId) ?? '' },
    contactedAt: c.contactedAt.toISOString(),
    via: c.via,
    note: c.note,
    contactedBy: c.contactedBy ? { id: c.contactedBy, name: names.users.get(c.contactedBy) ?? '' } : null,
    createdAt: c.createdAt.toISOString(),
  };
}
export type ContactJson = ReturnType<typeof presentContact>;

/** The next statuses a reader is offered for an action (the form's buttons); verification is its own form. */
export const NEXT_STEP: Readonly<Record<string, 'in_progress' | 'done' | 'verify' | null>> = { planned: 'in_progress', in_progress: 'done', done: 'verify', verified: null };

export interface ActionsPanelOptions {
  complaintId: string;
  /** May add an action or link one (quality, the case not closed). */
  canCreate: boolean;
  /** May this reader move this action on (quality: any; a department head: their department's)? */
  mayUpdate: (a: ActionJson) => boolean;
  mayVerify: (a: ActionJson) => boolean;
  /** Open actions of related cases this one may link instead of opening a twin. */
  candidates: readonly ActionJson[];
}

/** What the case page's actions panel shows (views/partials/actions-panel.hbs). */
export function actionsPanel(actions: readonly ActionJson[], options: ActionsPanelOptions) {
  return {
    complaintId: options.complaintId,
    canCreate: options.canCreate,
    actions: actions.map((a) => {
      const next = NEXT_STEP[a.status];
      return {
        ...a,
        others: a.complaints.filter((c) => c.id !== options.complaintId),
        next: next && next !== 'verify' && options.mayUpdate(a) ? next : null,
        canVerify: next === 'verify' && options.mayVerify(a),
      };
    }),
    candidates: options.candidates.map((a) => ({ ...a, others: a.complaints.filter((c) => c.id !== options.complaintId) })),
  };
}

/** May this reader move `a` on now (its cases still let it change)? Verification is quality's (`verify`). */
export function actionRights(ability: AppAbility, a: ActionJson) {
  const changeable = actionChangeable(a.type, a.complaints.map((c) => c.status)) === 'open';
  const record = subject('Action', { ownerDepartmentId: a.ownerDepartment.id } as SubjectRecord);
  return {
    update: changeable && ability.can('update', record),
    verify: changeable && ability.can('verify', record),
    respond: ability.can('respond', record),
  };
}

/** The case page's panel for this reader: the forms they may use on this case. */
export function actionsPanelFor(ability: AppAbility, complaint: Pick<Complaint, 'id' | 'status'>, actions: readonly ActionJson[], candidates: readonly ActionJson[]) {
  return actionsPanel(actions, {
    complaintId: complaint.id,
    canCreate: !CASE_CLOSED_STAGES.includes(complaint.status) && ability.can('create', 'Action'),
    mayUpdate: (a) => actionRights(ability, a).update,
    mayVerify: (a) => actionRights(ability, a).verify,
    candidates,
  });
}

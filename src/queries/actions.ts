/**
 * Reading corrective actions: a case's actions (the panel, the detail, the guards' facts), one
 * action with its cases and contacts, the candidates a recurring case may link instead of opening a
 * twin, and the CAPA register (keyset pages for the API and the page, batches for the Excel book).
 * A page's names and cases are read in a fixed number of queries, never one per row.
 */
import { Op, type WhereOptions } from 'sequelize';
import { sequelize } from '../db';
import { ANSWERS_SUBSTANTIATED, CASE_CLOSED_STAGES, FINISHED_ACTION, type ActionStatus, type ActionType } from '../domain/actions';
import { fieldError, validationFailed } from '../lib/errors';
import { decodeCursor, toPage, type Page } from '../lib/pagination';
import { z } from '../lib/zod';
import { ActionCase, ActionContact, Complaint, CorrectiveAction, Department, User } from '../models';
import { presentAction, presentContact, type ActionJson, type ActionNames, type ContactJson } from '../presenters/actions';
import { currentFinding } from './findings';
import type { AppAbility } from '../policies/ability';
import type { RegisterScope } from '../policies/actionReaders';
import * as clock from '../lib/clock';

/** The names and linked cases of `rows`: three queries whatever their number. */
async function namesFor(rows: readonly CorrectiveAction[], extraUsers: readonly (string | null)[] = []): Promise<ActionNames> {
  const ids = rows.map((a) => a.id);
  const links = ids.length ? await ActionCase.findAll({ where: { actionId: ids }, attributes: ['actionId', 'complaintId', 'linkedAt'], order: [['linkedAt', 'ASC'], ['id', 'ASC']] }) : [];
  const caseIds = [...new Set(links.map((l) => l.complaintId))];
  const userIds = [...new Set([...rows.flatMap((a) => [a.ownerId, a.verifiedBy ?? null, a.createdBy]), ...extraUsers].filter((x): x is string => Boolean(x)))];
  const departmentIds = [...new Set(rows.map((a) => a.ownerDepartmentId))];
  const [complaints, users, departments] = await Promise.all([
    caseIds.length ? Complaint.findAll({ where: { id: caseIds }, attributes: ['id', 'reference', 'status'] }) : [],
    userIds.length ? User.findAll({ where: { id: userIds }, attributes: ['id', 'name'] }) : [],
    departmentIds.length ? Department.findAll({ where: { id: departmentIds }, attributes: ['id', 'code', 'name'] }) : [],
  ]);
  const byId = new Map(complaints.map((c) => [c.id, c]));
  const cases = new Map<string, Array<{ id: string; reference: string; status: string; linkedAt: Date }>>();
  for (const l of links) {
    const c = byId.get(l.complaintId);
    if (!c) continue;
    const list = cases.get(l.actionId) ?? [];
    list.push({ id: c.id, reference: c.reference, status: c.status, linkedAt: l.linkedAt });
    cases.set(l.actionId, list);
  }
  return { users: new Map(users.map((u) => [u.id, u.name])), departments: new Map(departments.map((d) => [d.id, { code: d.code, name: d.name }])), cases };
}

/** `rows` as the API presents them. */
export async function presentActions(rows: readonly CorrectiveAction[], now = clock.now()): Promise<ActionJson[]> {
  const names = await namesFor(rows);
  return rows.map((a) => presentAction(a, names, now));
}

const linkedTo = (complaintId: string) =>
  sequelize().literal(`"CorrectiveAction".id IN (SELECT action_id FROM action_cases WHERE complaint_id = ${sequelize().escape(complaintId)})`);

/** Every action a case answers (its own and those linked to it), oldest first. */
export async function caseActions(complaintId: string, now = clock.now()): Promise<ActionJson[]> {
  const rows = await CorrectiveAction.findAll({ where: linkedTo(complaintId), order: [['createdAt', 'ASC'], ['id', 'ASC']] });
  return presentActions(rows, now);
}

/** What the guards of a case read (one query): its containment/corrective actions, and its unfinished ones that are not a supplier's long-term fix. */
export async function actionCounts(complaintId: string): Promise<{ containmentOrCorrective: number; unfinished: number }> {
  const rows = await CorrectiveAction.findAll({ where: linkedTo(complaintId), attributes: ['type', 'status'] });
  return {
    containmentOrCorrective: rows.filter((a) => ANSWERS_SUBSTANTIATED.includes(a.type)).length,
    unfinished: rows.filter((a) => a.type !== 'supplier_long_term' && !FINISHED_ACTION.includes(a.status)).length,
  };
}

/** One action with every complaint it answers and its contacts with customers, oldest first. */
export async function actionDetail(action: CorrectiveAction, now = clock.now()): Promise<ActionJson & { contacts: ContactJson[] }> {
  const contacts = await ActionContact.findAll({ where: { actionId: action.id }, order: [['contactedAt', 'ASC'], ['id', 'ASC']] });
  const names = await namesFor([action], contacts.map((c) => c.contactedBy));
  const presented = presentAction(action, names, now);
  const references = new Map(presented.complaints.map((c) => [c.id, c.reference]));
  return { ...presented, contacts: contacts.map((c) => presentContact(c, names, references)) };
}

/**
 * The actions a case may link instead of opening a twin: actions not yet verified that answer the
 * earlier cases intake's recurrence detection found or the current findings say it recurs with,
 * and that do not answer this case yet.
 */
export async function linkCandidates(complaint: Complaint, now = clock.now()): Promise<ActionJson[]> {
  const finding = await currentFinding(complaint.id);
  const related = [...new Set([...(complaint.recurrence?.earlier ?? []).map((e) => e.id), ...(finding?.recurringWith ?? []).map((e) => e.id)])].filter((id) => id !== complaint.id);
  if (!related.length) return [];
  const s = sequelize();
  const rows = await CorrectiveAction.findAll({
    where: {
      [Op.and]: [
        { status: { [Op.ne]: 'verified' } },
        s.literal(`"CorrectiveAction".id IN (SELECT action_id FROM action_cases WHERE complaint_id IN (${related.map((id) => s.escape(id)).join(', ')}))`),
        s.literal(`"CorrectiveAction".id NOT IN (SELECT action_id FROM action_cases WHERE complaint_id = ${s.escape(complaint.id)})`),
      ],
    },
    order: [['dueAt', 'ASC'], ['id', 'ASC']],
    limit: 50,
  });
  return presentActions(rows, now);
}


export interface ActionFilter {
  type?: ActionType;
  status?: ActionStatus[];
  /** A department's id. */
  departmentId?: string;
  overdue?: boolean;
  /** The supplier's name or reference (part of it). */
  supplier?: string;
  /** Part of the description, or a complaint's reference. */
  q?: string;
  limit: number;
  cursor?: string;
}

const DueCursor = z.object({ d: z.string().datetime(), i: z.string().uuid() });
const likeEscape = (s: string) => `%${s.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;

function registerWhere(filter: Omit<ActionFilter, 'limit' | 'cursor'>, scope: RegisterScope, now: Date): WhereOptions {
  const s = sequelize();
  const and: WhereOptions[] = [];
  if ('departmentId' in scope) and.push({ ownerDepartmentId: scope.departmentId });
  if (filter.type) and.push({ type: filter.type });
  if (filter.status?.length) and.push({ status: { [Op.in]: filter.status } });
  if (filter.departmentId) and.push({ ownerDepartmentId: filter.departmentId });
  if (filter.overdue) and.push({ status: { [Op.notIn]: [...FINISHED_ACTION] }, dueAt: { [Op.lt]: now } });
  if (filter.supplier?.trim()) {
    const like = likeEscape(filter.supplier.trim());
    and.push({ [Op.or]: [{ supplierName: { [Op.iLike]: like } }, { supplierRef: { [Op.iLike]: like } }] });
  }
  if (filter.q?.trim()) {
    const like = likeEscape(filter.q.trim());
    and.push({
      [Op.or]: [
        { description: { [Op.iLike]: like } },
        s.literal(`"CorrectiveAction".id IN (SELECT ac.action_id FROM action_cases ac JOIN complaints c ON c.id = ac.complaint_id WHERE c.reference ILIKE ${s.escape(like)})`),
      ],
    });
  }
  return { [Op.and]: and };
}

/** The register's query as parsed (src/http/schemas/actions.ts ActionsQuery). */
export interface RegisterQuery {
  type?: ActionType;
  status?: ActionStatus[];
  department?: string;
  overdue?: boolean;
  supplier?: string;
  q?: string;
  limit?: number;
  cursor?: string;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** The register's filter from its query: the department by id or code (an unknown one is 400). */
export async function registerFilter(q: RegisterQuery): Promise<ActionFilter> {
  let departmentId: string | undefined;
  if (q.department) {
    const d = await Department.findOne({ where: UUID.test(q.department) ? { [Op.or]: [{ id: q.department }, { code: q.department }] } : { code: q.department }, attributes: ['id'] });
    if (!d) throw validationFailed([fieldError('department', 'actions.errors.department')]);
    departmentId = d.id;
  }
  return { type: q.type, status: q.status, departmentId, overdue: q.overdue, supplier: q.supplier, q: q.q, limit: q.limit ?? 50, cursor: q.cursor };
}

/** The CAPA register: soonest due first, keyset-paged. */
export async function listActions(filter: ActionFilter, scope: RegisterScope, now = clock.now()): Promise<Page<ActionJson>> {
  const where = registerWhere(filter, scope, now);
  const after = decodeCursor(filter.cursor, DueCursor);
  const s = sequelize();
  const and: WhereOptions[] = [where];
  if (after) and.push(s.literal(`("CorrectiveAction".due_at, "CorrectiveAction".id) > (${s.escape(after.d)}::timestamptz, ${s.escape(after.i)}::uuid)`));
  const rows = await CorrectiveAction.findAll({ where: { [Op.and]: and }, order: [['dueAt', 'ASC'], ['id', 'ASC']], limit: filter.limit + 1 });
  const shown = rows.slice(0, filter.limit);
  const names = await namesFor(shown);
  const byId = new Map(shown.map((a) => [a.id, presentAction(a, names, now)]));
  return toPage(rows, filter.limit, (a) => byId.get(a.id)!, (a) => ({ d: a.dueAt.toISOString(), i: a.id }));
}

/** The register in batches, each its own short statement (the Excel book streams them). */
export async function* registerBatches(filter: Omit<ActionFilter, 'limit' | 'cursor'>, scope: RegisterScope, now = clock.now(), size = 500): AsyncGenerator<ActionJson[]> {
  let cursor: string | undefined;
  do {
    const page = await listActions({ ...filter, limit: size, cursor }, scope, now);
    if (page.items.length) yield page.items;
    cursor = page.nextCursor ?? undefined;
  } while (cursor);
}

/** The candidates this reader is offered on the case page: only who may link, on a case still open. */
export async function linkCandidatesFor(ability: AppAbility, complaint: Complaint): Promise<ActionJson[]> {
  if (CASE_CLOSED_STAGES.includes(complaint.status) || !ability.can('create', 'Action')) return [];
  return linkCandidates(complaint);
}

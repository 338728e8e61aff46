/**
 * "My work": what waits for a user now, from every source, soonest due first (the home page).
 *
 * Each source is one bounded query (`limit` rows, soonest due first) on an index, never one per
 * row, and each asks the ability, not role names:
 * - **cases** in a stage the user acts on: a stage is theirs when the ability lets them take one of
 *   the procedure's steps out of it (src/procedure EDGES: forward or back steps; putting on hold and
 *   resuming are not a stage's work). Whose case: a case handler (who may hold cases: quality)
 *   gets the cases assigned to them and the unassigned ones that left intake (unassigned intake
 *   cases are the intake officers' until someone takes them); someone who answers the customer
 *   without running cases (a department head) gets the cases of their department — its findings
 *   name it responsible or it owns an action on the case; everybody else (intake in intake, the CS
 *   director in review, legal in disputed) every case of the stage;
 * - **assignments** of approved minutes (src/queries/meetings.ts `assignmentsFor`);
 * - **actions** not yet done that the user owns, or that their department owns where the ability
 *   lets them update their department's actions (a department head);
 * - **signatures**: regulatory reviews awaiting the decision, for whoever may sign (the CEO);
 * - **filings**: `report` decisions not filed yet, for whoever may file (admin_officer).
 * - **disposals** proposed and waiting for a decision, for whoever may approve them (legal), except
 *   their own proposals (a second person decides), oldest first (disposals_status_idx).
 */
import { subject } from '@casl/ability';
import { Op, QueryTypes, type WhereOptions } from 'sequelize';
import { sequelize } from '../db';
import type { Stage } from '../domain/workflow';
import { Complaint } from '../models';
import type { AppAbility, SubjectRecord } from '../policies/ability';
import { accessibleWhere } from '../policies/accessible';
import { EDGES } from '../procedure';
import { assignmentsFor } from './meetings';

export interface WorkUser {
  id: string;
  departmentId: string | null;
}

/** Whose cases of a stage wait for the user. */
export type CaseScope = 'all' | 'department' | 'handler';

export interface CaseDuty {
  stage: Stage;
  scope: CaseScope;
}

interface WorkCase {
  id: string;
  reference: string;
  subject: string;
}

interface Base {
  id: string;
  /** The deadline it waits on (null: none running), ISO. */
  dueAt: string | null;
  complaint: WorkCase;
}

export type WorkItem =
  | (Base & { kind: 'case'; stage: Stage; assigned: boolean })
  | (Base & { kind: 'assignment'; task: string; meetingId: string; version: number })
  | (Base & { kind: 'action'; actionType: string; status: string; description: string })
  | (Base & { kind: 'signature' })
  | (Base & { kind: 'filing' })
  | (Base & { kind: 'disposal' });

export interface MyWork {
  /** Every source's items together, soonest due first (overdue first), those without a deadline last. */
  items: WorkItem[];
  /** The stages whose cases are the user's (for the queue link). */
  caseStages: Stage[];
  /** More cases wait than the list shows (the queue shows them all). */
  moreCases: boolean;
}

const WIDER: Record<CaseScope, number> = { handler: 0, department: 1, all: 2 };

/** The stages whose cases wait for this user, and whose of them: from the procedure's steps and the ability. */
export function caseDuties(ability: AppAbility): CaseDuty[] {
  const handler = ability.can('hold', 'Complaint');
  const duties = new Map<Stage, CaseScope>();
  for (const edge of EDGES) {
    if (edge.direction === 'hold' || edge.direction === 'resume') continue;
    if (!ability.can(edge.action, subject('Complaint', { status: edge.from, kind: edge.kinds[0] } as SubjectRecord))) continue;
    const scope: CaseScope = handler ? 'handler' : edge.action === 'respond' ? 'department' : 'all';
    const had = duties.get(edge.from);
    if (had === undefined || WIDER[scope] > WIDER[had]) duties.set(edge.from, scope);
  }
  return [...duties].map(([stage, scope]) => ({ stage, scope }));
}

/** The departments whose actions the ability lets the user update by their department (a department head's). */
function ownedDepartments(ability: AppAbility): string[] {
  const ids = ability
    .rulesFor('update', 'Action')
    .filter((r) => !r.inverted && r.conditions && typeof (r.conditions as Record<string, unknown>).ownerDepartmentId === 'string')
    .map((r) => String((r.conditions as Record<string, unknown>).ownerDepartmentId));
  return [...new Set(ids)].filter((id) => id !== '__none__');
}

const iso = (d: Date | string | null): string | null => (d ? new Date(d).toISOString() : null);

async function casesFor(ability: AppAbility, user: WorkUser, duties: CaseDuty[], limit: number): Promise<{ items: WorkItem[]; more: boolean }> {
  const allowed = accessibleWhere(ability, 'read', 'Complaint');
  if (!allowed || duties.length === 0) return { items: [], more: false };
  const s = sequelize();
  const dept = user.departmentId ? s.escape(user.departmentId) : null;
  const ofStage: WhereOptions[] = [];
  for (const { stage, scope } of duties) {
    if (scope === 'all') ofStage.push({ status: stage });
    else if (scope === 'handler') ofStage.push(stage === 'intake' ? { status: stage, assigneeId: user.id } : { status: stage, [Op.or]: [{ assigneeId: user.id }, { assigneeId: null }] });
    else if (dept) {
      // The department's case: the current findings name it responsible, or it owns an action on the case.
      ofStage.push({
        status: stage,
        [Op.or]: [
          s.literal(`EXISTS (SELECT 1 FROM findings f WHERE f.complaint_id = "Complaint".id AND f.responsible_department_id = ${dept}
                       AND NOT EXISTS (SELECT 1 FROM findings g WHERE g.supersedes = f.id))`),
          s.literal(`EXISTS (SELECT 1 FROM action_cases l JOIN corrective_actions a ON a.id = l.action_id
                       WHERE l.complaint_id = "Complaint".id AND a.owner_department_id = ${dept})`),
        ],
      });
    }
  }
  if (ofStage.length === 0) return { items: [], more: false };
  const rows = await Complaint.findAll({
    attributes: ['id', 'reference', 'subject', 'status', 'nextDueAt', 'assigneeId'],
    // The open-case condition of the queue's partial index (next_due_at, id): scanned in due order, it stops at the limit.
    where: { [Op.and]: [allowed, { status: { [Op.notIn]: ['closed', 'archived'] } }, { [Op.or]: ofStage }] },
    order: [['nextDueAt', 'ASC NULLS LAST'], ['id', 'ASC']],
    limit: limit + 1,
  });
  return {
    more: rows.length > limit,
    items: rows.slice(0, limit).map((c) => ({
      kind: 'case' as const,
      id: c.id,
      dueAt: iso(c.nextDueAt),
      complaint: { id: c.id, reference: c.reference, subject: c.subject },
      stage: c.status,
      assigned: c.assigneeId === user.id,
    })),
  };
}

interface ActionRow {
  id: string;
  type: string;
  status: string;
  description: string;
  due_at: Date;
  complaint_id: string;
  reference: string;
  subject: string;
}

async function actionsFor(ability: AppAbility, user: WorkUser, limit: number): Promise<WorkItem[]> {
  if (!ability.can('read', 'Action')) return [];
  const departments = ownedDepartments(ability);
  const rows = await sequelize().query<ActionRow>(
    `SELECT a.id, a.type, a.status, a.description, a.due_at, c.id AS complaint_id, c.reference, c.subject
       FROM corrective_actions a
       JOIN complaints c ON c.id = a.opened_on
      WHERE a.status IN ('planned', 'in_progress')
        AND (a.owner_id = :me ${departments.length ? 'OR a.owner_department_id IN (:departments)' : ''})
      ORDER BY a.due_at, a.id
      LIMIT :limit`,
    { replacements: { me: user.id, departments, limit }, type: QueryTypes.SELECT },
  );
  return rows.map((r) => ({
    kind: 'action' as const,
    id: r.id,
    dueAt: iso(r.due_at),
    complaint: { id: r.complaint_id, reference: r.reference, subject: r.subject },
    actionType: r.type,
    status: r.status,
    description: r.description,
  }));
}

interface ReviewRow {
  id: string;
  report_due_at: Date;
  complaint_id: string;
  reference: string;
  subject: string;
}

/** Regulatory reviews in one state (awaiting the decision, or a `report` decision unfiled), soonest report deadline first. */
async function reviewsFor(kind: 'signature' | 'filing', limit: number): Promise<WorkItem[]> {
  const state = kind === 'signature' ? `r.status = 'awaiting_ceo'` : `r.status = 'decided' AND r.decision = 'report' AND r.filed_at IS NULL`;
  const rows = await sequelize().query<ReviewRow>(
    `SELECT r.id, r.report_due_at, c.id AS complaint_id, c.reference, c.subject
       FROM regulatory_reviews r
       JOIN complaints c ON c.id = r.complaint_id
      WHERE ${state}
      ORDER BY r.report_due_at, r.id
      LIMIT :limit`,
    { replacements: { limit }, type: QueryTypes.SELECT },
  );
  return rows.map((r) => ({ kind, id: r.id, dueAt: iso(r.report_due_at), complaint: { id: r.complaint_id, reference: r.reference, subject: r.subject } }));
}

/** Disposal proposals waiting for a decision that `userId` did not propose, oldest first. */
async function disposalsFor(userId: string, limit: number): Promise<WorkItem[]> {
  const rows = await sequelize().query<{ id: string; complaint_id: string; reference: string; subject: string }>(
    `SELECT d.id, c.id AS complaint_id, c.reference, c.subject
       FROM disposals d JOIN complaints c ON c.id = d.complaint_id
      WHERE d.status = 'proposed' AND d.proposed_by <> :userId
      ORDER BY d.proposed_at, d.id
      LIMIT :limit`,
    { replacements: { userId, limit }, type: QueryTypes.SELECT },
  );
  return rows.map((r) => ({ kind: 'disposal' as const, id: r.id, dueAt: null, complaint: { id: r.complaint_id, reference: r.reference, subject: r.subject } }));
}

const dueKey = (i: WorkItem) => (i.dueAt ? Date.parse(i.dueAt) : Number.POSITIVE_INFINITY);

/** What waits for `user` now, from every source (each at most `limit` items), soonest due first. */
export async function myWork(ability: AppAbility, user: WorkUser, limit = 50): Promise<MyWork> {
  const duties = caseDuties(ability);
  const readsCases = ability.can('read', 'Complaint');
  const [cases, assignments, actions, signatures, filings, disposals] = await Promise.all([
    casesFor(ability, user, duties, limit),
    readsCases ? assignmentsFor(user.id, limit) : Promise.resolve([]),
    readsCases ? actionsFor(ability, user, limit) : Promise.resolve([]),
    readsCases && ability.can('sign', 'RegulatoryReview') ? reviewsFor('signature', limit) : Promise.resolve([]),
    readsCases && ability.can('file', 'RegulatoryReview') ? reviewsFor('filing', limit) : Promise.resolve([]),
    readsCases && ability.can('approve', 'Disposal') ? disposalsFor(user.id, limit) : Promise.resolve([]),
  ]);
  const items: WorkItem[] = [
    ...cases.items,
    ...assignments.map((a) => ({ kind: 'assignment' as const, id: a.id, dueAt: a.dueAt, complaint: a.complaint, task: a.task, meetingId: a.meetingId, version: a.version })),
    ...actions,
    ...signatures,
    ...filings,
    ...disposals,
  ];
  items.sort((a, b) => dueKey(a) - dueKey(b) || a.kind.localeCompare(b.kind) || a.id.localeCompare(b.id));
  return { items, caseStages: duties.map((d) => d.stage), moreCases: cases.more };
}

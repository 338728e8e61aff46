/**
 * Recording a case's investigation findings (PRODUCT.md stage 2). Every recording is a new
 * version that supersedes the current one (both kept, migration 0014); the case row is locked
 * FOR UPDATE first, so two officers recording at once take turns and the history never forks.
 */
import { Op } from 'sequelize';
import { transaction } from '../db';
import type { Stage } from '../domain/workflow';
import { AppError, fieldError, forbidden, immutableRecord, notFound, validationFailed, type FieldError } from '../lib/errors';
import { Complaint, Department, Finding, User } from '../models';
import type { RecurringWith } from '../models/Finding';
import { currentFinding } from '../queries/findings';
import * as clock from '../lib/clock';

/** The stages in which the findings may be recorded or revised (a return by the CS director or a round-2 rejection comes back to `solution`). */
export const FINDINGS_STAGES: readonly Stage[] = ['investigation', 'solution'];

/** Whether the case is where findings are recorded: a complaint in those stages (or on hold from one). */
export function findingsRecordable(complaint: Pick<Complaint, 'kind' | 'status' | 'heldStatus'>): boolean {
  const stage = complaint.status === 'on_hold' ? complaint.heldStatus : complaint.status;
  return complaint.kind === 'complaint' && stage !== null && FINDINGS_STAGES.includes(stage);
}

export interface FindingsActor {
  userId: string;
  /** May the actor see this case at all? (No: 404, as for any case they cannot see.) */
  reads(complaint: Complaint): boolean;
  /** May the actor record the findings of this case? */
  may(complaint: Complaint): boolean;
}

export interface FindingsInput {
  substantiated: boolean;
  rootCause: string;
  /** Default: what intake's recurrence detection found. */
  recurring?: boolean;
  /** The earlier entries it recurs with (ids); default: those intake found, when recurring. */
  recurringWith?: string[];
  /** A department's id or code; required when substantiated. */
  responsibleDepartment?: string | null;
  responsibleUserId?: string | null;
  responsiblePerson?: string | null;
  disciplinaryMeasure?: string | null;
  noEvidenceReason?: string | null;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const blank = (v: string | null | undefined) => (v?.trim() ? v.trim() : null);

async function department(given: string): Promise<Department | null> {
  return Department.findOne({ where: UUID.test(given) ? { [Op.or]: [{ id: given }, { code: given }] } : { code: given } });
}

/** The earlier entries named, as {id, reference}: each must be another case (400 otherwise). */
async function earlierEntries(complaint: Complaint, ids: readonly string[]): Promise<RecurringWith[] | FieldError> {
  const unique = [...new Set(ids)];
  if (unique.some((id) => !UUID.test(id) || id === complaint.id)) return fieldError('recurringWith', 'findings.errors.recurringWith');
  const found = await Complaint.findAll({ where: { id: unique }, attributes: ['id', 'reference'] });
  if (found.length !== unique.length) return fieldError('recurringWith', 'findings.errors.recurringWith');
  const byId = new Map(found.map((c) => [c.id, c.reference]));
  return unique.map((id) => ({ id, reference: byId.get(id)! }));
}

/**
 * Records the findings: 404 for a case the actor cannot see, 403 for one they may not record
 * findings on, 409 when the case is sealed or not in a stage that records them, 400 for what is
 * missing or unknown (the responsible department when substantiated, an unknown department, user
 * or earlier entry). Writes the new version and its audit event in one transaction.
 */
export async function recordFindings(complaintId: string, input: FindingsInput, actor: FindingsActor): Promise<Finding> {
  return transaction(async () => {
    const complaint = await Complaint.findByPk(complaintId, { lock: true });
    if (!complaint || !actor.reads(complaint)) throw notFound('Complaint');
    if (!actor.may(complaint)) throw forbidden('You are not allowed to record the findings of this case.', { action: 'create', subject: 'Finding', entityId: complaint.id });
    if (complaint.status === 'archived') throw immutableRecord('The case is sealed: its findings cannot change.');
    if (!findingsRecordable(complaint))
      throw new AppError(409, 'conflict', `Findings are recorded during the investigation (or revised in the solution stage); this case is ${complaint.status}.`, undefined, undefined, undefined, 'findings.errors.stage');

    const errors: FieldError[] = [];
    const rootCause = input.rootCause.trim();
    if (!rootCause) errors.push(fieldError('rootCause', 'findings.errors.rootCause'));
    let departmentId: string | null = null;
    const givenDepartment = blank(input.responsibleDepartment);
    if (givenDepartment) {
      const found = await department(givenDepartment);
      if (found) departmentId = found.id;
      else errors.push(fieldError('responsibleDepartment', 'findings.errors.unknownDepartment'));
    } else if (input.substantiated) {
      errors.push(fieldError('responsibleDepartment', 'findings.errors.departmentRequired'));
    }
    if (input.responsibleUserId) {
      const user = await User.findByPk(input.responsibleUserId, { attributes: ['id', 'active'] });
      if (!user || !user.active) errors.push(fieldError('responsibleUserId', 'errors.unknownUser'));
    }
    const recurring = input.recurring ?? complaint.recurring;
    let recurringWith: RecurringWith[] = [];
    if (recurring) {
      const ids = input.recurringWith ?? (complaint.recurrence?.earlier ?? []).map((e) => e.id);
      const named = await earlierEntries(complaint, ids);
      if ('path' in named) errors.push(named);
      else recurringWith = named;
    } else if (input.recurringWith?.length) {
      errors.push(fieldError('recurringWith', 'findings.errors.notRecurring'));
    }
    if (errors.length) throw validationFailed(errors);

    const previous = await currentFinding(complaint.id);
    return Finding.create(
      {
        complaintId: complaint.id,
        round: complaint.round,
        substantiated: input.substantiated,
        rootCause,
        recurring,
        recurringWith,
        responsibleDepartmentId: departmentId,
        responsibleUserId: input.responsibleUserId ?? null,
        responsiblePerson: blank(input.responsiblePerson),
        disciplinaryMeasure: blank(input.disciplinaryMeasure),
        noEvidenceReason: blank(input.noEvidenceReason),
        supersedes: previous?.id ?? null,
        recordedBy: actor.userId,
        recordedAt: clock.now(),
      },
      { auditMeta: previous ? { supersedes: previous.id } : undefined } as object,
    );
  });
}

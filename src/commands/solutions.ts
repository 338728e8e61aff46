/**
 * The solution and its review (PRODUCT.md stages 3–4) and the follow-up outcome (stage 6).
 * Every proposal is a new version (migration 0017, nothing overwritten); the CS director's review
 * is written on the round's latest unreviewed proposal by the transition command, in the same
 * transaction as the move (src/commands/caseTransitioner.ts). Each command locks the case FOR
 * UPDATE first: 404, then 403, then 409 (wrong stage, stale version), then 400.
 */
import { transaction } from '../db';
import type { ContactChannel } from '../domain/entries';
import type { Stage } from '../domain/workflow';
import { AppError, fieldError, forbidden, immutableRecord, notFound, staleVersion, validationFailed, type FieldError } from '../lib/errors';
import * as clock from '../lib/clock';
import { Complaint, Customer, FollowUp, Solution } from '../models';
import { nextSolutionNumber, proposalAwaitingReview } from '../queries/solutions';
import { createCaseActions, type ActionInput, type ActionsActor } from './actions';

export interface CaseRecordActor {
  userId: string;
  /** May the actor see this case at all? (No: 404, as for any case they cannot see.) */
  reads(complaint: Complaint): boolean;
  /** May the actor record this on the case? */
  may(complaint: Complaint): boolean;
}

export interface ProposalInput {
  summary: string;
  /** Corrective actions proposed with the solution, created with it (src/commands/actions.ts). */
  actions?: readonly ActionInput[];
  /** The case's version the proposer saw (stale → 409). */
  version?: number;
}

export interface FollowUpInput {
  contactedAt: Date;
  via: ContactChannel;
  satisfied: boolean;
  note: string;
}

/** 409 for a case not in the stage a record belongs to, with a stable code and a locale key. */
function wrongStage(complaint: Complaint, stage: Stage, key: string): AppError {
  return new AppError(409, 'invalid_transition', `This case is in ${complaint.status}; this is recorded in ${stage}.`, [fieldError('status', key)], undefined, undefined, key);
}

async function lockCase(complaintId: string, actor: CaseRecordActor, what: { action: string; subject: string; text: string }): Promise<Complaint> {
  const complaint = await Complaint.findByPk(complaintId, { lock: true });
  if (!complaint || !actor.reads(complaint)) throw notFound('Complaint');
  if (!actor.may(complaint)) throw forbidden(`You are not allowed to ${what.text}.`, { action: what.action, subject: what.subject, entityId: complaint.id });
  if (complaint.status === 'archived') throw immutableRecord('The case is sealed.');
  return complaint;
}

/**
 * Quality proposes the solution of the case's current round: a new version, whatever came before
 * (a return by the CS director or the customer's rejection keeps the earlier text). Only in `solution`.
 */
export async function proposeSolution(
  complaintId: string,
  input: ProposalInput,
  actor: CaseRecordActor,
  /** Who creates `input.actions` (required when there are any): the corrective actions' own rights apply. */
  actionsActor?: Pick<ActionsActor, 'userId' | 'can'>,
): Promise<Solution> {
  return transaction(async () => {
    const complaint = await lockCase(complaintId, actor, { action: 'create', subject: 'Solution', text: 'propose a solution for this case' });
    if (complaint.status !== 'solution') throw wrongStage(complaint, 'solution', 'solution.errors.stage');
    if (input.version !== undefined && input.version !== complaint.version) throw staleVersion(complaint.version);
    const summary = input.summary.trim();
    if (!summary) throw validationFailed([fieldError('summary', 'solution.errors.summary')]);
    const solution = await Solution.create(
      { complaintId: complaint.id, round: complaint.round, number: await nextSolutionNumber(complaint.id), summary, proposedBy: actor.userId, proposedAt: clock.now() },
      { auditAction: 'solution.proposed' } as object,
    );
    if (input.actions?.length) {
      if (!actionsActor) throw new Error('proposeSolution: actions given without the actor who creates them');
      await createCaseActions(complaint, input.actions, actionsActor);
    }
    return solution;
  });
}

/** The proposal this actor would be reviewing: the locked case's round's latest unreviewed one, if any. */
export async function awaitingReview(complaint: Complaint): Promise<Solution | null> {
  return proposalAwaitingReview(complaint.id, complaint.round);
}

/**
 * Writes the CS director's review on the proposal awaiting it — inside the transition command's
 * transaction, on the case it locked. Approval → response; a return carries its reasons.
 */
export async function recordReview(proposal: Solution | null, review: { reviewerId: string; approved: boolean; comment: string | null; at: Date }): Promise<void> {
  if (!proposal) return;
  await proposal.update(
    { reviewedBy: review.reviewerId, reviewedAt: review.at, approved: review.approved, reviewComment: review.comment },
    { auditAction: review.approved ? 'solution.approved' : 'solution.returned' } as object,
  );
}

/**
 * Quality records the follow-up outcome: the customer contacted (when, by which channel),
 * satisfied or not, with a note. Only in `follow_up`; the contact is not in the future and not
 * before the case entered follow-up; e-mail only to a customer who has an address.
 */
export async function recordFollowUp(complaintId: string, input: FollowUpInput, actor: CaseRecordActor): Promise<FollowUp> {
  return transaction(async () => {
    const complaint = await lockCase(complaintId, actor, { action: 'create', subject: 'FollowUp', text: 'record the follow-up of this case' });
    if (complaint.status !== 'follow_up') throw wrongStage(complaint, 'follow_up', 'followUp.errors.stage');
    const now = clock.now();
    const errors: FieldError[] = [];
    if (input.contactedAt.getTime() > now.getTime()) errors.push(fieldError('contactedAt', 'followUp.errors.future'));
    // Forms give the minute: a contact in the minute the case entered follow-up counts.
    else if (input.contactedAt.getTime() < Math.floor(complaint.stageEnteredAt.getTime() / 60_000) * 60_000) errors.push(fieldError('contactedAt', 'followUp.errors.beforeStage'));
    if (input.via === 'email' && !(await Customer.findByPk(complaint.customerId, { attributes: ['id', 'email'] }))?.email) errors.push(fieldError('via', 'followUp.errors.noEmail'));
    const note = input.note.trim();
    if (!note) errors.push(fieldError('note', 'followUp.errors.note'));
    if (errors.length) throw validationFailed(errors);
    return FollowUp.create(
      { complaintId: complaint.id, round: complaint.round, contactedAt: input.contactedAt, via: input.via, satisfied: input.satisfied, note, recordedBy: actor.userId, recordedAt: now },
      { auditAction: 'follow_up.recorded' } as object,
    );
  });
}

import { Op } from 'sequelize';
import { FollowUp, Solution, User } from '../models';
import { presentFollowUp, presentSolution, type FollowUpJson, type SolutionJson, type UserNames } from '../presenters/solutions';

async function namesOf(ids: ReadonlyArray<string | null>): Promise<UserNames> {
  const unique = [...new Set(ids.filter((x): x is string => Boolean(x)))];
  if (!unique.length) return new Map();
  return new Map((await User.findAll({ where: { id: unique }, attributes: ['id', 'name'] })).map((u) => [u.id, u.name]));
}

/** The latest proposal of the case in `round` (a returned one included: the guard decides), if any. */
export async function latestProposal(complaintId: string, round: number): Promise<Solution | null> {
  return Solution.findOne({ where: { complaintId, round }, order: [['number', 'DESC']] });
}

/** The latest proposal of `round` the CS director approved, if any (what the resolution letter tells the customer). */
export async function approvedProposal(complaintId: string, round: number): Promise<Solution | null> {
  return Solution.findOne({ where: { complaintId, round, approved: true }, order: [['number', 'DESC']] });
}

/** The proposal of `round` that waits for the CS director's review (the latest, unreviewed), locked. */
export async function proposalAwaitingReview(complaintId: string, round: number): Promise<Solution | null> {
  return Solution.findOne({ where: { complaintId, round, reviewedAt: null }, order: [['number', 'DESC']], lock: true });
}

/** The case's next proposal number. */
export async function nextSolutionNumber(complaintId: string): Promise<number> {
  const last = (await Solution.max('number', { where: { complaintId } })) as number | null;
  return (last ?? 0) + 1;
}

/** Every proposal of the case, newest first, each with its review. */
export async function caseSolutions(complaintId: string): Promise<SolutionJson[]> {
  const rows = await Solution.findAll({ where: { complaintId }, order: [['number', 'DESC']] });
  const names = await namesOf(rows.flatMap((s) => [s.proposedBy, s.reviewedBy]));
  return rows.map((s) => presentSolution(s, names));
}

/** One proposal as the API answers its recording. */
export async function presentProposed(s: Solution): Promise<SolutionJson> {
  return presentSolution(s, await namesOf([s.proposedBy, s.reviewedBy]));
}

/** Whether a follow-up outcome is recorded for the case since `since` (its entry into follow_up). */
export async function followUpRecorded(complaintId: string, since: Date | null): Promise<boolean> {
  return (await FollowUp.count({ where: { complaintId, ...(since ? { recordedAt: { [Op.gte]: since } } : {}) } })) > 0;
}

/** Every follow-up outcome of the case, newest first. */
export async function caseFollowUps(complaintId: string): Promise<FollowUpJson[]> {
  const rows = await FollowUp.findAll({ where: { complaintId }, order: [['recordedAt', 'DESC'], ['id', 'DESC']] });
  const names = await namesOf(rows.map((f) => f.recordedBy));
  return rows.map((f) => presentFollowUp(f, names));
}

/** One follow-up outcome as the API answers its recording. */
export async function presentRecordedFollowUp(f: FollowUp): Promise<FollowUpJson> {
  return presentFollowUp(f, await namesOf([f.recordedBy]));
}

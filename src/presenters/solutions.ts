import type { FollowUp, Solution } from '../models';

/** Names shown beside user ids. */
export type UserNames = ReadonlyMap<string, string>;

const person = (id: string | null, names: UserNames) => (id ? { id, name: names.get(id) ?? '' } : null);

/**
 * One proposed solution as the API answers it (`solutions` of GET /complaints/:id, newest first;
 * the answer to POST …/solution). `version` is its number among the case's proposals; `review`
 * is the CS director's decision on it, null while it waits.
 */
export function presentSolution(s: Solution, names: UserNames) {
  return {
    id: s.id,
    complaintId: s.complaintId,
    round: s.round,
    version: s.number,
    summary: s.summary,
    proposedBy: person(s.proposedBy, names),
    proposedAt: s.proposedAt.toISOString(),
    review: s.reviewedAt
      ? { approved: Boolean(s.approved), comment: s.reviewComment, reviewedBy: person(s.reviewedBy, names), reviewedAt: s.reviewedAt.toISOString() }
      : null,
  };
}
export type SolutionJson = ReturnType<typeof presentSolution>;

/** One follow-up outcome (`followUps` of GET /complaints/:id, newest first; the answer to POST …/follow-up). */
export function presentFollowUp(f: FollowUp, names: UserNames) {
  return {
    id: f.id,
    complaintId: f.complaintId,
    round: f.round,
    contactedAt: f.contactedAt.toISOString(),
    via: f.via,
    satisfied: f.satisfied,
    note: f.note,
    recordedBy: person(f.recordedBy, names),
    recordedAt: f.recordedAt.toISOString(),
  };
}
export type FollowUpJson = ReturnType<typeof presentFollowUp>;

/** What the case page's solution panel (views/partials/solution-panel.hbs) shows and offers to this reader. */
export function solutionPanel(
  solutions: readonly SolutionJson[],
  followUps: readonly FollowUpJson[],
  options: { complaintId: string; status: string; version: number; canPropose: boolean; canReview: boolean; canFollowUp: boolean; userId: string; channels: readonly string[]; nowLocal: string },
) {
  const [latest] = solutions;
  const pending = latest && !latest.review ? latest : null;
  const ownProposal = Boolean(pending && pending.proposedBy?.id === options.userId);
  return {
    complaintId: options.complaintId,
    version: options.version,
    solutions,
    followUps,
    // The text to start a re-proposal from: the latest one (returned or rejected).
    lastSummary: latest?.summary ?? '',
    propose: options.canPropose && options.status === 'solution',
    review: options.canReview && options.status === 'review' && pending !== null && !ownProposal,
    ownProposal: options.status === 'review' && ownProposal,
    pending,
    followUp: options.canFollowUp && options.status === 'follow_up',
    channels: options.channels,
    nowLocal: options.nowLocal,
  };
}

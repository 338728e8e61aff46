/**
 * The capability "solution & review" (issue 10): quality's proposed solution, kept as versions
 * (every proposal and re-proposal a new row), and the CS director's review of it
 * (src/commands/solutions.ts; the review is recorded by the transition command itself, whichever
 * route takes the review edge). Its guards: `proposedSolution` — this round has a proposal made
 * after the latest return (a returned proposal no longer counts); `notByProposer` — the one who
 * proposed it does not review it (the command answers that 403 first; the guard keeps the case
 * page from offering the proposer the review buttons). Detail `solutions`: every version, newest
 * first, with its review.
 */
import { solutionsDossier } from '../dossier/resolution';
import { fieldError } from '../lib/errors';
import { caseSolutions, latestProposal } from '../queries/solutions';
import type { Capability } from './types';

export interface SolutionFacts {
  /** The latest proposal of the case's current round, or null: who proposed it and whether it was returned. */
  proposal: { id: string; proposedBy: string | null; returned: boolean; reviewed: boolean } | null;
}

export const solutionAndReview: Capability<SolutionFacts> = {
  name: 'solution & review',
  issue: 10,
  facts: async ({ complaint }) => {
    const latest = await latestProposal(complaint.id, complaint.round);
    return { proposal: latest && { id: latest.id, proposedBy: latest.proposedBy, returned: latest.approved === false, reviewed: latest.reviewedAt !== null } };
  },
  guards: {
    proposedSolution: (f) => (f.proposal && !f.proposal.returned ? [] : [fieldError('solution', 'workflow.missing.proposedSolution')]),
    notByProposer: (f, input) =>
      input.actorId && f.proposal && !f.proposal.reviewed && f.proposal.proposedBy === input.actorId ? [fieldError('solution', 'workflow.missing.notByProposer')] : [],
  },
  detail: { solutions: ({ complaint }) => caseSolutions(complaint.id) },
  dossier: { solutions: solutionsDossier },
  abilities: [
    { action: 'create', subject: 'Solution' },
    { action: 'review', subject: 'Complaint' },
  ],
};

/**
 * Rounds and the dispute, in one place (PRODUCT.md stage 5): the customer accepts (→ follow_up) or
 * rejects; a rejection in round 1 sends the case back to solution for round 2, a rejection in
 * round 2 makes it `disputed`. The CS director approves (→ response) or returns (→ solution).
 * The transition command, the rejection guard and the routes' targets all come from here.
 */
import type { Stage, TransitionInput } from '../domain/workflow';
import { fieldError, type FieldError } from '../lib/errors';
import type { CoreFacts } from './types';

/** The last round: a rejection in it is a dispute. */
export const LAST_ROUND = 2;

/** Where the customer's rejection takes a case in `round`. */
export function rejectionTarget(round: number): 'solution' | 'disputed' {
  return round >= LAST_ROUND ? 'disputed' : 'solution';
}

/** The round a case is in after taking `from → to`: a rejection sent back to solution starts the next round. */
export function roundAfter(from: Stage, to: Stage, round: number): number {
  return from === 'response' && to === 'solution' ? round + 1 : round;
}

/** The transition the customer's answer stands for, in the round the (locked) case is in. */
export function customerAnswer(round: number, answer: { accepted: boolean; reason?: string }): TransitionInput {
  return answer.accepted ? { to: 'follow_up', note: answer.reason } : { to: rejectionTarget(round), reason: answer.reason };
}

/** The transition the CS director's review stands for: approval → response, a return (with reasons) → solution. */
export function reviewDecision(review: { approved: boolean; comment?: string }): TransitionInput {
  return review.approved ? { to: 'response', note: review.comment } : { to: 'solution', reason: review.comment };
}

/** The guard of the rejection steps: only the target of this round's rejection. */
export function rejectionRound(facts: Readonly<CoreFacts>, input: TransitionInput): FieldError[] {
  if (rejectionTarget(facts.round) === input.to) return [];
  return [fieldError('round', input.to === 'solution' ? 'workflow.missing.roundOne' : 'workflow.missing.roundTwo')];
}

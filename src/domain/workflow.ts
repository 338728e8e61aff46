import type { ContactChannel, TimeBarredDecision } from './entries';

/*
 * The stage vocabulary. What each step requires — the edges, their guards, the rounds — is the
 * procedure registry: src/procedure/ (steps.ts lists it all, index.ts registers the capabilities).
 */

/** The stages of PRODUCT.md "The case, stage by stage", plus on_hold. */
export const STAGES = [
  'intake',
  'investigation',
  'solution',
  'review',
  'response',
  'follow_up',
  'closed',
  'archived',
  'disputed',
  'on_hold',
] as const;
export type Stage = (typeof STAGES)[number];

/** Stages with an SLA target (the six of the workflow case study). */
export const SLA_STAGES = ['intake', 'investigation', 'solution', 'review', 'response', 'follow_up'] as const;
export type SlaStage = (typeof SLA_STAGES)[number];

/** A case in these is finished for the queue and the clocks. */
export const FINISHED: readonly Stage[] = ['closed', 'archived'];
/** Entering one of these for the first time means the customer was given the resolution. */
export const RESOLVING: readonly Stage[] = ['follow_up', 'disputed', 'closed'];
/** Stages a case can be put on hold from. */
export const HOLDABLE: readonly Stage[] = ['intake', 'investigation', 'solution', 'review', 'response', 'follow_up'];

export function isSlaStage(stage: Stage): stage is SlaStage {
  return (SLA_STAGES as readonly string[]).includes(stage);
}

/** What a transition request carries besides its target. */
export interface TransitionInput {
  to: Stage;
  note?: string;
  reason?: string;
  acknowledgedVia?: ContactChannel;
  timeBarredDecision?: TimeBarredDecision;
  /** Who takes it: set by the transition command from its actor (never from a request body), read by "never by the proposer". */
  actorId?: string;
}

/** The ability action a user needs to take an edge (checked against the case, so rules can look at its status). */
export const EDGE_ACTIONS = ['transition', 'review', 'respond', 'hold'] as const;
export type EdgeAction = (typeof EDGE_ACTIONS)[number];

/** What a transition request itself can supply; a requirement missing anything else waits for other records. */
export const SUPPLIED_WITH_TRANSITION = ['note', 'reason', 'acknowledgedVia', 'timeBarredDecision'] as const satisfies ReadonlyArray<Exclude<keyof TransitionInput, 'to'>>;
export type SuppliedField = (typeof SUPPLIED_WITH_TRANSITION)[number];

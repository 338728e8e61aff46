/**
 * WHAT EACH STEP REQUIRES — PRODUCT.md "What each step requires (the guards, exactly)", as data.
 *
 * This file is the whole procedure at a glance: every edge of the stage machine, and everything
 * that must be recorded to take it, each requirement naming the capability whose registration
 * holds its guard (`./index.ts` registers the capabilities; the guards live beside their facts,
 * e.g. `./intakeWorkflow.ts`). A requirement whose capability has not landed is listed with the
 * issue that registers it (`later(…)`): it is shown (`procedure.pending`) and does not block.
 * When that issue lands, its capability registers a guard under the same id — this file does not
 * change, and the registry refuses to start if a registered capability leaves one unguarded.
 *
 * The round and dispute rules (round 1 → 2, rejection → solution or disputed) are `./rounds.ts`.
 */
import type { Kind } from '../domain/entries';
import { HOLDABLE, type EdgeAction, type Stage, type SuppliedField } from '../domain/workflow';

/** The capabilities that own requirements: the landed one and those later issues register. */
export const CAPABILITY_NAMES = ['intake & workflow', 'evidence', 'findings', 'meetings', 'regulatory review', 'solution & review', 'corrective actions', 'letters', 'follow-up', 'satisfaction survey', 'SLA sweep'] as const;
export type CapabilityName = (typeof CAPABILITY_NAMES)[number];

export interface Requirement {
  /** PRODUCT.md's words. */
  says: string;
  /** The capability whose registration holds the guard. */
  by: CapabilityName;
  /** For a capability not landed yet: the issue that registers it. */
  issue?: number;
  /** The transition request itself can carry what meets it (the form asks for that field, with this value). */
  suppliedBy?: { field: SuppliedField; value?: string };
}

const now = (says: string, suppliedBy?: Requirement['suppliedBy']): Requirement => ({ says, by: 'intake & workflow', ...(suppliedBy ? { suppliedBy } : {}) });
/** Registered by issue `issue` (capability `by`): listed, not blocking until then. */
const later = (issue: number, by: CapabilityName, says: string): Requirement => ({ says, by, issue });

/** Everything that can be required to leave a stage. The key is the guard's registration id. */
export const REQUIREMENTS = {
  // — recorded today (intake & workflow) —
  acknowledgment: now('the acknowledgment recorded (sent by e-mail when the customer has an address, else the officer says how)', { field: 'acknowledgedVia' }),
  acknowledgmentChannel: now('by e-mail only when the customer has an address', { field: 'acknowledgedVia' }),
  timeBarredAccepted: now('a time-barred complaint has the decision "accept anyway"', { field: 'timeBarredDecision', value: 'accept' }),
  timeBarredAnswered: now('a time-barred complaint has the decision "answer as time-barred"', { field: 'timeBarredDecision', value: 'answer_time_barred' }),
  answerNote: now('the answer given (on the spot, as time-barred, or how the dispute ended: legal\'s note)', { field: 'note' }),
  reason: now('the reason (a hold, a return by the CS director, the customer\'s rejection)', { field: 'reason' }),
  rejectionRound: now('a rejection in round 1 goes back to solution, in round 2 to dispute (./rounds.ts)'),
  noOpenRegulatoryReview: now('no regulatory review open; serious harm needs the signed decision'),
  // — registered by later issues —
  timeBarredLetter: later(10, 'letters', 'the time-barred letter issued'),
  findings: later(9, 'findings', 'findings: substantiated or not, root cause, new or recurring, and — when substantiated — the responsible department'),
  evidenceOrReason: later(9, 'evidence', 'at least one piece of evidence or a recorded reason why there is none'),
  proposedSolution: later(10, 'solution & review', 'a proposed solution text for this round'),
  actionWhenSubstantiated: later(10, 'corrective actions', 'when substantiated, at least one containment or corrective action'),
  notByProposer: later(10, 'solution & review', 'the CS director\'s approval or return, never by the proposer'),
  resolutionLetter: later(10, 'letters', 'the resolution letter (round 1) or second-round letter (round 2) issued'),
  followUpOutcome: later(10, 'follow-up', 'the follow-up outcome recorded (the customer contacted: satisfied or not)'),
  actionsDone: later(10, 'corrective actions', 'every non-supplier action done or verified'),
  reportFiled: later(9, 'regulatory review', 'no `report` decision unfiled'),
} as const satisfies Record<string, Requirement>;
export type RequirementId = keyof typeof REQUIREMENTS;

export interface Step<F> {
  /** `case.action.<id>` labels its button. */
  id: string;
  from: Stage | readonly Stage[];
  /** `held`: back to the stage the case was held in. */
  to: Stage | 'held';
  /** The ability action taking it needs, asked about the case (CASL conditions may look at its status). */
  action: EdgeAction;
  kinds: readonly Kind[];
  direction: 'forward' | 'back' | 'hold' | 'resume';
  /** The step exists only for cases this holds for. */
  when?: (facts: F) => boolean;
  /** Fields the request may also carry (optional in the form) beyond what its requirements ask. */
  accepts?: (facts: F) => readonly SuppliedField[];
  requires: readonly RequirementId[];
}

/** The facts `when` and `accepts` read (the landed capability's, `./intakeWorkflow.ts`). */
export interface StepFacts {
  kind: Kind;
  timeBarred: boolean;
  acknowledgedAt: Date | null;
}

const COMPLAINT: readonly Kind[] = ['complaint'];
const FEEDBACK: readonly Kind[] = ['feedback'];
const BOTH: readonly Kind[] = ['complaint', 'feedback'];
/** Leaving intake records the acknowledgment if nothing did before: the officer may say how. */
const channelUnlessAcknowledged = (f: StepFacts): readonly SuppliedField[] => (f.acknowledgedAt ? [] : ['acknowledgedVia']);
const closingNote = (): readonly SuppliedField[] => ['note'];

/** Every step of PRODUCT.md's table, in the procedure's order. */
export const STEPS = [
  { id: 'intake.investigation', from: 'intake', to: 'investigation', action: 'transition', kinds: COMPLAINT, direction: 'forward', accepts: channelUnlessAcknowledged,
    requires: ['acknowledgment', 'acknowledgmentChannel', 'timeBarredAccepted'] },
  { id: 'intake.closed_time_barred', from: 'intake', to: 'closed', action: 'transition', kinds: COMPLAINT, direction: 'forward', when: (f) => f.timeBarred, accepts: channelUnlessAcknowledged,
    requires: ['acknowledgment', 'acknowledgmentChannel', 'timeBarredAnswered', 'answerNote', 'noOpenRegulatoryReview', 'timeBarredLetter'] },
  // Feedback goes intake → closed with the on-the-spot answer recorded.
  { id: 'intake.closed_feedback', from: 'intake', to: 'closed', action: 'transition', kinds: FEEDBACK, direction: 'forward', accepts: channelUnlessAcknowledged,
    requires: ['acknowledgmentChannel', 'answerNote', 'noOpenRegulatoryReview'] },
  { id: 'investigation.solution', from: 'investigation', to: 'solution', action: 'transition', kinds: COMPLAINT, direction: 'forward',
    requires: ['findings', 'evidenceOrReason'] },
  { id: 'solution.review', from: 'solution', to: 'review', action: 'transition', kinds: COMPLAINT, direction: 'forward',
    requires: ['proposedSolution', 'actionWhenSubstantiated'] },
  // The CS director's approval is taking this step (the `review` ability); a return needs the reasons.
  { id: 'review.response', from: 'review', to: 'response', action: 'review', kinds: COMPLAINT, direction: 'forward',
    requires: ['notByProposer'] },
  { id: 'review.solution', from: 'review', to: 'solution', action: 'review', kinds: COMPLAINT, direction: 'back',
    requires: ['reason', 'notByProposer'] },
  // The customer's acceptance is recorded by taking this step (the `respond` ability).
  { id: 'response.follow_up', from: 'response', to: 'follow_up', action: 'respond', kinds: COMPLAINT, direction: 'forward',
    requires: ['resolutionLetter'] },
  { id: 'response.solution', from: 'response', to: 'solution', action: 'respond', kinds: COMPLAINT, direction: 'back',
    requires: ['reason', 'rejectionRound'] },
  { id: 'response.disputed', from: 'response', to: 'disputed', action: 'respond', kinds: COMPLAINT, direction: 'back',
    requires: ['reason', 'rejectionRound'] },
  { id: 'follow_up.closed', from: 'follow_up', to: 'closed', action: 'transition', kinds: COMPLAINT, direction: 'forward', accepts: closingNote,
    requires: ['followUpOutcome', 'actionsDone', 'noOpenRegulatoryReview', 'reportFiled'] },
  { id: 'disputed.closed', from: 'disputed', to: 'closed', action: 'transition', kinds: COMPLAINT, direction: 'forward', accepts: closingNote,
    requires: ['answerNote', 'noOpenRegulatoryReview'] },
  // Quality puts a case on hold with a reason; resuming returns to the stage it was held in.
  { id: 'any.on_hold', from: HOLDABLE, to: 'on_hold', action: 'hold', kinds: BOTH, direction: 'hold',
    requires: ['reason'] },
  { id: 'on_hold.resume', from: 'on_hold', to: 'held', action: 'hold', kinds: BOTH, direction: 'resume',
    requires: [] },
] as const satisfies ReadonlyArray<Step<StepFacts>>;
export type StepId = (typeof STEPS)[number]['id'];

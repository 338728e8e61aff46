/**
 * THE PROCEDURE — the one bootstrap of every capability's registration.
 *
 * `./steps.ts` lists what each step requires (PRODUCT.md's table, every row); each capability
 * registers, once, here: its typed facts, a guard for each requirement it owns, what it adds to
 * the case detail and the dossier, the abilities it asks about, its jobs. `procedure` is built
 * from this list alone and is immutable: nothing registers by importing a module, nothing can be
 * added later. The transition command, the case detail, the case page's offer and the tests all
 * read the same object.
 *
 * A later issue lands a capability by writing its registration (e.g. `./findings.ts`), adding it
 * to `CAPABILITIES` and its facts to `CaseFacts` — and, where it takes over facts the landed
 * capability stubs today (the regulatory review's), removing them there.
 */
import { correctiveActions, type ActionsFacts } from './actions';
import { evidence, type EvidenceFacts } from './evidence';
import { findings, type FindingsFacts } from './findings';
import { followUp, type FollowUpFacts } from './followUp';
import { intakeAndWorkflow, type IntakeWorkflowFacts } from './intakeWorkflow';
import { letters, type LettersFacts } from './letters';
import { meetings } from './meetings';
import { regulatory, type RegulatoryFacts } from './regulatory';
import { defineProcedure } from './registry';
import { solutionAndReview, type SolutionFacts } from './solutions';
import { satisfactionSurvey } from './survey';
import { slaSweep } from './slaSweep';
import type { AnyCapability, CaseContext, CoreFacts, Edge, Offer, TransitionCheck } from './types';
import type { TransitionInput } from '../domain/workflow';
import type { FieldError } from '../lib/errors';

/** The registered capabilities, in the order their facts load and their guards report. */
export const CAPABILITIES: readonly AnyCapability[] = Object.freeze([intakeAndWorkflow, evidence, findings, meetings, regulatory, solutionAndReview, correctiveActions, followUp, letters, satisfactionSurvey, slaSweep]);

/** Everything the guards of a case may look at: the core facts and every registered capability's. */
export type CaseFacts = CoreFacts & IntakeWorkflowFacts & EvidenceFacts & FindingsFacts & RegulatoryFacts & SolutionFacts & ActionsFacts & FollowUpFacts & LettersFacts;

export const procedure = defineProcedure<CaseFacts>(CAPABILITIES);

/** The case's facts (inside a command's transaction: the locked row's). */
export const caseFacts = (ctx: CaseContext): Promise<CaseFacts> => procedure.facts(ctx);
/** Every concrete edge of the stage machine (the resume edge is per case: `nextStages`). */
export const EDGES: readonly Edge[] = procedure.edges;
/** The edges the case may take now, before guards. */
export const nextStages = (facts: CaseFacts): Edge[] => procedure.edgesFrom(facts);
/** Whether `input.to` is reachable now and, if not, exactly what is missing. */
export const checkTransition = (facts: CaseFacts, input: TransitionInput): TransitionCheck => procedure.check(facts, input);
/** What only other records can provide for `edge`: while any remain, the edge is not offered. */
export const blockers = (facts: CaseFacts, edge: Edge, actorId?: string): FieldError[] => procedure.blockers(facts, edge, actorId);
/** The form the case page offers for `edge`. */
export const offer = (facts: CaseFacts, edge: Edge, actorId?: string): Offer => procedure.offer(facts, edge, actorId);

export { defineProcedure } from './registry';
export { customerAnswer, rejectionTarget, reviewDecision, roundAfter, LAST_ROUND } from './rounds';
export { CAPABILITY_NAMES, REQUIREMENTS, STEPS, type RequirementId, type StepId } from './steps';
export type { ActionsFacts } from './actions';
export type { EvidenceFacts } from './evidence';
export type { FindingsFacts } from './findings';
export type { RegulatoryFacts } from './regulatory';
export type { SolutionFacts } from './solutions';
export type { FollowUpFacts } from './followUp';
export type { LettersFacts } from './letters';
export type { AnyCapability, Capability, CaseContext, CoreFacts, DossierBlock, DossierContext, DossierContribution, DossierFile, DossierLoader, DossierSection, Edge, Guard, Offer, PendingRequirement, Procedure, TransitionCheck } from './types';

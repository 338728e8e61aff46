import type { FieldError } from '../lib/errors';
import { fieldError } from '../lib/errors';
import type { ContactChannel, Kind, TimeBarredDecision } from './entries';

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
}

/** The facts guards look at. Later capabilities (findings, signatures, actions) add fields. */
export interface CaseFacts {
  kind: Kind;
  status: Stage;
  heldStatus: Stage | null;
  round: number;
  timeBarred: boolean;
  timeBarredDecision: TimeBarredDecision | null;
  acknowledgedAt: Date | null;
  customerHasEmail: boolean;
  regulatoryReviewRequired: boolean;
  /** A regulatory review exists without a signed decision. */
  regulatoryReviewOpen: boolean;
  /** A signed regulatory decision exists (report or no_report). */
  regulatoryDecided: boolean;
  [extension: string]: unknown;
}

/** Returns what is missing to take this edge (empty = allowed). */
export type Guard = (facts: CaseFacts, input: TransitionInput) => FieldError[];

/** The ability action a user needs to take an edge (checked against the case, so rules can look at its status). */
export const EDGE_ACTIONS = ['transition', 'review', 'respond', 'hold'] as const;
export type EdgeAction = (typeof EDGE_ACTIONS)[number];

export interface Edge {
  from: Stage;
  to: Stage;
  action: EdgeAction;
  kinds: readonly Kind[];
  guards: Guard[];
  /** The edge exists only for cases this holds for (e.g. answering as time-barred). */
  when?: (facts: CaseFacts) => boolean;
}

const need = (ok: boolean, path: string, key: string): FieldError[] => (ok ? [] : [fieldError(path, key)]);

const reasonGiven: Guard = (_f, i) => need(Boolean(i.reason?.trim()), 'reason', 'workflow.missing.reason');
const noteGiven: Guard = (_f, i) => need(Boolean(i.note?.trim()), 'note', 'workflow.missing.note');

/** Leaving intake records the acknowledgment if nothing did before: by email when the customer has one, else the officer says how. */
const acknowledgment: Guard = (f, i) =>
  need(Boolean(f.acknowledgedAt) || f.customerHasEmail || Boolean(i.acknowledgedVia), 'acknowledgedVia', 'workflow.missing.acknowledgment');

/**
 * "By e-mail" only to a customer who has an address: leaving intake records the channel given as
 * the acknowledgment (and, closing on the spot, as the reply), so it must be one that happened.
 */
const channelPossible: Guard = (f, i) =>
  need(i.acknowledgedVia !== 'email' || f.customerHasEmail, 'acknowledgedVia', 'workflow.missing.acknowledgmentNoEmail');

/** A time-barred complaint proceeds only with a recorded decision. */
const timeBarredDecided = (wanted: TimeBarredDecision): Guard => (f, i) => {
  if (!f.timeBarred) return [];
  const decision = i.timeBarredDecision ?? f.timeBarredDecision;
  if (!decision) return [fieldError('timeBarredDecision', 'workflow.missing.timeBarredDecision')];
  return decision === wanted ? [] : [fieldError('timeBarredDecision', `workflow.missing.timeBarred.${wanted}`)];
};

/** Serious harm needs a signed regulatory decision before the case closes; an open review blocks closing too. */
const noOpenRegulatoryReview: Guard = (f) =>
  need(!f.regulatoryReviewOpen && (!f.regulatoryReviewRequired || f.regulatoryDecided), 'regulatory', 'workflow.missing.regulatory');

const roundIs = (round: number): Guard => (f) => need(f.round === round, 'round', round === 1 ? 'workflow.missing.roundOne' : 'workflow.missing.roundTwo');

const COMPLAINT: readonly Kind[] = ['complaint'];
const FEEDBACK: readonly Kind[] = ['feedback'];
const BOTH: readonly Kind[] = ['complaint', 'feedback'];

const edge = (from: Stage, to: Stage, action: EdgeAction, kinds: readonly Kind[], ...guards: Guard[]): Edge => ({ from, to, action, kinds, guards });
const onlyWhen = (when: (f: CaseFacts) => boolean, e: Edge): Edge => ({ ...e, when });

/**
 * The stage machine as data. Later capabilities add guards to these edges with `addGuard`
 * (e.g. findings before investigation → solution) instead of editing the table.
 */
export const EDGES: Edge[] = [
  edge('intake', 'investigation', 'transition', COMPLAINT, acknowledgment, channelPossible, timeBarredDecided('accept')),
  onlyWhen((f) => f.timeBarred, edge('intake', 'closed', 'transition', COMPLAINT, acknowledgment, channelPossible, timeBarredDecided('answer_time_barred'), noteGiven, noOpenRegulatoryReview)),
  edge('intake', 'closed', 'transition', FEEDBACK, channelPossible, noteGiven, noOpenRegulatoryReview),
  edge('investigation', 'solution', 'transition', COMPLAINT),
  edge('solution', 'review', 'transition', COMPLAINT),
  edge('review', 'response', 'review', COMPLAINT),
  edge('review', 'solution', 'review', COMPLAINT, reasonGiven),
  edge('response', 'follow_up', 'respond', COMPLAINT),
  edge('response', 'solution', 'respond', COMPLAINT, reasonGiven, roundIs(1)),
  edge('response', 'disputed', 'respond', COMPLAINT, reasonGiven, roundIs(2)),
  edge('follow_up', 'closed', 'transition', COMPLAINT, noOpenRegulatoryReview),
  edge('disputed', 'closed', 'transition', COMPLAINT, noteGiven, noOpenRegulatoryReview),
  ...HOLDABLE.map((from) => edge(from, 'on_hold', 'hold', BOTH, reasonGiven)),
];

/** Adds a guard to an existing edge (for capabilities that arrive later). */
export function addGuard(from: Stage, to: Stage, guard: Guard): void {
  const matches = EDGES.filter((e) => e.from === from && e.to === to);
  if (matches.length === 0) throw new Error(`No edge ${from} → ${to}`);
  for (const e of matches) e.guards.push(guard);
}

export type TransitionCheck =
  | { ok: true; edge: Edge }
  | { ok: false; reason: 'no_edge'; allowed: Stage[] }
  | { ok: false; reason: 'missing'; edge: Edge; missing: FieldError[] };

/** The edge a case may take (on hold: only back to the stage it was held in). */
function edgesFrom(facts: CaseFacts): Edge[] {
  if (facts.status === 'on_hold') {
    if (!facts.heldStatus) return [];
    return [{ from: 'on_hold', to: facts.heldStatus, action: 'hold', kinds: BOTH, guards: [] }];
  }
  return EDGES.filter((e) => e.from === facts.status && e.kinds.includes(facts.kind) && (!e.when || e.when(facts)));
}

/** Stages reachable from here (before guards), for buttons and for error messages. */
export function nextStages(facts: CaseFacts): Edge[] {
  return edgesFrom(facts);
}

/** What a transition request itself can supply; a guard missing anything else waits for other records. */
export const SUPPLIED_WITH_TRANSITION: ReadonlyArray<Exclude<keyof TransitionInput, 'to'>> = ['note', 'reason', 'acknowledgedVia', 'timeBarredDecision'];

/**
 * What stands in the way of an edge that no input to the transition can provide — a signed
 * regulatory decision, the right round, and whatever later capabilities guard with (findings,
 * signatures, actions). While any remain, the edge is not offered as a button.
 */
export function blockers(facts: CaseFacts, e: Edge): FieldError[] {
  const supplied = new Set<string>(SUPPLIED_WITH_TRANSITION);
  return e.guards.flatMap((g) => g(facts, { to: e.to })).filter((m) => !supplied.has(m.path));
}

/** Decides whether `input.to` is reachable now and, if not, exactly what is missing. */
export function checkTransition(facts: CaseFacts, input: TransitionInput): TransitionCheck {
  const candidates = edgesFrom(facts);
  const edges = candidates.filter((e) => e.to === input.to);
  if (edges.length === 0) return { ok: false, reason: 'no_edge', allowed: [...new Set(candidates.map((e) => e.to))] };
  const e = edges[0];
  const missing = e.guards.flatMap((g) => g(facts, input));
  return missing.length ? { ok: false, reason: 'missing', edge: e, missing } : { ok: true, edge: e };
}

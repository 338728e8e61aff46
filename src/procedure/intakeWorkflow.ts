/**
 * The landed capability "intake & workflow" (issue 3): the facts its guards read and a guard for
 * every requirement `./steps.ts` says it registers.
 */
import type { TimeBarredDecision } from '../domain/entries';
import { caseClassification, caseSummary, caseTimeline } from '../dossier/case';
import { fieldError, type FieldError } from '../lib/errors';
import { rejectionRound } from './rounds';
import type { RegulatoryFacts } from './regulatory';
import type { Capability, Guard } from './types';

/** What the intake & workflow guards look at, read from the case and its customer. */
export interface IntakeWorkflowFacts {
  timeBarred: boolean;
  timeBarredDecision: TimeBarredDecision | null;
  acknowledgedAt: Date | null;
  customerHasEmail: boolean;
  regulatoryReviewRequired: boolean;
}

/** Its guards also read the regulatory review's facts (`regulatoryReviewOpen`, `regulatoryDecided`: ./regulatory.ts loads them). */
type G = Guard<IntakeWorkflowFacts & RegulatoryFacts>;
const need = (ok: boolean, path: string, key: string): FieldError[] => (ok ? [] : [fieldError(path, key)]);

/** Leaving intake records the acknowledgment if nothing did before: by e-mail when the customer has one, else the officer says how. */
const acknowledgment: G = (f, i) =>
  need(Boolean(f.acknowledgedAt) || f.customerHasEmail || Boolean(i.acknowledgedVia), 'acknowledgedVia', 'workflow.missing.acknowledgment');

/**
 * "By e-mail" only to a customer who has an address: leaving intake records the channel given as
 * the acknowledgment (and, closing on the spot, as the reply), so it must be one that happened.
 */
const acknowledgmentChannel: G = (f, i) =>
  need(i.acknowledgedVia !== 'email' || f.customerHasEmail, 'acknowledgedVia', 'workflow.missing.acknowledgmentNoEmail');

/** A time-barred complaint proceeds only with a recorded decision (the request may carry it), and only where it leads. */
const decided = (wanted: TimeBarredDecision): G => (f, i) => {
  if (!f.timeBarred) return [];
  const decision = i.timeBarredDecision ?? f.timeBarredDecision;
  if (!decision) return [fieldError('timeBarredDecision', 'workflow.missing.timeBarredDecision')];
  return need(decision === wanted, 'timeBarredDecision', `workflow.missing.timeBarred.${wanted}`);
};

const answerNote: G = (_f, i) => need(Boolean(i.note?.trim()), 'note', 'workflow.missing.note');
const reason: G = (_f, i) => need(Boolean(i.reason?.trim()), 'reason', 'workflow.missing.reason');

/** Serious harm needs a signed regulatory decision before the case closes; an open review blocks closing too. */
const noOpenRegulatoryReview: G = (f) =>
  need(!f.regulatoryReviewOpen && (!f.regulatoryReviewRequired || f.regulatoryDecided), 'regulatory', 'workflow.missing.regulatory');

export const intakeAndWorkflow: Capability<IntakeWorkflowFacts, RegulatoryFacts> = {
  name: 'intake & workflow',
  issue: 3,
  facts: ({ complaint, customer }) => ({
    timeBarred: complaint.timeBarred,
    timeBarredDecision: complaint.timeBarredDecision,
    acknowledgedAt: complaint.acknowledgedAt,
    customerHasEmail: Boolean(customer.email),
    regulatoryReviewRequired: complaint.regulatoryReviewRequired,
  }),
  guards: {
    acknowledgment,
    acknowledgmentChannel,
    timeBarredAccepted: decided('accept'),
    timeBarredAnswered: decided('answer_time_barred'),
    answerNote,
    reason,
    rejectionRound,
    noOpenRegulatoryReview,
  },
  dossier: { summary: caseSummary, classification: caseClassification, timeline: caseTimeline },
  abilities: [
    { action: 'transition', subject: 'Complaint' },
    { action: 'review', subject: 'Complaint' },
    { action: 'respond', subject: 'Complaint' },
    { action: 'hold', subject: 'Complaint' },
  ],
};

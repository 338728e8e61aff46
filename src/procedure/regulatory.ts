/**
 * The capability "regulatory review" (issue 9): the review of a serious case by the CEO and the
 * filing of a `report` decision (src/commands/regulatory.ts). Its facts are read from the case's
 * current review: `regulatoryReviewOpen` (submitted, awaiting the CEO), `regulatoryDecided` (a
 * signed decision exists) — which the intake & workflow guard `noOpenRegulatoryReview` reads — and
 * `reportUnfiled`, which its own guard `reportFiled` reads (PRODUCT.md: no `report` decision
 * unfiled before closing). It adds `regulatory` (the current review, or null) and `signatures`
 * (every signature, newest first) to the case detail.
 */
import { regulatoryDossier } from '../dossier/records';
import { fieldError } from '../lib/errors';
import { caseRegulatory, caseSignatures, currentReview, reportUnfiled, reviewOpen } from '../queries/regulatory';
import type { Capability } from './types';

export interface RegulatoryFacts {
  /** A review of the case awaits the CEO's decision. */
  regulatoryReviewOpen: boolean;
  /** The case's current review carries a signed decision. */
  regulatoryDecided: boolean;
  /** The current decision is `report` and it is not filed yet. */
  reportUnfiled: boolean;
}

export const regulatory: Capability<RegulatoryFacts> = {
  name: 'regulatory review',
  issue: 9,
  facts: async ({ complaint }) => {
    const review = await currentReview(complaint.id);
    return { regulatoryReviewOpen: reviewOpen(review), regulatoryDecided: Boolean(review?.decision), reportUnfiled: reportUnfiled(review) };
  },
  guards: {
    reportFiled: (f) => (f.reportUnfiled ? [fieldError('regulatory', 'workflow.missing.reportFiled')] : []),
  },
  detail: {
    regulatory: ({ complaint }) => caseRegulatory(complaint.id),
    signatures: ({ complaint }) => caseSignatures(complaint.id),
  },
  dossier: { regulatory: regulatoryDossier },
  abilities: [
    { action: 'submit', subject: 'RegulatoryReview' },
    { action: 'sign', subject: 'RegulatoryReview' },
    { action: 'file', subject: 'RegulatoryReview' },
  ],
};

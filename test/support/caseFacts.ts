import type { CaseFacts } from '../../src/procedure';

/** A case's core facts for the procedure's guards: a fresh complaint in intake, unless overridden. */
export const facts = (over: Partial<CaseFacts> = {}): CaseFacts => ({
  kind: 'complaint',
  status: 'intake',
  heldStatus: null,
  round: 1,
  timeBarred: false,
  timeBarredDecision: null,
  acknowledgedAt: null,
  customerHasEmail: true,
  regulatoryReviewRequired: false,
  regulatoryReviewOpen: false,
  regulatoryDecided: false,
  evidenceCount: 0,
  noEvidenceReason: null,
  findings: null,
  reportUnfiled: false,
  actionCounts: { containmentOrCorrective: 0, unfinished: 0 },
  proposal: null,
  followUpRecorded: false,
  issuedLetters: [],
  ...over,
});

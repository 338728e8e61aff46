/**
 * The capability "evidence" (issue 9): what it adds to the case detail (`evidence`, every piece,
 * withdrawn ones included), the facts its guard reads and its job (the sweep of staged bytes a
 * crashed upload left behind).
 *
 * Its guard `evidenceOrReason` is PRODUCT.md's "at least one piece of evidence or a recorded
 * reason why there is none": pieces not withdrawn, or the reason recorded with the current
 * findings — a fact the findings capability loads (./findings.ts), read here, not loaded twice.
 */
import { evidenceDossier } from '../dossier/records';
import { fieldError } from '../lib/errors';
import { EvidenceSweepJob } from '../jobs/evidenceSweepJob';
import { caseEvidence, evidenceCount } from '../queries/evidence';
import type { FindingsFacts } from './findings';
import type { Capability } from './types';

export interface EvidenceFacts {
  /** Pieces of evidence of the case that are not withdrawn. */
  evidenceCount: number;
}

export const evidence: Capability<EvidenceFacts, Pick<FindingsFacts, 'noEvidenceReason'>> = {
  name: 'evidence',
  issue: 9,
  facts: async ({ complaint }) => ({ evidenceCount: await evidenceCount(complaint.id) }),
  guards: {
    evidenceOrReason: (f) => (f.evidenceCount > 0 || f.noEvidenceReason?.trim() ? [] : [fieldError('evidence', 'workflow.missing.evidenceOrReason')]),
  },
  detail: { evidence: ({ complaint }) => caseEvidence(complaint.id) },
  dossier: { evidence: evidenceDossier },
  abilities: [
    { action: 'create', subject: 'Evidence' },
    { action: 'read', subject: 'Evidence' },
    { action: 'update', subject: 'Evidence' },
  ],
  jobs: () => [new EvidenceSweepJob()],
};

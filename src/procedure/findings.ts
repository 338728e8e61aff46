/**
 * The capability "findings" (issue 9): the investigation's findings, recorded as versions
 * (src/commands/findings.ts). Its guard `findings` is PRODUCT.md's "findings: substantiated or not,
 * root cause, new or recurring, and — when substantiated — the responsible department", read from
 * the current version. The same version carries the reason why there is no evidence, which the
 * evidence capability reads for its `evidenceOrReason` (./evidence.ts).
 */
import { findingsDossier } from '../dossier/records';
import { fieldError } from '../lib/errors';
import { caseFindings, currentFinding } from '../queries/findings';
import type { Capability } from './types';

export interface FindingsFacts {
  /** The current findings, or null when none are recorded. */
  findings: { substantiated: boolean; rootCause: string; recurring: boolean; responsibleDepartmentId: string | null } | null;
  /** Why there is no evidence, as recorded with the current findings (the evidence capability's guard reads it). */
  noEvidenceReason: string | null;
}

export const findings: Capability<FindingsFacts> = {
  name: 'findings',
  issue: 9,
  facts: async ({ complaint }) => {
    const current = await currentFinding(complaint.id);
    return {
      findings: current && { substantiated: current.substantiated, rootCause: current.rootCause, recurring: current.recurring, responsibleDepartmentId: current.responsibleDepartmentId },
      noEvidenceReason: current?.noEvidenceReason ?? null,
    };
  },
  guards: {
    findings: (f) => {
      if (!f.findings || !f.findings.rootCause.trim()) return [fieldError('findings', 'workflow.missing.findings')];
      if (f.findings.substantiated && !f.findings.responsibleDepartmentId) return [fieldError('findings', 'workflow.missing.findingsDepartment')];
      return [];
    },
  },
  detail: { findings: ({ complaint }) => caseFindings(complaint.id) },
  dossier: { findings: findingsDossier },
  abilities: [
    { action: 'create', subject: 'Finding' },
    { action: 'read', subject: 'Finding' },
  ],
};

/**
 * The capability "corrective actions" (issue 10): the case's actions (src/commands/actions.ts), in
 * the case detail (`actions`: each with its status, overdue flag and every complaint it answers)
 * and in two guards of PRODUCT.md's table:
 * - `actionWhenSubstantiated` (solution → review): when the findings say substantiated, at least
 *   one containment or corrective action — `substantiated` is the findings capability's fact
 *   (./findings.ts), read here, not loaded twice;
 * - `actionsDone` (follow_up → closed): every action but a supplier's long-term fix done or
 *   verified (the long-term fix stays open, tracked on the register).
 */
import { actionsDossier } from '../dossier/resolution';
import { fieldError } from '../lib/errors';
import { actionCounts, caseActions } from '../queries/actions';
import type { FindingsFacts } from './findings';
import type { Capability } from './types';

export interface ActionsFacts {
  /** The case's actions as the guards count them. */
  actionCounts: { containmentOrCorrective: number; unfinished: number };
}

export const correctiveActions: Capability<ActionsFacts, Pick<FindingsFacts, 'findings'>> = {
  name: 'corrective actions',
  issue: 10,
  facts: async ({ complaint }) => ({ actionCounts: await actionCounts(complaint.id) }),
  guards: {
    actionWhenSubstantiated: (f) =>
      f.findings?.substantiated && (f.actionCounts?.containmentOrCorrective ?? 0) === 0 ? [fieldError('actions', 'workflow.missing.actionWhenSubstantiated')] : [],
    actionsDone: (f) => {
      const unfinished = f.actionCounts?.unfinished ?? 0;
      return unfinished > 0 ? [fieldError('actions', 'workflow.missing.actionsDone', { count: unfinished })] : [];
    },
  },
  detail: { actions: ({ complaint }) => caseActions(complaint.id) },
  dossier: { actions: actionsDossier },
  abilities: [
    { action: 'create', subject: 'Action' },
    { action: 'read', subject: 'Action' },
    { action: 'update', subject: 'Action' },
    { action: 'verify', subject: 'Action' },
    { action: 'respond', subject: 'Action' },
  ],
};

/**
 * The capability "follow-up" (issue 10): quality contacts the customer in follow-up and records
 * the outcome — satisfied or not, with a note (src/commands/solutions.ts recordFollowUp). Its
 * guard `followUpOutcome`: an outcome recorded while the case is in follow_up. Detail `followUps`.
 */
import { followUpsDossier } from '../dossier/resolution';
import { fieldError } from '../lib/errors';
import { caseFollowUps, followUpRecorded } from '../queries/solutions';
import type { Capability } from './types';

export interface FollowUpFacts {
  /** A follow-up outcome was recorded since the case entered follow_up. */
  followUpRecorded: boolean;
}

export const followUp: Capability<FollowUpFacts> = {
  name: 'follow-up',
  issue: 10,
  facts: async ({ complaint }) => ({
    followUpRecorded: (complaint.status === 'follow_up' || complaint.heldStatus === 'follow_up') && (await followUpRecorded(complaint.id, complaint.stageEnteredAt)),
  }),
  guards: {
    followUpOutcome: (f) => (f.followUpRecorded ? [] : [fieldError('followUp', 'workflow.missing.followUpOutcome')]),
  },
  detail: { followUps: ({ complaint }) => caseFollowUps(complaint.id) },
  dossier: { followUps: followUpsDossier },
  abilities: [{ action: 'create', subject: 'FollowUp' }],
};

/**
 * The capability "meetings" (issue 9): meetings of a case and their minutes, approved and locked,
 * corrected by a new meeting that supersedes them (src/commands/meetings.ts). It owns no
 * requirement of ./steps.ts (no step waits for a meeting today), so it has no facts and no guards;
 * it adds the case's meetings, with their assignments, to the case detail.
 */
import { meetingsDossier } from '../dossier/records';
import { caseMeetings } from '../queries/meetings';
import type { Capability } from './types';

export const meetings: Capability<Record<never, never>> = {
  name: 'meetings',
  issue: 9,
  facts: () => ({}),
  guards: {},
  detail: { meetings: ({ complaint }) => caseMeetings(complaint.id) },
  dossier: { meetings: meetingsDossier },
  abilities: [
    { action: 'create', subject: 'Meeting' },
    { action: 'update', subject: 'Meeting' },
    { action: 'approve', subject: 'Meeting' },
  ],
};

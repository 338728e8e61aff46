/**
 * The capability "satisfaction survey" (issue 12): 72 hours after closure the customer is invited
 * to rate the handling (src/jobs/satisfactionRequestsJob.ts, src/commands/surveys.ts). It guards no
 * step; its detail `survey` is the invitation (when, until when) and the answer, or null.
 */
import * as clock from '../lib/clock';
import { caseSurvey } from '../queries/surveys';
import type { Capability } from './types';

export const satisfactionSurvey: Capability<Record<never, never>> = {
  name: 'satisfaction survey',
  issue: 12,
  facts: () => ({}),
  guards: {},
  detail: { survey: ({ complaint }) => caseSurvey(complaint.id, clock.now()) },
  abilities: [],
};

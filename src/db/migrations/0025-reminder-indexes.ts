import type { Migration } from './types';

/**
 * Indexes for the reminder jobs (issue 12; docs "Reminder jobs"): each job reads only what is due
 * and unfinished, so its cost grows with what it has to remind about, not with the history.
 *
 * - `report-deadlines`: reviews whose report is not filed, by due time (`awaiting_ceo` and
 *   `decided`; a filed review never needs a reminder). The only other index of the table is per case.
 * - `overdue-actions`: unfinished actions (`planned`, `in_progress`) by due time. The existing
 *   `corrective_actions_due_idx` covers every action, done and verified ones too, so a range scan
 *   on it would grow with every action ever finished.
 *
 * The follow-up reminders use `complaints_status_idx` (status first) and the retention review
 * `archives_retention_idx` (not disposed), both already there.
 */
export const up: Migration = async ({ context: sequelize }) => {
  await sequelize.query(`
    CREATE INDEX regulatory_reviews_unfiled_due_idx ON regulatory_reviews (report_due_at, id) WHERE status <> 'filed';
    CREATE INDEX corrective_actions_unfinished_due_idx ON corrective_actions (due_at, id) WHERE status IN ('planned', 'in_progress');
  `);
};

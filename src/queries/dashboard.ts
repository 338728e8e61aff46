import { DateTime } from 'luxon';
import { Op, type WhereOptions } from 'sequelize';
import { CaseClock, Complaint } from '../models';
import type { AppAbility } from '../policies/ability';
import { accessibleWhere } from '../policies/accessible';
import * as clock from '../lib/clock';

/** Figures the home page shows; each is one COUNT that an index of the complaints table answers. */
export const DASHBOARD_FIGURES = [
  'loggedToday',
  'inIntake',
  'acknowledgeOverdue',
  'open',
  'overdue',
  'onHold',
  'inWork',
  'awaitingReview',
  'disputed',
  'regulatoryOpen',
  'loggedThisYear',
] as const;
export type DashboardFigure = (typeof DASHBOARD_FIGURES)[number];

const OPEN = { status: { [Op.notIn]: ['closed', 'archived'] } };

/** The `where` of each figure (`now` and the organisation's zone fix "today" and "this year"). */
function conditions(now: Date, zone: string): Record<DashboardFigure, WhereOptions> {
  const local = DateTime.fromJSDate(now, { zone });
  const s = CaseClock.sequelize!;
  // The acknowledgment clock, still running and past due: one probe of case_clocks' (complaint_id, kind) key per entry in intake.
  const acknowledgmentLate = s.literal(
    `EXISTS (SELECT 1 FROM case_clocks k WHERE k.complaint_id = "Complaint".id AND k.kind = 'acknowledge' AND k.outcome IS NULL AND k.due_at < ${s.escape(now.toISOString())}::timestamptz)`,
  );
  return {
    // complaints_received_idx
    loggedToday: { receivedAt: { [Op.gte]: local.startOf('day').toJSDate() } },
    loggedThisYear: { receivedAt: { [Op.gte]: local.startOf('year').toJSDate() } },
    // complaints_status_idx
    inIntake: { status: 'intake' },
    acknowledgeOverdue: { status: 'intake', acknowledgedAt: null, [Op.and]: [acknowledgmentLate] },
    onHold: { status: 'on_hold' },
    inWork: { status: { [Op.in]: ['investigation', 'solution'] } },
    awaitingReview: { status: 'review' },
    disputed: { status: 'disputed' },
    // complaints_queue_idx (partial: open entries only)
    open: OPEN,
    overdue: { ...OPEN, nextDueAt: { [Op.lt]: now } },
    regulatoryOpen: { ...OPEN, regulatoryReviewRequired: true },
  };
}

/**
 * Counts the figures asked for, among the entries `ability` may read (a role that reads none gets
 * zeros without a query). Independent counts run side by side.
 */
export async function dashboardCounts<F extends DashboardFigure>(
  ability: AppAbility,
  figures: readonly F[],
  zone: string,
  now = clock.now(),
): Promise<Record<F, number>> {
  const readable = accessibleWhere(ability, 'read', 'Complaint');
  const where = conditions(now, zone);
  const values = await Promise.all(figures.map((f) => (readable ? Complaint.count({ where: { [Op.and]: [readable, where[f]] } }) : Promise.resolve(0))));
  return Object.fromEntries(figures.map((f, i) => [f, values[i]])) as Record<F, number>;
}

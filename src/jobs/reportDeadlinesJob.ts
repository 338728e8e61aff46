import { NOTICE } from '../notifications/kinds';
import { notify, usersWithRoles } from '../notifications/notify';
import { CronJob, type JobContext } from './CronJob';
import { causeTime, notReminded, remindEach, someone, type DueRow } from './reminders';

const DAY = 86_400_000;

/**
 * The reminder windows before `reportDueAt`: 3 days (the admin officer has time to prepare the
 * form and the CEO to decide), 1 day (the last working chance), and once when overdue. Only the
 * window a review is in now is sent: a review submitted 30 hours before its deadline (the 2-day
 * `public_health_threat` rule) gets the 1-day reminder alone, and a run after downtime sends the
 * current window, never a stale backlog.
 */
export const REPORT_WINDOWS = ['3d', '1d', 'overdue'] as const;
export type ReportWindow = (typeof REPORT_WINDOWS)[number];

interface ReportDue extends DueRow {
  complaintId: string;
  reference: string;
  dueAt: Date;
  window: ReportWindow;
}

/** (review, window, due time): a deadline the CEO's decision moves is reminded again against its new time. */
const CAUSE = `'report:' || r.id || ':' || w.win || ':' || ${causeTime('r.report_due_at')}`;

/**
 * Regulatory-report deadlines (PRODUCT.md "Regulatory report"; issue 12 "reminders to admin_officer
 * and the CEO before reportDueAt"): reviews not filed whose report may still be due — awaiting the
 * CEO (the deadline runs from submission; deciding late is how it is missed) or decided `report`
 * and not filed; a `no_report` decision ends it — remind every admin_officer and CEO. The SLA sweep
 * escalates the same `report` clock at 80/100/150 % to the case's assignee and their managers; this
 * job tells the two roles that act on it, in calendar windows.
 */
export class ReportDeadlinesJob extends CronJob {
  readonly name = 'report-deadlines';
  readonly schedule = '10 * * * *';

  async perform(ctx: JobContext) {
    const t = ctx.tick.getTime();
    let recipients: string[] | undefined;
    await remindEach<ReportDue>(
      ctx,
      {
        dueColumn: 'r.report_due_at',
        idColumn: 'r.id',
        bind: [ctx.tick, new Date(t + DAY), new Date(t + 3 * DAY)],
        // A range scan of regulatory_reviews_unfiled_due_idx (0025).
        sql: (keyset, limit) => `
          SELECT r.id, r.complaint_id AS "complaintId", c.reference, r.report_due_at AS "dueAt", to_json(r.report_due_at)#>>'{}' AS "dueKey",
                 w.win AS "window", ${CAUSE} AS cause
            FROM regulatory_reviews r
            JOIN complaints c ON c.id = r.complaint_id
           CROSS JOIN LATERAL (SELECT CASE WHEN r.report_due_at <= $1::timestamptz THEN 'overdue'
                                           WHEN r.report_due_at <= $2::timestamptz THEN '1d' ELSE '3d' END AS win) w
           WHERE r.status <> 'filed' AND r.report_due_at <= $3::timestamptz AND (r.decision IS NULL OR r.decision = 'report')
             AND c.status <> 'archived'
             AND ${notReminded(CAUSE, NOTICE.reportDue)} ${keyset}
           ORDER BY r.report_due_at, r.id LIMIT ${limit}`,
      },
      async (row) => {
        const to = someone((recipients ??= await usersWithRoles(['admin_officer', 'ceo'])));
        if (!to) return null;
        return notify({
          kind: NOTICE.reportDue,
          cause: row.cause,
          recipientIds: to,
          complaintId: row.complaintId,
          params: { reference: row.reference, dueAt: row.dueAt.toISOString(), window: row.window },
          link: `/complaints/${row.complaintId}`,
        });
      },
    );
  }
}

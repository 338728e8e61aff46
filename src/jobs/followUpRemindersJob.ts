import { NOTICE } from '../notifications/kinds';
import { notify, usersWithRoles } from '../notifications/notify';
import { CronJob, type JobContext } from './CronJob';
import { notReminded, remindEach, someone, type DueRow } from './reminders';

interface FollowUpDue extends DueRow {
  reference: string;
  dueAt: Date;
  /** The assignee while active, else null (quality is reminded instead). */
  assigneeId: string | null;
}

/** The stage visit is the cause: one reminder per (case, follow-up visit), a hold and its resumption included. */
const CAUSE = `'followup:' || v.id`;

/**
 * Follow-up reminders (PRODUCT.md "Follow-up — 7 days after the case enters follow_up"): a case in
 * `follow_up` whose follow-up stage clock has come due (the running `stage` clock of `case_clocks`,
 * so the configured follow-up SLA and its holds count: a held case has no due time, and resuming
 * pushes it out) with no follow-up outcome recorded since it entered the stage reminds its
 * assignee — quality's users when it has none (or they left) — once per stage visit.
 */
export class FollowUpRemindersJob extends CronJob {
  readonly name = 'follow-up-reminders';
  readonly schedule = '5 * * * *';

  async perform(ctx: JobContext) {
    let quality: string[] | undefined;
    await remindEach<FollowUpDue>(
      ctx,
      {
        dueColumn: 'k.due_at',
        idColumn: 'c.id',
        bind: [ctx.tick],
        // complaints_status_idx (status first) finds the cases in follow-up; the clock is its (complaint_id, kind) key.
        sql: (keyset, limit) => `
          SELECT c.id, c.reference, k.due_at AS "dueAt", to_json(k.due_at)#>>'{}' AS "dueKey", ${CAUSE} AS cause,
                 CASE WHEN u.active THEN c.assignee_id END AS "assigneeId"
            FROM complaints c
            JOIN complaint_stages v ON v.complaint_id = c.id AND v.exited_at IS NULL AND v.stage = 'follow_up'
            JOIN case_clocks k ON k.complaint_id = c.id AND k.kind = 'stage'
            LEFT JOIN users u ON u.id = c.assignee_id
           WHERE c.status = 'follow_up' AND k.outcome IS NULL AND k.due_at <= $1::timestamptz
             AND NOT EXISTS (SELECT 1 FROM follow_ups f WHERE f.complaint_id = c.id AND f.recorded_at >= c.stage_entered_at)
             AND ${notReminded(CAUSE, NOTICE.followUpDue)} ${keyset}
           ORDER BY k.due_at, c.id LIMIT ${limit}`,
      },
      async (row) => {
        const to = row.assigneeId ? [row.assigneeId] : someone((quality ??= await usersWithRoles(['quality'])));
        if (!to) return null;
        return notify({
          kind: NOTICE.followUpDue,
          cause: row.cause,
          recipientIds: to,
          complaintId: row.id,
          params: { reference: row.reference, dueAt: row.dueAt.toISOString() },
          link: `/complaints/${row.id}`,
        });
      },
    );
  }
}

import { NOTICE } from '../notifications/kinds';
import { departmentHeads, notify, usersWithRoles } from '../notifications/notify';
import { CronJob, type JobContext } from './CronJob';
import { causeTime, notReminded, remindEach, type DueRow } from './reminders';

interface ActionDue extends DueRow {
  departmentId: string;
  /** The case that opened it (the notification's case, and the first part of its name). */
  complaintId: string;
  reference: string;
  /** Its place among the actions of that case, oldest first (as the case page lists them). */
  number: number;
  dueAt: Date;
}

/** (action, due time): rescheduling an action reminds again when the new due time passes. */
const DUE_COLUMN = 'a.due_at';
const CAUSE = `'action:' || a.id || ':' || ${causeTime(DUE_COLUMN)}`;

/** The action as a reminder names it: the reference of the case that opened it and its number there (`KN-2026-000123 #2`), never its text. */
export const actionName = (reference: string, number: number) => `${reference} #${number}`;

/**
 * Overdue corrective actions (PRODUCT.md "MSO monitors overdue actions"; issue 12: "escalate to the
 * owner department's head and MSO"): actions not done or verified whose due time has passed
 * (strictly, as `isOverdue` says) and that can still change — some case they answer is open, or,
 * for a supplier's long-term fix tracked after closure, not sealed (`actionChangeable`) — remind
 * the owner department's heads and quality (MSO), once per action and due time.
 */
export class OverdueActionsJob extends CronJob {
  readonly name = 'overdue-actions';
  readonly schedule = '15 8 * * *';

  async perform(ctx: JobContext) {
    let quality: string[] | undefined;
    await remindEach<ActionDue>(
      ctx,
      {
        dueColumn: DUE_COLUMN,
        idColumn: 'a.id',
        bind: [ctx.tick],
        // A range scan of corrective_actions_unfinished_due_idx (0025); the number probes action_cases_complaint_idx.
        sql: (keyset, limit) => `
          SELECT a.id, a.owner_department_id AS "departmentId", a.opened_on AS "complaintId", o.reference,
                 a.due_at AS "dueAt", to_json(a.due_at)#>>'{}' AS "dueKey", ${CAUSE} AS cause,
                 (SELECT count(*) FROM action_cases l JOIN corrective_actions b ON b.id = l.action_id
                   WHERE l.complaint_id = a.opened_on AND (b.created_at, b.id) <= (a.created_at, a.id))::int AS number
            FROM corrective_actions a
            JOIN complaints o ON o.id = a.opened_on
           WHERE a.status IN ('planned', 'in_progress') AND a.due_at < $1::timestamptz
             AND EXISTS (SELECT 1 FROM action_cases l JOIN complaints lc ON lc.id = l.complaint_id
                          WHERE l.action_id = a.id
                            AND (lc.status NOT IN ('closed', 'archived') OR (a.type = 'supplier_long_term' AND lc.status <> 'archived')))
             AND ${notReminded(CAUSE, NOTICE.actionOverdue)} ${keyset}
           ORDER BY a.due_at, a.id LIMIT ${limit}`,
      },
      async (row) => {
        const to = [...(await departmentHeads([row.departmentId])), ...(quality ??= await usersWithRoles(['quality']))];
        if (to.length === 0) return null;
        return notify({
          kind: NOTICE.actionOverdue,
          cause: row.cause,
          recipientIds: to,
          complaintId: row.complaintId,
          params: { action: actionName(row.reference, row.number), reference: row.reference, dueAt: row.dueAt.toISOString() },
          link: `/actions/${row.id}`,
        });
      },
    );
  }
}

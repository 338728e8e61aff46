import { NOTICE } from '../notifications/kinds';
import { notify, usersWithRoles } from '../notifications/notify';
import { CronJob, type JobContext } from './CronJob';
import { causeTime, notReminded, remindEach, someone, type DueRow } from './reminders';

interface RetentionDue extends DueRow {
  complaintId: string;
  reference: string;
  retentionUntil: Date;
}

/** (archive, retention end): an archive is reminded once for the retention it was sealed with. */
const CAUSE = `'retention:' || a.id || ':' || ${causeTime('a.retention_until')}`;

/**
 * The retention review (PRODUCT.md "Retention": disposal after the retention end, sysadmin
 * proposes, legal approves): archives not disposed whose `retention_until` has passed and that are
 * not under legal hold remind the sysadmins and legal, once per archive. A held archive is
 * reminded when its hold is released (if its retention has ended by then). The list itself is
 * the retention review page (src/queries/retention.ts `retentionReview`, which lists held archives
 * too); this job reads the same index (`archives_retention_idx`, not disposed) with the hold and
 * "not reminded yet" conditions, so a daily run does not page through every archive already reminded.
 */
export class RetentionReviewJob extends CronJob {
  readonly name = 'retention-review';
  readonly schedule = '40 8 * * *';

  async perform(ctx: JobContext) {
    let recipients: string[] | undefined;
    await remindEach<RetentionDue>(
      ctx,
      {
        dueColumn: 'a.retention_until',
        idColumn: 'a.id',
        bind: [ctx.tick],
        sql: (keyset, limit) => `
          SELECT a.id, a.complaint_id AS "complaintId", COALESCE(c.reference, a.tombstone->>'reference', '') AS reference,
                 a.retention_until AS "retentionUntil", to_json(a.retention_until)#>>'{}' AS "dueKey", ${CAUSE} AS cause
            FROM archives a
            LEFT JOIN complaints c ON c.id = a.complaint_id
           WHERE a.disposed_at IS NULL AND a.retention_until <= $1::timestamptz AND NOT a.legal_hold
             AND ${notReminded(CAUSE, NOTICE.retentionDue)} ${keyset}
           ORDER BY a.retention_until, a.id LIMIT ${limit}`,
      },
      async (row) => {
        const to = someone((recipients ??= await usersWithRoles(['sysadmin', 'legal'])));
        if (!to) return null;
        return notify({
          kind: NOTICE.retentionDue,
          cause: row.cause,
          recipientIds: to,
          complaintId: row.complaintId,
          params: { reference: row.reference, retentionUntilAt: row.retentionUntil.toISOString() },
          link: '/archives/retention-review',
        });
      },
    );
  }
}

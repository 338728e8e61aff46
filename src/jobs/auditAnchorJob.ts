import { anchorAuditTrail } from '../commands/auditAnchorer';
import { CronJob, type JobContext } from './CronJob';

/** Seals the audit events written since the last run (see docs/ARCHITECTURE.md "Audit trail"). */
export class AuditAnchorJob extends CronJob {
  readonly name = 'audit-anchor';
  // Every minute: the window in which a cut of the newest events could go unseen stays ≤ 1 minute.
  readonly schedule = '* * * * *';

  async perform(ctx: JobContext) {
    // One short transaction: the anchorer takes its own advisory lock inside it.
    const anchor = await ctx.chunk(() => anchorAuditTrail());
    ctx.count('anchors', anchor ? 1 : 0);
    ctx.count('events', anchor?.eventCount ?? 0);
    return anchor;
  }
}

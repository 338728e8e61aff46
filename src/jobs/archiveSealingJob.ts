import { QueryTypes } from 'sequelize';
import { sealCase, SEALING_JOB } from '../commands/archives';
import { sequelize } from '../db';
import { logger } from '../lib/logger';
import { CronJob, type JobContext } from './CronJob';

const CHUNK = 50;

/**
 * Seals every closed case whose closure is at least `afterDays` days before the tick, one case per
 * short transaction (`ctx.chunk`), reading the candidates in keyset pages of 50. A case whose
 * satisfaction survey link is still open (neither answered nor expired at the tick) waits for a later
 * run (PRODUCT.md: "once its survey link has expired"). A case that cannot
 * be sealed (reopened meanwhile, sealed by hand at the same moment) is counted and skipped.
 */
export class ArchiveSealingJob extends CronJob {
  readonly name = 'archive-sealing';
  readonly schedule = '23 2 * * *';

  /** `afterDays`: the configuration's ARCHIVE_AFTER_DAYS (src/config.ts; default 30, the survey link has expired by then). */
  constructor(private readonly afterDays: number = 30) {
    super();
  }

  async perform(ctx: JobContext) {
    const cutoff = new Date(ctx.tick.getTime() - this.afterDays * 86_400_000);
    let after: { closedAt: Date; id: string } | null = null;
    for (;;) {
      const page: Array<{ id: string; closedAt: Date }> = await sequelize().query(
        `SELECT id, closed_at AS "closedAt" FROM complaints
          WHERE status = 'closed' AND closed_at <= $1 ${after ? 'AND (closed_at, id) > ($3, $4)' : ''}
            -- "once the survey link has expired": a link still open (not answered, not expired) waits.
            AND NOT EXISTS (SELECT 1 FROM survey_invitations i WHERE i.complaint_id = complaints.id AND i.used_at IS NULL AND i.expires_at > $2)
          ORDER BY closed_at, id LIMIT ${CHUNK}`,
        { bind: after ? [cutoff, ctx.tick, after.closedAt, after.id] : [cutoff, ctx.tick], type: QueryTypes.SELECT },
      );
      for (const c of page) {
        try {
          await ctx.chunk(() => sealCase(c.id, SEALING_JOB));
          ctx.count('sealed');
        } catch (err) {
          logger.warn('archive-sealing: case not sealed', { complaintId: c.id, error: err instanceof Error ? err.message : String(err) });
          ctx.count('skipped');
        }
      }
      if (page.length < CHUNK) break;
      after = page[page.length - 1];
    }
  }
}

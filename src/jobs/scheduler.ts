import cron, { type ScheduledTask } from 'node-cron';
import type { Config } from '../config';
import { procedure } from '../procedure';
import { ArchiveSealingJob } from './archiveSealingJob';
import { AuditAnchorJob } from './auditAnchorJob';
import { tickOf, type CronJob } from './CronJob';
import { SatisfactionRequestsJob } from './satisfactionRequestsJob';
import { FollowUpRemindersJob } from './followUpRemindersJob';
import { OverdueActionsJob } from './overdueActionsJob';
import { ReportDeadlinesJob } from './reportDeadlinesJob';
import { RetentionReviewJob } from './retentionReviewJob';
import { RenewalRemindersJob } from './renewalRemindersJob';
import { SlaSweepJob } from './slaSweepJob';

/** Every job the app runs: the platform's, then each registered capability's (src/procedure). */
export function allJobs(config: Pick<Config, 'archiveAfterDays' | 'timezone'>): CronJob[] {
  return [new AuditAnchorJob(), new ArchiveSealingJob(config.archiveAfterDays), new SatisfactionRequestsJob(), new FollowUpRemindersJob(), new ReportDeadlinesJob(), new OverdueActionsJob(), new RetentionReviewJob(), new RenewalRemindersJob(config.timezone), new SlaSweepJob(), ...procedure.jobs()];
}

/** The only place that touches node-cron. Returns a stop function for graceful shutdown. */
export function startScheduler(timezone: string, jobs: CronJob[]): () => Promise<void> {
  const tasks: ScheduledTask[] = jobs.map((job) =>
    // The tick is the scheduled minute, the same on every instance: only one of them runs it.
    cron.schedule(job.schedule, (ctx) => job.run(tickOf(ctx.date)), { name: job.name, timezone, noOverlap: true }),
  );
  return async () => {
    await Promise.all(tasks.map((t) => t.stop()));
    // Let a run that already started finish before the pool closes under it.
    const deadline = Date.now() + 10_000;
    while (tasks.some((t) => t.isBusy()) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
    await Promise.all(tasks.map((t) => t.destroy()));
  };
}

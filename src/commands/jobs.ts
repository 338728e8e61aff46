import { transaction } from '../db';
import { manualTick, type CronJob, type RunOutcome } from '../jobs/CronJob';
import * as clock from '../lib/clock';
import { AppError, notFound } from '../lib/errors';
import { recordAudit } from '../models/AuditEvent';
import { recentJobRuns } from '../queries/jobRuns';

/**
 * "Run now" from the jobs page: refused (409) while a run of the job is in progress (one left
 * running by a stopped instance, past the job's abandon limit, does not count); otherwise
 * the request is audited (`job.run_requested`, in a transaction of its own that commits first),
 * then one tick of the job runs with a manual tick of its own (never minute-aligned, so it takes
 * no scheduled tick's place). The run holds no transaction: `run()` works in its own short chunks
 * and records its outcome in `job_runs`. It runs inside the request for now (the answer waits for
 * it); a long job would rather be handed to the scheduler. The in-progress check is a courtesy,
 * not a lock: two requests at the same instant may both run, each its own tick, which every job
 * tolerates (a job's effects are keyed by their cause, not by the run).
 */
export async function runJobNow(jobs: readonly CronJob[], name: string): Promise<RunOutcome & { tick: Date }> {
  const job = jobs.find((j) => j.name === name);
  if (!job) throw notFound('Job');
  const [last] = (await recentJobRuns([job.name], 1)).get(job.name) ?? [];
  // A run left `running` longer than the job's abandon limit belongs to a stopped instance: this run records it as failed.
  if (last?.status === 'running' && last.startedAt.getTime() > clock.now().getTime() - job.abandonedAfterMs)
    throw new AppError(409, 'conflict', `A run of ${name} is in progress (since ${last.startedAt.toISOString()}): wait for it to finish.`, undefined, undefined, undefined, 'jobs.flash.running');
  const tick = manualTick();
  await transaction(() => recordAudit({ action: 'job.run_requested', entityType: 'Job', entityId: job.name, meta: { tick: tick.toISOString(), schedule: job.schedule } }));
  return { ...(await job.run(tick)), tick };
}

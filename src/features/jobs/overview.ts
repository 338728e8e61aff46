import type { CronJob } from '../../jobs/CronJob';
import { describeSchedule, nextRun, type ScheduleWords } from '../../jobs/schedule';
import * as clock from '../../lib/clock';
import { recentJobRuns } from '../../queries/jobRuns';

export interface JobOverview {
  name: string;
  schedule: string;
  words: ScheduleWords | null;
  nextRunAt: string | null;
  enabled: boolean;
  lastRuns: Array<{ tick: string; status: 'running' | 'succeeded' | 'failed'; startedAt: string; finishedAt: string | null; counts: Record<string, number>; error: string | null }>;
}

/** Every job with its schedule, its next run in the organisation's zone and its last runs (one query for all jobs' runs). */
export async function jobsOverview(jobs: readonly CronJob[], options: { enabled: boolean; timezone: string; runs?: number }): Promise<JobOverview[]> {
  const now = clock.now();
  const runs = await recentJobRuns(
    jobs.map((j) => j.name),
    options.runs ?? 5,
  );
  return jobs.map((job) => {
    const next = nextRun(job.schedule, now, options.timezone);
    return {
      name: job.name,
      schedule: job.schedule,
      words: describeSchedule(job.schedule),
      nextRunAt: next ? next.toISOString() : null,
      enabled: options.enabled,
      lastRuns: (runs.get(job.name) ?? []).map((r) => ({
        tick: r.tick.toISOString(),
        status: r.status,
        startedAt: r.startedAt.toISOString(),
        finishedAt: r.finishedAt ? r.finishedAt.toISOString() : null,
        counts: r.counts ?? {},
        error: r.error,
      })),
    };
  });
}

/** The JSON of a job (the API's shape: the words are the page's). */
export const presentJob = ({ words: _words, ...job }: JobOverview) => job;

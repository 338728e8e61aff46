import { QueryTypes } from 'sequelize';
import { sequelize } from '../db';

export interface JobRun {
  id: number;
  job: string;
  tick: Date;
  status: 'running' | 'succeeded' | 'failed';
  startedAt: Date;
  finishedAt: Date | null;
  counts: Record<string, number>;
  error: string | null;
}

/** The last `limit` runs of each of `jobs`, newest first. */
export async function recentJobRuns(jobs: string[], limit = 5): Promise<Map<string, JobRun[]>> {
  const rows = jobs.length
    ? await sequelize().query<JobRun>(
        `SELECT r.id, r.job, r.tick, r.status, r.started_at AS "startedAt", r.finished_at AS "finishedAt", r.counts, r.error
           FROM unnest(ARRAY[:jobs]::text[]) AS j(name)
           CROSS JOIN LATERAL (SELECT * FROM job_runs WHERE job = j.name ORDER BY started_at DESC, id DESC LIMIT :limit) r`,
        { replacements: { jobs, limit }, type: QueryTypes.SELECT },
      )
    : [];
  const byJob = new Map<string, JobRun[]>(jobs.map((j) => [j, []]));
  for (const r of rows) byJob.get(r.job)!.push({ ...r, id: Number(r.id), tick: new Date(r.tick), startedAt: new Date(r.startedAt), finishedAt: r.finishedAt ? new Date(r.finishedAt) : null });
  return byJob;
}

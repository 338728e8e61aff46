import { Router } from 'express';
import { runJobNow } from '../../commands/jobs';
import type { Config } from '../../config';
import { allJobs } from '../../jobs/scheduler';
import { conflict } from '../../lib/errors';
import { parse } from '../../lib/validate';
import { authorize } from '../../policies/authorize';
import { jobsOverview, presentJob } from './overview';
import { JobParams, RunJobBody } from './schema';

/** /api/v1/jobs: the scheduled jobs with their last runs, and "run now" (sysadmin). */
export function jobsApi(config: Config): Router {
  const r = Router();
  const jobs = allJobs(config);

  r.get('/jobs', async (req, res) => {
    authorize(req, 'read', 'Job');
    const items = await jobsOverview(jobs, { enabled: config.jobs, timezone: config.timezone });
    res.json({ items: items.map(presentJob) });
  });

  r.post('/jobs/:name/run', async (req, res) => {
    authorize(req, 'update', 'Job');
    const { name } = parse(JobParams, req.params);
    parse(RunJobBody, req.body ?? {});
    const outcome = await runJobNow(jobs, name);
    if (!outcome.ran) throw conflict(`This tick of ${name} was already run.`);
    res.json({ name, tick: outcome.tick.toISOString(), status: outcome.status, counts: outcome.counts ?? {}, error: outcome.error ?? null });
  });

  return r;
}

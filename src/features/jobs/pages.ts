import { Router } from 'express';
import { runJobNow } from '../../commands/jobs';
import type { Config } from '../../config';
import { requireSignIn } from '../../http/auth';
import { setFlash } from '../../http/pageLocals';
import { allJobs } from '../../jobs/scheduler';
import { AppError } from '../../lib/errors';
import { parse } from '../../lib/validate';
import { authorize } from '../../policies/authorize';
import { jobsOverview } from './overview';
import { JobParams } from './schema';

/** What a run's counts read like on the page: "sealed 3, skipped 1". */
const countsText = (counts: Record<string, number>) =>
  Object.entries(counts)
    .map(([k, v]) => `${k} ${v}`)
    .join(', ');

/** /admin/jobs: the sysadmin sees every job, its schedule, next run and last runs, and runs one now. */
export function jobsPages(config: Config): Router {
  const r = Router();
  const jobs = allJobs(config);
  r.use('/admin/jobs', requireSignIn);

  r.get('/admin/jobs', async (req, res) => {
    authorize(req, 'read', 'Job');
    const items = (await jobsOverview(jobs, { enabled: config.jobs, timezone: config.timezone })).map((job) => ({
      ...job,
      wordsText: job.words ? req.t(`jobs.every.${job.words.key}`, { ...job.words.values, ...('weekday' in job.words.values ? { weekday: req.t(`jobs.weekday.${job.words.values.weekday}`) } : {}) }) : null,
      lastRuns: job.lastRuns.map((run) => ({
        ...run,
        countsText: countsText(run.counts),
        seconds: run.finishedAt ? Math.max(0, Math.round((Date.parse(run.finishedAt) - Date.parse(run.startedAt)) / 100) / 10) : null,
      })),
    }));
    res.render('admin/jobs', { title: req.t('jobs.title'), items, enabled: config.jobs, canRun: req.ability.can('update', 'Job') });
  });

  r.post('/admin/jobs/:name/run', async (req, res) => {
    authorize(req, 'update', 'Job');
    const { name } = parse(JobParams, req.params, req.lang);
    try {
      const outcome = await runJobNow(jobs, name);
      setFlash(res, outcome.status === 'succeeded' ? 'jobs.flash.succeeded' : 'jobs.flash.failed');
    } catch (err) {
      // Another run of the job is in progress: say so on the list instead of an error page.
      if (!(err instanceof AppError && err.status === 409)) throw err;
      setFlash(res, 'jobs.flash.running');
    }
    res.redirect(303, `/admin/jobs#job-${name}`);
  });

  return r;
}

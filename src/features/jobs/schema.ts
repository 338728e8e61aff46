import { documentRoute } from '../../http/openapi';
import { z } from '../../lib/zod';

const instant = z.string().datetime({ offset: true });

export const JobRunSchema = z
  .object({
    tick: instant.openapi({ description: 'The scheduled minute it ran for (a manual run has a tick of its own, never minute-aligned)' }),
    status: z.enum(['running', 'succeeded', 'failed']),
    startedAt: instant,
    finishedAt: instant.nullable(),
    counts: z.record(z.string(), z.number()).openapi({ description: 'What the run did, by counter (kept only for committed chunks)' }),
    error: z.string().nullable().openapi({ description: 'A failed run: the error kind and message (never statement values)' }),
  })
  .openapi('JobRun');

export const JobSchema = z
  .object({
    name: z.string().openapi({ example: 'sla-sweep' }),
    schedule: z.string().openapi({ description: 'node-cron pattern, in the organisation\'s time zone', example: '*/5 * * * *' }),
    nextRunAt: instant.nullable().openapi({ description: 'When the schedule next fires (whether or not this instance runs the schedule)' }),
    enabled: z.boolean().openapi({ description: 'This instance runs the schedule (JOBS=off: false; a manual run still works)' }),
    lastRuns: z.array(JobRunSchema).openapi({ description: 'The last runs, newest first' }),
  })
  .openapi('Job');

export const JobParams = z.object({ name: z.string().regex(/^[a-z][a-z0-9-]{0,63}$/).openapi({ example: 'sla-sweep' }) });

/** A manual run takes nothing. */
export const RunJobBody = z.object({}).strict().openapi('RunJob');

export const RunOutcomeSchema = z
  .object({
    name: z.string(),
    tick: instant,
    status: z.enum(['succeeded', 'failed']),
    counts: z.record(z.string(), z.number()),
    error: z.string().nullable(),
  })
  .openapi('JobRunOutcome');

documentRoute({
  method: 'get',
  path: '/api/v1/jobs',
  summary: 'The scheduled jobs: schedule, next run, whether this instance runs them, and their last runs (sysadmin)',
  tags: ['Jobs'],
  response: { status: 200, schema: z.object({ items: z.array(JobSchema) }) },
  problems: [403],
});
documentRoute({
  method: 'post',
  path: '/api/v1/jobs/{name}/run',
  summary: 'Run one tick of a job now, in the request (sysadmin; audited job.run_requested). 409 while a run of the job is in progress',
  tags: ['Jobs'],
  params: JobParams,
  body: RunJobBody,
  response: { status: 200, schema: RunOutcomeSchema },
  problems: [403, 404, 409],
});

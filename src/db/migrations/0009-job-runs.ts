import type { Migration } from './types';

/**
 * One row per (job, tick): the instance whose INSERT wins runs the tick, any other skips it
 * (src/jobs/CronJob.ts). A run keeps its outcome and counts; each job keeps its last runs only.
 * `error` holds the error's message, never personal data (the job writes it).
 */
export const up: Migration = async ({ context: sequelize }) => {
  await sequelize.query(`
    CREATE TABLE job_runs (
      id bigserial CONSTRAINT job_runs_pkey PRIMARY KEY,
      job text NOT NULL,
      tick timestamptz NOT NULL,
      status text NOT NULL DEFAULT 'running'
        CONSTRAINT job_runs_status_check CHECK (status IN ('running', 'succeeded', 'failed')),
      started_at timestamptz NOT NULL DEFAULT now(),
      finished_at timestamptz,
      counts jsonb NOT NULL DEFAULT '{}'::jsonb,
      error text,
      CONSTRAINT job_runs_job_tick_key UNIQUE (job, tick),
      CONSTRAINT job_runs_finished_check CHECK ((status = 'running') = (finished_at IS NULL))
    );
    CREATE INDEX job_runs_job_started_idx ON job_runs (job, started_at DESC, id DESC);
  `);
};

import type { Migration } from './types';

/**
 * The verification runs (issue 11: the retention report's "verification result"). One row per run
 * of the archive verifier (CLI, API or the auditor's page): when it started and finished, whether
 * everything was intact, how much it checked, and the cases its failures name (`failed_complaints`)
 * with the first failures themselves. An archive's result in the report is the latest run that
 * started after it was sealed: failed when that run named its case, else intact; none yet when no
 * run has covered it. A run never changes (refuse_change). The record is a convenience for the
 * report: proof comes from running the verifier again, which anyone with the right may do.
 */
export const up: Migration = async ({ context: sequelize }) => {
  await sequelize.query(`
    CREATE TABLE archive_verifications (
      id bigserial,
      started_at timestamptz NOT NULL,
      finished_at timestamptz NOT NULL,
      ok boolean NOT NULL,
      checked integer NOT NULL,
      failure_count integer NOT NULL,
      failed_complaints uuid[] NOT NULL DEFAULT '{}',
      failures jsonb NOT NULL DEFAULT '[]'::jsonb,
      run_by uuid,
      via text NOT NULL,
      CONSTRAINT archive_verifications_pkey PRIMARY KEY (id),
      CONSTRAINT archive_verifications_run_by_fk FOREIGN KEY (run_by) REFERENCES users (id),
      CONSTRAINT archive_verifications_via_check CHECK (via IN ('cli', 'api', 'page')),
      CONSTRAINT archive_verifications_time_check CHECK (finished_at >= started_at),
      CONSTRAINT archive_verifications_counts_check CHECK (checked >= 0 AND failure_count >= 0 AND ok = (failure_count = 0)),
      CONSTRAINT archive_verifications_failures_check CHECK (jsonb_typeof(failures) = 'array')
    );
    CREATE INDEX archive_verifications_started_idx ON archive_verifications (started_at DESC, id DESC);
    CREATE TRIGGER archive_verifications_immutable BEFORE UPDATE OR DELETE ON archive_verifications
      FOR EACH ROW EXECUTE FUNCTION refuse_change();
    CREATE TRIGGER archive_verifications_no_truncate BEFORE TRUNCATE ON archive_verifications
      FOR EACH STATEMENT EXECUTE FUNCTION refuse_change();
  `);
};

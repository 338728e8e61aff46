import type { Migration } from './types';

/**
 * The SLA sweep (PRODUCT.md "Scheduler and notifications"; issue 12). docs: /work/helpers/B-arch.md
 * "SLA sweep and escalation" (to be merged into docs/ARCHITECTURE.md).
 *
 * - `case_clocks.warn_at` / `escalate_at`: the instants at which 80 % and 150 % of a running
 *   clock's *measured* time is gone (business time on business-hour calendars, working days for a
 *   working-day limit, hold time excluded for the stage clock), computed by the commands with the
 *   due time (src/domain/clockMarks.ts). Null while the clock has no due time (paused on hold).
 *   Both are indexed like `due_at` (0011) on running clocks, so each level of the sweep is one
 *   range scan: `WHERE outcome IS NULL AND warn_at <= $now`.
 *   Derived from the due time and the policy: left out of the audit trail (like `search_text`).
 *   The backfill below can only use wall time (SQL does not know the business calendar): running
 *   clocks of existing cases get 80 %/150 % of their wall span after their paused time; the next
 *   command that sets their due time recomputes them exactly.
 * - `sla_breaches`: a record of the case, one row per (clock, clock visit = its `started_at`,
 *   level 80 | 100 | 150) — the UNIQUE key makes a second record impossible whatever runs
 *   concurrently. It keeps what the clock was (kind, started, due), when the level was reached
 *   (`reached_at`, the threshold instant) and detected, the case's stage then, and who held it
 *   (the assignee and their department; null when the case had no assignee). Written by the
 *   `sla-sweep` job with its `sla_breach.created` audit event in the same transaction; locks with
 *   its sealed case.
 */
export const up: Migration = async ({ context: sequelize }) => {
  await sequelize.query(`
    ALTER TABLE case_clocks ADD COLUMN warn_at timestamptz, ADD COLUMN escalate_at timestamptz;
    UPDATE case_clocks
       SET warn_at = started_at + make_interval(mins => paused_minutes) + (due_at - started_at - make_interval(mins => paused_minutes)) * 0.8,
           escalate_at = started_at + make_interval(mins => paused_minutes) + (due_at - started_at - make_interval(mins => paused_minutes)) * 1.5
     WHERE outcome IS NULL AND due_at IS NOT NULL;
    CREATE INDEX case_clocks_running_warn_idx ON case_clocks (warn_at, id) WHERE outcome IS NULL;
    CREATE INDEX case_clocks_running_escalate_idx ON case_clocks (escalate_at, id) WHERE outcome IS NULL;

    CREATE TABLE sla_breaches (
      id uuid NOT NULL DEFAULT gen_random_uuid(),
      complaint_id uuid NOT NULL,
      clock_id uuid NOT NULL,
      clock_kind text NOT NULL,
      clock_started_at timestamptz NOT NULL,
      due_at timestamptz NOT NULL,
      level smallint NOT NULL,
      reached_at timestamptz NOT NULL,
      detected_at timestamptz NOT NULL,
      stage text NOT NULL,
      assignee_id uuid,
      department_id uuid,
      version integer NOT NULL DEFAULT 0,
      created_at timestamptz NOT NULL DEFAULT now(),
      updated_at timestamptz NOT NULL DEFAULT now(),
      CONSTRAINT sla_breaches_pkey PRIMARY KEY (id),
      CONSTRAINT sla_breaches_once_key UNIQUE (clock_id, clock_started_at, level),
      CONSTRAINT sla_breaches_complaint_fk FOREIGN KEY (complaint_id) REFERENCES complaints (id) ON DELETE CASCADE,
      CONSTRAINT sla_breaches_clock_fk FOREIGN KEY (clock_id) REFERENCES case_clocks (id) ON DELETE CASCADE,
      CONSTRAINT sla_breaches_assignee_fk FOREIGN KEY (assignee_id) REFERENCES users (id),
      CONSTRAINT sla_breaches_department_fk FOREIGN KEY (department_id) REFERENCES departments (id),
      CONSTRAINT sla_breaches_level_check CHECK (level IN (80, 100, 150)),
      CONSTRAINT sla_breaches_kind_check CHECK (clock_kind ~ '^[a-z][A-Za-z0-9]{0,47}$')
    );
    -- A case's breaches (the case page, the queue's badge for a page of rows).
    CREATE INDEX sla_breaches_complaint_idx ON sla_breaches (complaint_id, level);
    SELECT attach_lock_trigger('sla_breaches', 'case');
  `);
};

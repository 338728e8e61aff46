import type { Migration } from './types';

/**
 * The findings of a case's investigation (PRODUCT.md stage 2, "What each step requires"):
 * substantiated or not, the root cause, new or recurring (with the earlier entries it recurs
 * with), the responsible department — required when substantiated — and person, the disciplinary
 * measure, and the reason why there is no evidence when there is none.
 *
 * - Append-only versions: recording the findings again writes a new row that `supersedes` the
 *   current one (UNIQUE: a version is superseded at most once, so two officers recording at the
 *   same moment cannot fork the history; the command also locks the case). The current findings are
 *   the row nobody supersedes.
 * - A row never changes: 0007's lock in `column` mode on `recorded_at` (always set) refuses every
 *   UPDATE and DELETE with SQLSTATE CB001 (409 `immutable_record`) while leaving disposal its one
 *   sanctioned path (`dispose_case_content`); `case` mode refuses findings for a sealed case.
 * - The responsible person and the disciplinary measure are readable only by some roles
 *   (src/policies/fieldRules.ts); that is the application's rule, the columns are ordinary.
 */
export const up: Migration = async ({ context: sequelize }) => {
  await sequelize.query(`
    CREATE TABLE findings (
      id uuid NOT NULL DEFAULT gen_random_uuid(),
      complaint_id uuid NOT NULL,
      round smallint NOT NULL,
      substantiated boolean NOT NULL,
      root_cause text NOT NULL,
      recurring boolean NOT NULL,
      recurring_with jsonb NOT NULL DEFAULT '[]'::jsonb,
      responsible_department_id uuid,
      responsible_user_id uuid,
      responsible_person text,
      disciplinary_measure text,
      no_evidence_reason text,
      supersedes uuid,
      recorded_by uuid,
      recorded_at timestamptz NOT NULL,
      version integer NOT NULL DEFAULT 0,
      created_at timestamptz NOT NULL DEFAULT now(),
      updated_at timestamptz NOT NULL DEFAULT now(),
      CONSTRAINT findings_pkey PRIMARY KEY (id),
      CONSTRAINT findings_complaint_fk FOREIGN KEY (complaint_id) REFERENCES complaints (id),
      CONSTRAINT findings_department_fk FOREIGN KEY (responsible_department_id) REFERENCES departments (id),
      CONSTRAINT findings_responsible_user_fk FOREIGN KEY (responsible_user_id) REFERENCES users (id),
      CONSTRAINT findings_recorded_by_fk FOREIGN KEY (recorded_by) REFERENCES users (id),
      CONSTRAINT findings_supersedes_fk FOREIGN KEY (supersedes) REFERENCES findings (id),
      CONSTRAINT findings_supersedes_key UNIQUE (supersedes),
      CONSTRAINT findings_round_check CHECK (round BETWEEN 1 AND 2),
      CONSTRAINT findings_root_cause_check CHECK (char_length(root_cause) BETWEEN 1 AND 5000),
      CONSTRAINT findings_department_when_substantiated CHECK (NOT substantiated OR responsible_department_id IS NOT NULL),
      CONSTRAINT findings_recurring_with_check CHECK (jsonb_typeof(recurring_with) = 'array'),
      CONSTRAINT findings_responsible_person_check CHECK (char_length(responsible_person) BETWEEN 1 AND 200),
      CONSTRAINT findings_disciplinary_measure_check CHECK (char_length(disciplinary_measure) BETWEEN 1 AND 2000),
      CONSTRAINT findings_no_evidence_reason_check CHECK (char_length(no_evidence_reason) BETWEEN 1 AND 2000)
    );
    -- The case's versions, oldest first (the current one is the last).
    CREATE INDEX findings_complaint_idx ON findings (complaint_id, recorded_at, id);

    SELECT attach_lock_trigger('findings', 'column', 'recorded_at');
    SELECT attach_lock_trigger('findings', 'case');
  `);
};

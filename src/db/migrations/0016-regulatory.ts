import type { Migration } from './types';

/**
 * The regulatory review of a serious case and the CEO's electronically signed decision
 * (PRODUCT.md "Escalation of serious cases"; 21 CFR Part 11 style signatures).
 *
 * - `regulatory_reviews`: one row per submission to the CEO — the summary, the report category,
 *   whether quality marked a potential for serious harm on a case intake did not flag, the report's
 *   due time (provisional at submission, fixed by a `report` decision), the current decision with
 *   its signature, and the filing (authority, submitted at, reference number). Status
 *   `awaiting_ceo` → `decided` → `filed`. At most one review of a case awaits the CEO (partial
 *   UNIQUE). A filed review never changes again: 0007's `column` lock on `filed_at`; `case` mode
 *   refuses reviews of a sealed case.
 * - `signatures`: every signed decision, never changed or deleted (`column` lock on `signed_at`,
 *   always set): signer, printed name, role, meaning, time, the signed content and its SHA-256. A
 *   later decision is a new row that `supersedes` the earlier one (UNIQUE: no fork).
 * - `signature_attempts`: the per-user window behind the signing rate limit (telemetry like
 *   `login_attempts`, not audited; every failed signature is also an audit event).
 * - `case_clocks.outcome` gains `not_needed`: a `no_report` decision stops the report clock.
 */
export const up: Migration = async ({ context: sequelize }) => {
  await sequelize.query(`
    CREATE TABLE regulatory_reviews (
      id uuid NOT NULL DEFAULT gen_random_uuid(),
      complaint_id uuid NOT NULL,
      status text NOT NULL DEFAULT 'awaiting_ceo',
      summary text NOT NULL,
      report_category text NOT NULL,
      potential_serious_harm boolean NOT NULL DEFAULT false,
      report_due_at timestamptz NOT NULL,
      submitted_by uuid,
      submitted_at timestamptz NOT NULL,
      decision text,
      rationale text,
      signature_id uuid,
      decided_by uuid,
      decided_at timestamptz,
      authority text,
      report_submitted_at timestamptz,
      reference_no text,
      filed_by uuid,
      filed_at timestamptz,
      version integer NOT NULL DEFAULT 0,
      created_at timestamptz NOT NULL DEFAULT now(),
      updated_at timestamptz NOT NULL DEFAULT now(),
      CONSTRAINT regulatory_reviews_pkey PRIMARY KEY (id),
      CONSTRAINT regulatory_reviews_complaint_fk FOREIGN KEY (complaint_id) REFERENCES complaints (id),
      CONSTRAINT regulatory_reviews_submitted_by_fk FOREIGN KEY (submitted_by) REFERENCES users (id),
      CONSTRAINT regulatory_reviews_decided_by_fk FOREIGN KEY (decided_by) REFERENCES users (id),
      CONSTRAINT regulatory_reviews_filed_by_fk FOREIGN KEY (filed_by) REFERENCES users (id),
      CONSTRAINT regulatory_reviews_status_check CHECK (status IN ('awaiting_ceo', 'decided', 'filed')),
      CONSTRAINT regulatory_reviews_category_check CHECK (report_category IN ('public_health_threat', 'death_or_serious_injury', 'other_reportable')),
      CONSTRAINT regulatory_reviews_decision_check CHECK (decision IN ('report', 'no_report')),
      CONSTRAINT regulatory_reviews_decided_check CHECK ((status = 'awaiting_ceo') = (decision IS NULL) AND (decision IS NULL) = (signature_id IS NULL) AND (decision IS NULL) = (decided_at IS NULL)),
      CONSTRAINT regulatory_reviews_filed_check CHECK ((status = 'filed') = (filed_at IS NOT NULL) AND (filed_at IS NULL OR (decision = 'report' AND authority IS NOT NULL AND report_submitted_at IS NOT NULL AND reference_no IS NOT NULL))),
      CONSTRAINT regulatory_reviews_summary_check CHECK (char_length(summary) BETWEEN 1 AND 5000),
      CONSTRAINT regulatory_reviews_rationale_check CHECK (char_length(rationale) BETWEEN 1 AND 5000),
      CONSTRAINT regulatory_reviews_authority_check CHECK (char_length(authority) BETWEEN 1 AND 300),
      CONSTRAINT regulatory_reviews_reference_no_check CHECK (char_length(reference_no) BETWEEN 1 AND 200)
    );
    CREATE INDEX regulatory_reviews_complaint_idx ON regulatory_reviews (complaint_id, submitted_at, id);
    CREATE UNIQUE INDEX regulatory_reviews_one_awaiting_key ON regulatory_reviews (complaint_id) WHERE status = 'awaiting_ceo';

    CREATE TABLE signatures (
      id uuid NOT NULL DEFAULT gen_random_uuid(),
      complaint_id uuid NOT NULL,
      review_id uuid NOT NULL,
      signer_id uuid NOT NULL,
      signer_name text NOT NULL,
      signer_role text NOT NULL,
      meaning text NOT NULL,
      decision text NOT NULL,
      content jsonb NOT NULL,
      content_sha256 text NOT NULL,
      signed_at timestamptz NOT NULL,
      supersedes uuid,
      version integer NOT NULL DEFAULT 0,
      created_at timestamptz NOT NULL DEFAULT now(),
      updated_at timestamptz NOT NULL DEFAULT now(),
      CONSTRAINT signatures_pkey PRIMARY KEY (id),
      CONSTRAINT signatures_complaint_fk FOREIGN KEY (complaint_id) REFERENCES complaints (id),
      CONSTRAINT signatures_review_fk FOREIGN KEY (review_id) REFERENCES regulatory_reviews (id),
      CONSTRAINT signatures_signer_fk FOREIGN KEY (signer_id) REFERENCES users (id),
      CONSTRAINT signatures_supersedes_fk FOREIGN KEY (supersedes) REFERENCES signatures (id),
      CONSTRAINT signatures_supersedes_key UNIQUE (supersedes),
      CONSTRAINT signatures_supersedes_other CHECK (supersedes IS DISTINCT FROM id),
      CONSTRAINT signatures_decision_check CHECK (decision IN ('report', 'no_report')),
      CONSTRAINT signatures_sha256_check CHECK (content_sha256 ~ '^[0-9a-f]{64}$'),
      CONSTRAINT signatures_content_check CHECK (jsonb_typeof(content) = 'object'),
      CONSTRAINT signatures_signer_name_check CHECK (char_length(signer_name) BETWEEN 1 AND 200),
      CONSTRAINT signatures_meaning_check CHECK (char_length(meaning) BETWEEN 1 AND 300)
    );
    CREATE INDEX signatures_complaint_idx ON signatures (complaint_id, signed_at, id);

    ALTER TABLE regulatory_reviews ADD CONSTRAINT regulatory_reviews_signature_fk FOREIGN KEY (signature_id) REFERENCES signatures (id);

    CREATE TABLE signature_attempts (
      id bigint GENERATED ALWAYS AS IDENTITY,
      user_id uuid NOT NULL,
      succeeded boolean NOT NULL,
      attempted_at timestamptz NOT NULL DEFAULT now(),
      CONSTRAINT signature_attempts_pkey PRIMARY KEY (id),
      CONSTRAINT signature_attempts_user_fk FOREIGN KEY (user_id) REFERENCES users (id)
    );
    CREATE INDEX signature_attempts_user_idx ON signature_attempts (user_id, succeeded, attempted_at);

    ALTER TABLE case_clocks DROP CONSTRAINT case_clocks_outcome_check;
    ALTER TABLE case_clocks ADD CONSTRAINT case_clocks_outcome_check CHECK (outcome IN ('met', 'missed', 'not_needed'));

    SELECT attach_lock_trigger('regulatory_reviews', 'column', 'filed_at');
    SELECT attach_lock_trigger('regulatory_reviews', 'case');
    SELECT attach_lock_trigger('signatures', 'column', 'signed_at');
    SELECT attach_lock_trigger('signatures', 'case');
  `);
};

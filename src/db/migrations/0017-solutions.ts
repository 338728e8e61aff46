import { QueryTypes } from 'sequelize';
import type { Migration } from './types';

/**
 * The solution and its review (PRODUCT.md stages 3–4), and the follow-up outcome (stage 6).
 *
 * - `solutions`: one row per proposal. Each proposal, and each re-proposal after the CS director
 *   returned one or the customer rejected the round, is a new row (`version` counts the case's
 *   proposals, 1, 2, …; UNIQUE per case, so two concurrent proposals cannot take one number —
 *   the command also locks the case). Nothing is overwritten: `solutions_append_only()` refuses
 *   DELETE always and every UPDATE but the one review write — `reviewed_by`, `reviewed_at`,
 *   `approved`, `review_comment` set once on an unreviewed row; a reviewed row never changes
 *   (SQLSTATE CB001, 409 `immutable_record`). A return carries its reasons (CHECK).
 * - `follow_ups`: quality's contact with the customer in follow-up (when, by which channel,
 *   satisfied or not, a note). Append-only: no UPDATE, no DELETE.
 * - Both honour the disposal path exactly as refuse_when_locked() does (0007), and are locked with
 *   their sealed case (`case` mode: nothing new in a sealed case; TRUNCATE refused).
 */
export const up: Migration = async ({ context: sequelize }) => {
  const [{ ident, literal }] = await sequelize.query<{ ident: string; literal: string }>(
    'SELECT quote_ident(current_schema()) AS ident, quote_literal(current_schema()) AS literal',
    { type: QueryTypes.SELECT },
  );
  const disposal = `
      IF coalesce(current_setting('casebook.disposal', true), '') <> '' THEN
        GET DIAGNOSTICS v_ctx = PG_CONTEXT;
        IF strpos(v_ctx, 'dispose_case_content(') > 0 AND EXISTS (
             SELECT 1 FROM pg_catalog.pg_proc p JOIN pg_catalog.pg_namespace n ON n.oid = p.pronamespace
              WHERE p.proname = 'dispose_case_content' AND n.nspname = ${literal}
                AND p.prosecdef AND pg_catalog.pg_get_userbyid(p.proowner) = current_user) THEN
          IF TG_OP = 'DELETE' THEN RETURN OLD; END IF;
          RETURN NEW;
        END IF;
      END IF;`;
  await sequelize.query(`
    CREATE TABLE solutions (
      id uuid NOT NULL DEFAULT gen_random_uuid(),
      complaint_id uuid NOT NULL,
      round smallint NOT NULL,
      number integer NOT NULL,
      summary text NOT NULL,
      proposed_by uuid,
      proposed_at timestamptz NOT NULL,
      reviewed_by uuid,
      reviewed_at timestamptz,
      approved boolean,
      review_comment text,
      version integer NOT NULL DEFAULT 0,
      created_at timestamptz NOT NULL DEFAULT now(),
      updated_at timestamptz NOT NULL DEFAULT now(),
      CONSTRAINT solutions_pkey PRIMARY KEY (id),
      CONSTRAINT solutions_complaint_fk FOREIGN KEY (complaint_id) REFERENCES complaints (id),
      CONSTRAINT solutions_proposed_by_fk FOREIGN KEY (proposed_by) REFERENCES users (id),
      CONSTRAINT solutions_reviewed_by_fk FOREIGN KEY (reviewed_by) REFERENCES users (id),
      CONSTRAINT solutions_number_key UNIQUE (complaint_id, number),
      CONSTRAINT solutions_number_check CHECK (number >= 1),
      CONSTRAINT solutions_round_check CHECK (round BETWEEN 1 AND 2),
      CONSTRAINT solutions_summary_check CHECK (char_length(summary) BETWEEN 1 AND 20000),
      CONSTRAINT solutions_review_check CHECK ((reviewed_at IS NULL) = (approved IS NULL) AND (reviewed_at IS NULL OR reviewed_by IS NOT NULL)),
      CONSTRAINT solutions_return_reason_check CHECK (approved IS DISTINCT FROM false OR char_length(btrim(review_comment)) >= 1),
      CONSTRAINT solutions_comment_check CHECK (char_length(review_comment) <= 5000),
      CONSTRAINT solutions_not_self_reviewed CHECK (reviewed_by IS DISTINCT FROM proposed_by OR reviewed_by IS NULL)
    );
    -- The case's proposals in order (the current one is the last).
    CREATE INDEX solutions_complaint_idx ON solutions (complaint_id, number);

    CREATE TABLE follow_ups (
      id uuid NOT NULL DEFAULT gen_random_uuid(),
      complaint_id uuid NOT NULL,
      round smallint NOT NULL,
      contacted_at timestamptz NOT NULL,
      via text NOT NULL,
      satisfied boolean NOT NULL,
      note text NOT NULL,
      recorded_by uuid,
      recorded_at timestamptz NOT NULL,
      version integer NOT NULL DEFAULT 0,
      created_at timestamptz NOT NULL DEFAULT now(),
      updated_at timestamptz NOT NULL DEFAULT now(),
      CONSTRAINT follow_ups_pkey PRIMARY KEY (id),
      CONSTRAINT follow_ups_complaint_fk FOREIGN KEY (complaint_id) REFERENCES complaints (id),
      CONSTRAINT follow_ups_recorded_by_fk FOREIGN KEY (recorded_by) REFERENCES users (id),
      CONSTRAINT follow_ups_via_check CHECK (via IN ('email', 'post', 'in_person', 'phone')),
      CONSTRAINT follow_ups_round_check CHECK (round BETWEEN 1 AND 2),
      CONSTRAINT follow_ups_note_check CHECK (char_length(note) BETWEEN 1 AND 5000)
    );
    CREATE INDEX follow_ups_complaint_idx ON follow_ups (complaint_id, recorded_at, id);

    -- A proposal is never changed or removed; its review is written once, then the row is immutable.
    CREATE FUNCTION solutions_append_only() RETURNS trigger LANGUAGE plpgsql AS $fn$
    DECLARE
      v_review text[] := ARRAY['reviewed_by', 'reviewed_at', 'approved', 'review_comment', 'version', 'updated_at'];
      v_ctx text;
    BEGIN${disposal}
      IF TG_OP = 'DELETE' THEN
        RAISE EXCEPTION USING ERRCODE = 'CB001', SCHEMA = TG_TABLE_SCHEMA, TABLE = TG_TABLE_NAME,
          MESSAGE = format('DELETE on solutions %s is refused: proposals are append-only', OLD.id);
      END IF;
      IF OLD.reviewed_at IS NOT NULL THEN
        RAISE EXCEPTION USING ERRCODE = 'CB001', SCHEMA = TG_TABLE_SCHEMA, TABLE = TG_TABLE_NAME,
          MESSAGE = format('UPDATE on solutions %s is refused: it was reviewed', OLD.id);
      END IF;
      IF NEW.reviewed_at IS NULL OR (to_jsonb(NEW) - v_review) IS DISTINCT FROM (to_jsonb(OLD) - v_review) THEN
        RAISE EXCEPTION USING ERRCODE = 'CB001', SCHEMA = TG_TABLE_SCHEMA, TABLE = TG_TABLE_NAME,
          MESSAGE = format('UPDATE on solutions %s is refused: only its review may be recorded', OLD.id);
      END IF;
      RETURN NEW;
    END $fn$;
    CREATE TRIGGER solutions_append_only BEFORE UPDATE OR DELETE ON ${ident}.solutions
      FOR EACH ROW EXECUTE FUNCTION ${ident}.solutions_append_only();

    -- A follow-up outcome, once recorded, never changes.
    CREATE FUNCTION follow_ups_append_only() RETURNS trigger LANGUAGE plpgsql AS $fn$
    DECLARE
      v_ctx text;
    BEGIN${disposal}
      RAISE EXCEPTION USING ERRCODE = 'CB001', SCHEMA = TG_TABLE_SCHEMA, TABLE = TG_TABLE_NAME,
        MESSAGE = format('%s on follow_ups %s is refused: follow-up outcomes are append-only', TG_OP, OLD.id);
    END $fn$;
    CREATE TRIGGER follow_ups_append_only BEFORE UPDATE OR DELETE ON ${ident}.follow_ups
      FOR EACH ROW EXECUTE FUNCTION ${ident}.follow_ups_append_only();

    SELECT attach_lock_trigger('solutions', 'case');
    SELECT attach_lock_trigger('follow_ups', 'case');

    REVOKE EXECUTE ON FUNCTION solutions_append_only() FROM PUBLIC;
    REVOKE EXECUTE ON FUNCTION follow_ups_append_only() FROM PUBLIC;
  `);
};

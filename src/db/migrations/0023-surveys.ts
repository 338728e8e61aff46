import { QueryTypes } from 'sequelize';
import type { Migration } from './types';

/**
 * The satisfaction survey (PRODUCT.md "Customers and customer care"; seed 004 Bước 5: 72 hours
 * after closure the customer gets a personal link to a one-question page; issue 12).
 *
 * - `survey_invitations`: one per case, ever (UNIQUE complaint_id). The link's random token exists
 *   in clear only in the e-mail (the outbox payload); the table keeps its SHA-256 (UNIQUE), when the
 *   invitation was made, when the link expires and when it was used. `survey_invitation_lock()`: an
 *   invitation never changes except the one UPDATE setting `used_at` from NULL; never deleted.
 * - `survey_answers`: the customer's answer — rating 1–5, comment (≤ 2000 characters), when — one
 *   per invitation (UNIQUE invitation_id: two submits of one link make one answer). It is evidence:
 *   `survey_answer_lock()` refuses every UPDATE and DELETE. `archive_id` names the case's archive
 *   when the answer arrived after the case was sealed.
 *
 * Neither table takes the case lock (`attach_lock_trigger(…, 'case')`): an answer may arrive after
 * the case was archived by hand, and is kept then as its own record linked to the archive. Both
 * honour the disposal path exactly as `letter_lock()` (0019) and `refuse_when_locked()` (0007) do,
 * so disposal can purge the comment. TRUNCATE is refused on both.
 */
export const up: Migration = async ({ context: sequelize }) => {
  const [{ ident, literal }] = await sequelize.query<{ ident: string; literal: string }>(
    'SELECT quote_ident(current_schema()) AS ident, quote_literal(current_schema()) AS literal',
    { type: QueryTypes.SELECT },
  );
  // The disposal path, as 0007 and 0019 honour it: the flag set AND dispose_case_content on the call stack AND owned by the current user.
  const disposalPath = `
      IF TG_LEVEL = 'ROW' AND coalesce(current_setting('casebook.disposal', true), '') <> '' THEN
        GET DIAGNOSTICS v_ctx = PG_CONTEXT;
        IF strpos(v_ctx, 'dispose_case_content(') > 0 AND EXISTS (
             SELECT 1 FROM pg_catalog.pg_proc p JOIN pg_catalog.pg_namespace n ON n.oid = p.pronamespace
              WHERE p.proname = 'dispose_case_content' AND n.nspname = ${literal}
                AND p.prosecdef AND pg_catalog.pg_get_userbyid(p.proowner) = current_user) THEN
          IF TG_OP = 'DELETE' THEN RETURN OLD; END IF;
          RETURN NEW;
        END IF;
      END IF;
      IF TG_LEVEL = 'STATEMENT' THEN
        RAISE EXCEPTION USING ERRCODE = 'CB001', SCHEMA = TG_TABLE_SCHEMA, TABLE = TG_TABLE_NAME,
          MESSAGE = format('TRUNCATE on %s is refused: survey records never change', TG_TABLE_NAME);
      END IF;`;
  await sequelize.query(`
    CREATE TABLE survey_invitations (
      id uuid NOT NULL DEFAULT gen_random_uuid(),
      complaint_id uuid NOT NULL,
      token_sha256 char(64) NOT NULL,
      locale text NOT NULL DEFAULT 'vi',
      invited_at timestamptz NOT NULL,
      expires_at timestamptz NOT NULL,
      used_at timestamptz,
      created_at timestamptz NOT NULL DEFAULT now(),
      CONSTRAINT survey_invitations_pkey PRIMARY KEY (id),
      CONSTRAINT survey_invitations_complaint_key UNIQUE (complaint_id),
      CONSTRAINT survey_invitations_token_key UNIQUE (token_sha256),
      CONSTRAINT survey_invitations_complaint_fk FOREIGN KEY (complaint_id) REFERENCES complaints (id),
      CONSTRAINT survey_invitations_token_check CHECK (token_sha256 ~ '^[0-9a-f]{64}$'),
      CONSTRAINT survey_invitations_locale_check CHECK (locale IN ('vi', 'en')),
      CONSTRAINT survey_invitations_expiry_check CHECK (expires_at > invited_at)
    );
    -- The KPI's invitations in a period.
    CREATE INDEX survey_invitations_invited_idx ON survey_invitations (invited_at);

    CREATE TABLE survey_answers (
      id uuid NOT NULL DEFAULT gen_random_uuid(),
      invitation_id uuid NOT NULL,
      complaint_id uuid NOT NULL,
      rating smallint NOT NULL,
      comment text NOT NULL DEFAULT '',
      answered_at timestamptz NOT NULL,
      archive_id uuid,
      created_at timestamptz NOT NULL DEFAULT now(),
      CONSTRAINT survey_answers_pkey PRIMARY KEY (id),
      CONSTRAINT survey_answers_invitation_key UNIQUE (invitation_id),
      CONSTRAINT survey_answers_invitation_fk FOREIGN KEY (invitation_id) REFERENCES survey_invitations (id),
      CONSTRAINT survey_answers_complaint_fk FOREIGN KEY (complaint_id) REFERENCES complaints (id),
      CONSTRAINT survey_answers_archive_fk FOREIGN KEY (archive_id) REFERENCES archives (id),
      CONSTRAINT survey_answers_rating_check CHECK (rating BETWEEN 1 AND 5),
      CONSTRAINT survey_answers_comment_check CHECK (char_length(comment) <= 2000)
    );
    CREATE INDEX survey_answers_complaint_idx ON survey_answers (complaint_id);

    -- An invitation never changes but for the one UPDATE that marks it used (used_at from NULL).
    CREATE FUNCTION survey_invitation_lock() RETURNS trigger LANGUAGE plpgsql AS $fn$
    DECLARE
      v_ctx text;
    BEGIN
      ${disposalPath}
      IF TG_OP = 'UPDATE' AND OLD.used_at IS NULL AND NEW.used_at IS NOT NULL
         AND (to_jsonb(NEW) - 'used_at') = (to_jsonb(OLD) - 'used_at') THEN
        RETURN NEW;
      END IF;
      RAISE EXCEPTION USING ERRCODE = 'CB001', SCHEMA = TG_TABLE_SCHEMA, TABLE = TG_TABLE_NAME,
        MESSAGE = format('%s on %s %s is refused: a survey invitation only records its use, once', TG_OP, TG_TABLE_NAME, OLD.id);
    END $fn$;
    CREATE TRIGGER survey_invitations_lock BEFORE UPDATE OR DELETE ON ${ident}.survey_invitations
      FOR EACH ROW EXECUTE FUNCTION ${ident}.survey_invitation_lock();
    CREATE TRIGGER survey_invitations_lock_truncate BEFORE TRUNCATE ON ${ident}.survey_invitations
      FOR EACH STATEMENT EXECUTE FUNCTION ${ident}.survey_invitation_lock();

    -- The customer's answer is evidence: written once, never changed, never deleted.
    CREATE FUNCTION survey_answer_lock() RETURNS trigger LANGUAGE plpgsql AS $fn$
    DECLARE
      v_ctx text;
    BEGIN
      ${disposalPath}
      RAISE EXCEPTION USING ERRCODE = 'CB001', SCHEMA = TG_TABLE_SCHEMA, TABLE = TG_TABLE_NAME,
        MESSAGE = format('%s on %s %s is refused: a survey answer never changes', TG_OP, TG_TABLE_NAME, OLD.id);
    END $fn$;
    CREATE TRIGGER survey_answers_lock BEFORE UPDATE OR DELETE ON ${ident}.survey_answers
      FOR EACH ROW EXECUTE FUNCTION ${ident}.survey_answer_lock();
    CREATE TRIGGER survey_answers_lock_truncate BEFORE TRUNCATE ON ${ident}.survey_answers
      FOR EACH STATEMENT EXECUTE FUNCTION ${ident}.survey_answer_lock();
  `);
};

import { QueryTypes } from 'sequelize';
import type { Migration } from './types';

/**
 * Letters to the customer (PRODUCT.md "Letters and the customer's answer"; issue 10).
 *
 * - `letter_templates`: the Handlebars source of each (kind, locale), one row per version. The
 *   built-in version 1 of each comes from `reports/letters/` and is written by the app at startup
 *   (src/letters/templates.ts `seedBuiltinTemplates`), never by this migration: a migration does not
 *   depend on live files. A version never changes (0007 `column` lock on `created_at`): an edit is a
 *   new version (UNIQUE (kind, locale, version): two sysadmins saving at once cannot both be v3).
 * - `letter_pdfs`: the rendered bytes, content-addressed by their SHA-256 (the same bytes once).
 *   Letters are a few tens of KB, rendered in memory, so a bytea row fits: the evidence blob store's
 *   spool-and-chunk protocol is for uploads of many MB. Locked like the others (`column`, `sha256`).
 * - `letters`: one issued letter — the case, kind, locale, round, the template version it used,
 *   the channel, the PDF's hash and size, who issued it and when; for post and in person who handed
 *   it over and when; for e-mail the recipient and the outbox row that carries it. `sent_at` is the
 *   issue time for post / in person / phone and, for e-mail, is set once when the outbox delivers.
 *   `letter_lock()` below: a letter never changes, except that one UPDATE setting `sent_at` from
 *   NULL; never deleted (SQLSTATE CB001 → 409 `immutable_record`, disposal's path honoured as in
 *   0007). `case` mode refuses a letter for a sealed case.
 */
export const up: Migration = async ({ context: sequelize }) => {
  const [{ ident, literal }] = await sequelize.query<{ ident: string; literal: string }>(
    'SELECT quote_ident(current_schema()) AS ident, quote_literal(current_schema()) AS literal',
    { type: QueryTypes.SELECT },
  );
  const kinds = `'acknowledgment', 'first_reply', 'invitation', 'resolution', 'second_round', 'time_barred', 'closure', 'receipt'`;
  await sequelize.query(`
    CREATE TABLE letter_templates (
      id uuid NOT NULL DEFAULT gen_random_uuid(),
      kind text NOT NULL,
      locale text NOT NULL,
      version integer NOT NULL,
      source text NOT NULL,
      created_by uuid,
      created_at timestamptz NOT NULL DEFAULT now(),
      updated_at timestamptz NOT NULL DEFAULT now(),
      CONSTRAINT letter_templates_pkey PRIMARY KEY (id),
      CONSTRAINT letter_templates_version_key UNIQUE (kind, locale, version),
      CONSTRAINT letter_templates_created_by_fk FOREIGN KEY (created_by) REFERENCES users (id),
      CONSTRAINT letter_templates_kind_check CHECK (kind IN (${kinds})),
      CONSTRAINT letter_templates_locale_check CHECK (locale IN ('vi', 'en')),
      CONSTRAINT letter_templates_version_check CHECK (version >= 1),
      CONSTRAINT letter_templates_source_check CHECK (char_length(source) BETWEEN 1 AND 50000)
    );
    SELECT attach_lock_trigger('letter_templates', 'column', 'created_at');

    CREATE TABLE letter_pdfs (
      sha256 char(64) NOT NULL,
      size integer NOT NULL,
      bytes bytea NOT NULL,
      created_at timestamptz NOT NULL DEFAULT now(),
      CONSTRAINT letter_pdfs_pkey PRIMARY KEY (sha256),
      CONSTRAINT letter_pdfs_size_check CHECK (size = octet_length(bytes)),
      CONSTRAINT letter_pdfs_sha256_check CHECK (sha256 ~ '^[0-9a-f]{64}$')
    );
    SELECT attach_lock_trigger('letter_pdfs', 'column', 'sha256');

    CREATE TABLE letters (
      id uuid NOT NULL DEFAULT gen_random_uuid(),
      complaint_id uuid NOT NULL,
      kind text NOT NULL,
      locale text NOT NULL,
      round smallint NOT NULL,
      template_version integer NOT NULL,
      channel text NOT NULL,
      recipient text,
      meeting jsonb,
      sha256 char(64) NOT NULL,
      size integer NOT NULL,
      author_id uuid NOT NULL,
      issued_at timestamptz NOT NULL,
      sent_at timestamptz,
      handed_over_by uuid,
      handed_over_at timestamptz,
      outbox_id uuid,
      version integer NOT NULL DEFAULT 0,
      created_at timestamptz NOT NULL DEFAULT now(),
      updated_at timestamptz NOT NULL DEFAULT now(),
      CONSTRAINT letters_pkey PRIMARY KEY (id),
      CONSTRAINT letters_complaint_fk FOREIGN KEY (complaint_id) REFERENCES complaints (id),
      CONSTRAINT letters_pdf_fk FOREIGN KEY (sha256) REFERENCES letter_pdfs (sha256),
      CONSTRAINT letters_author_fk FOREIGN KEY (author_id) REFERENCES users (id),
      CONSTRAINT letters_handed_over_by_fk FOREIGN KEY (handed_over_by) REFERENCES users (id),
      CONSTRAINT letters_outbox_fk FOREIGN KEY (outbox_id) REFERENCES outbox (id),
      CONSTRAINT letters_template_fk FOREIGN KEY (kind, locale, template_version) REFERENCES letter_templates (kind, locale, version),
      CONSTRAINT letters_kind_check CHECK (kind IN (${kinds})),
      CONSTRAINT letters_locale_check CHECK (locale IN ('vi', 'en')),
      CONSTRAINT letters_round_check CHECK (round BETWEEN 1 AND 2),
      CONSTRAINT letters_channel_check CHECK (channel IN ('email', 'post', 'in_person', 'phone')),
      CONSTRAINT letters_email_check CHECK (channel <> 'email' OR (recipient IS NOT NULL AND outbox_id IS NOT NULL)),
      CONSTRAINT letters_handed_over_check CHECK (channel NOT IN ('post', 'in_person') OR (handed_over_by IS NOT NULL AND handed_over_at IS NOT NULL)),
      CONSTRAINT letters_sent_check CHECK (channel = 'email' OR sent_at IS NOT NULL),
      CONSTRAINT letters_meeting_check CHECK (meeting IS NULL OR jsonb_typeof(meeting) = 'object')
    );
    -- The case's letters in the order they were issued.
    CREATE INDEX letters_complaint_idx ON letters (complaint_id, issued_at, id);
    CREATE INDEX letters_outbox_idx ON letters (outbox_id) WHERE outbox_id IS NOT NULL;
    SELECT attach_lock_trigger('letters', 'case');

    -- An issued letter never changes: the one UPDATE allowed sets sent_at (NULL before) and nothing
    -- else but its version and time. Honours the disposal path exactly as refuse_when_locked() does (0007).
    CREATE FUNCTION letter_lock() RETURNS trigger LANGUAGE plpgsql AS $fn$
    DECLARE
      v_ctx text;
    BEGIN
      IF coalesce(current_setting('casebook.disposal', true), '') <> '' THEN
        GET DIAGNOSTICS v_ctx = PG_CONTEXT;
        IF strpos(v_ctx, 'dispose_case_content(') > 0 AND EXISTS (
             SELECT 1 FROM pg_catalog.pg_proc p JOIN pg_catalog.pg_namespace n ON n.oid = p.pronamespace
              WHERE p.proname = 'dispose_case_content' AND n.nspname = ${literal}
                AND p.prosecdef AND pg_catalog.pg_get_userbyid(p.proowner) = current_user) THEN
          IF TG_OP = 'DELETE' THEN RETURN OLD; END IF;
          RETURN NEW;
        END IF;
      END IF;
      IF TG_OP = 'UPDATE' AND OLD.sent_at IS NULL AND NEW.sent_at IS NOT NULL
         AND (to_jsonb(NEW) - 'sent_at' - 'version' - 'updated_at') = (to_jsonb(OLD) - 'sent_at' - 'version' - 'updated_at') THEN
        RETURN NEW;
      END IF;
      RAISE EXCEPTION USING ERRCODE = 'CB001', SCHEMA = TG_TABLE_SCHEMA, TABLE = TG_TABLE_NAME,
        MESSAGE = format('%s on %s %s is refused: an issued letter never changes', TG_OP, TG_TABLE_NAME, OLD.id);
    END $fn$;
    CREATE TRIGGER letters_lock_issued BEFORE UPDATE OR DELETE ON ${ident}.letters
      FOR EACH ROW EXECUTE FUNCTION ${ident}.letter_lock();
  `);
};

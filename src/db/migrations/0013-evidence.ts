import { QueryTypes } from 'sequelize';
import type { Migration } from './types';

/**
 * The evidence store (docs/ARCHITECTURE.md "Evidence"): the bytes, content-addressed, and the
 * evidence records that point at them.
 *
 * - `evidence_blob_chunks` — the bytes of one upload in fixed-size chunks (`chunk_set`, `seq`):
 *   written one chunk per short statement *before* the evidence's transaction, so no transaction
 *   holds the embedded database's one connection while megabytes go in. Stored out of line and
 *   uncompressed (STORAGE EXTERNAL: evidence is mostly JPEG, MP4, PDF — already compressed), so a
 *   reader gets one chunk per query.
 * - `evidence_blobs` — one row per distinct content, keyed by its SHA-256: the same bytes are stored
 *   once. Written in the evidence's transaction; it makes its chunk set permanent.
 * - `evidence` — what was uploaded to which case: description, source department, collection
 *   time, the (sanitised) file name as a display name only, the type detected from the bytes.
 *
 * Append-only, enforced here with 0007's SQLSTATE `CB001` (409 `immutable_record` at the API):
 * evidence is never deleted and never changed except to record its withdrawal, once; a blob never
 * changes; a chunk set can be written and dropped only while no blob owns it (a staged upload
 * whose transaction failed, or a duplicate of bytes stored meanwhile). Evidence also locks with
 * its sealed case and a sealed case takes no new evidence (attach_lock_trigger 'case').
 * Disposal of evidence content (the archive issue) will need its own sanctioned path here.
 */
export const up: Migration = async ({ context: sequelize }) => {
  const [{ ident }] = await sequelize.query<{ ident: string }>('SELECT quote_ident(current_schema()) AS ident', { type: QueryTypes.SELECT });
  await sequelize.query(`
    CREATE TABLE evidence_blob_chunks (
      chunk_set uuid NOT NULL,
      seq integer NOT NULL,
      data bytea NOT NULL,
      created_at timestamptz NOT NULL DEFAULT now(),
      CONSTRAINT evidence_blob_chunks_pkey PRIMARY KEY (chunk_set, seq),
      CONSTRAINT evidence_blob_chunks_seq_check CHECK (seq >= 0),
      CONSTRAINT evidence_blob_chunks_data_check CHECK (octet_length(data) BETWEEN 1 AND 4194304)
    );
    ALTER TABLE evidence_blob_chunks ALTER COLUMN data SET STORAGE EXTERNAL;
    -- The sweep of chunk sets a crashed upload left without a blob reads them by age.
    CREATE INDEX evidence_blob_chunks_created_idx ON evidence_blob_chunks (created_at) WHERE seq = 0;

    CREATE TABLE evidence_blobs (
      sha256 text NOT NULL,
      size bigint NOT NULL,
      chunk_set uuid NOT NULL,
      chunk_size integer NOT NULL,
      chunk_count integer NOT NULL,
      created_at timestamptz NOT NULL DEFAULT now(),
      CONSTRAINT evidence_blobs_pkey PRIMARY KEY (sha256),
      CONSTRAINT evidence_blobs_chunk_set_key UNIQUE (chunk_set),
      CONSTRAINT evidence_blobs_sha256_check CHECK (sha256 ~ '^[0-9a-f]{64}$'),
      CONSTRAINT evidence_blobs_size_check CHECK (size > 0),
      CONSTRAINT evidence_blobs_chunks_check CHECK (chunk_size > 0 AND chunk_count = (size + chunk_size - 1) / chunk_size)
    );

    CREATE TABLE evidence (
      id uuid NOT NULL DEFAULT gen_random_uuid(),
      complaint_id uuid NOT NULL,
      blob_sha256 text NOT NULL,
      filename text NOT NULL,
      mime_type text NOT NULL,
      size bigint NOT NULL,
      description text NOT NULL,
      source_department text,
      collected_at timestamptz,
      uploaded_by uuid,
      withdrawn_at timestamptz,
      withdrawn_by uuid,
      withdrawal_reason text,
      version integer NOT NULL DEFAULT 0,
      created_at timestamptz NOT NULL DEFAULT now(),
      updated_at timestamptz NOT NULL DEFAULT now(),
      CONSTRAINT evidence_pkey PRIMARY KEY (id),
      -- No cascade: evidence outlives nothing it belongs to.
      CONSTRAINT evidence_complaint_fk FOREIGN KEY (complaint_id) REFERENCES complaints (id),
      CONSTRAINT evidence_blob_fk FOREIGN KEY (blob_sha256) REFERENCES evidence_blobs (sha256),
      CONSTRAINT evidence_uploaded_by_fk FOREIGN KEY (uploaded_by) REFERENCES users (id),
      CONSTRAINT evidence_withdrawn_by_fk FOREIGN KEY (withdrawn_by) REFERENCES users (id),
      CONSTRAINT evidence_filename_check CHECK (char_length(filename) BETWEEN 1 AND 255),
      CONSTRAINT evidence_mime_type_check CHECK (mime_type ~ '^[a-z]+/[a-z0-9.+-]+$'),
      CONSTRAINT evidence_size_check CHECK (size > 0),
      CONSTRAINT evidence_description_check CHECK (char_length(description) BETWEEN 1 AND 5000),
      CONSTRAINT evidence_source_department_check CHECK (char_length(source_department) BETWEEN 1 AND 200),
      CONSTRAINT evidence_withdrawal_check CHECK ((withdrawn_at IS NULL) = (withdrawal_reason IS NULL)
                                                  AND char_length(withdrawal_reason) BETWEEN 1 AND 5000)
    );
    -- The case page's list, in upload order.
    CREATE INDEX evidence_complaint_idx ON evidence (complaint_id, created_at, id);
    CREATE INDEX evidence_blob_idx ON evidence (blob_sha256);

    -- Evidence is append-only: no DELETE; an UPDATE only records the withdrawal, once.
    CREATE FUNCTION evidence_append_only() RETURNS trigger LANGUAGE plpgsql AS $fn$
    DECLARE
      v_kept text[] := ARRAY['withdrawn_at', 'withdrawn_by', 'withdrawal_reason', 'version', 'updated_at'];
    BEGIN
      IF TG_OP = 'DELETE' THEN
        RAISE EXCEPTION USING ERRCODE = 'CB001', SCHEMA = TG_TABLE_SCHEMA, TABLE = TG_TABLE_NAME,
          MESSAGE = format('DELETE on evidence %s is refused: evidence is append-only (withdraw it instead)', OLD.id);
      END IF;
      IF OLD.withdrawn_at IS NOT NULL THEN
        RAISE EXCEPTION USING ERRCODE = 'CB001', SCHEMA = TG_TABLE_SCHEMA, TABLE = TG_TABLE_NAME,
          MESSAGE = format('UPDATE on evidence %s is refused: it was withdrawn', OLD.id);
      END IF;
      IF NEW.withdrawn_at IS NULL OR (to_jsonb(NEW) - v_kept) IS DISTINCT FROM (to_jsonb(OLD) - v_kept) THEN
        RAISE EXCEPTION USING ERRCODE = 'CB001', SCHEMA = TG_TABLE_SCHEMA, TABLE = TG_TABLE_NAME,
          MESSAGE = format('UPDATE on evidence %s is refused: only its withdrawal may be recorded', OLD.id);
      END IF;
      RETURN NEW;
    END $fn$;
    CREATE TRIGGER evidence_append_only BEFORE UPDATE OR DELETE ON evidence
      FOR EACH ROW EXECUTE FUNCTION evidence_append_only();
    -- Locked with its sealed case; a sealed case takes no new evidence (and TRUNCATE is refused).
    SELECT attach_lock_trigger('evidence', 'case');

    -- A blob never changes and is never removed.
    CREATE TRIGGER evidence_blobs_immutable BEFORE UPDATE OR DELETE ON evidence_blobs
      FOR EACH ROW EXECUTE FUNCTION refuse_change();
    CREATE TRIGGER evidence_blobs_no_truncate BEFORE TRUNCATE ON evidence_blobs
      FOR EACH STATEMENT EXECUTE FUNCTION refuse_change();

    -- A chunk never changes; a chunk set is written or dropped only while no blob owns it.
    CREATE FUNCTION evidence_chunk_guard() RETURNS trigger LANGUAGE plpgsql AS $fn$
    DECLARE
      v_set uuid;
    BEGIN
      IF TG_OP = 'UPDATE' THEN
        RAISE EXCEPTION USING ERRCODE = 'CB001', SCHEMA = TG_TABLE_SCHEMA, TABLE = TG_TABLE_NAME,
          MESSAGE = format('UPDATE on evidence_blob_chunks %s/%s is refused: stored bytes never change', OLD.chunk_set, OLD.seq);
      END IF;
      IF TG_OP = 'DELETE' THEN v_set := OLD.chunk_set; ELSE v_set := NEW.chunk_set; END IF;
      IF EXISTS (SELECT 1 FROM ${ident}.evidence_blobs b WHERE b.chunk_set = v_set) THEN
        RAISE EXCEPTION USING ERRCODE = 'CB001', SCHEMA = TG_TABLE_SCHEMA, TABLE = TG_TABLE_NAME,
          MESSAGE = format('%s on evidence_blob_chunks %s is refused: the chunks belong to a stored blob', TG_OP, v_set);
      END IF;
      IF TG_OP = 'DELETE' THEN RETURN OLD; END IF;
      RETURN NEW;
    END $fn$;
    CREATE TRIGGER evidence_blob_chunks_guard BEFORE INSERT OR UPDATE OR DELETE ON evidence_blob_chunks
      FOR EACH ROW EXECUTE FUNCTION evidence_chunk_guard();
    CREATE TRIGGER evidence_blob_chunks_no_truncate BEFORE TRUNCATE ON evidence_blob_chunks
      FOR EACH STATEMENT EXECUTE FUNCTION refuse_change();

    REVOKE EXECUTE ON FUNCTION evidence_append_only() FROM PUBLIC;
    REVOKE EXECUTE ON FUNCTION evidence_chunk_guard() FROM PUBLIC;
  `);
};

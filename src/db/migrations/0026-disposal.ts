import { QueryTypes } from 'sequelize';
import { disposalBypass } from './lib/disposalBypass';
import type { Migration } from './types';

/**
 * Disposal at the end of retention (PRODUCT.md "Retention"; issue 11). docs/ARCHITECTURE.md
 * "Disposal".
 *
 * - `disposals`: a sysadmin's proposal for one archive (reason), approved or declined by someone
 *   else (legal). At most one open and one approved proposal per archive. A row changes once —
 *   proposed → approved | declined, with who, when and an optional comment — and is never deleted.
 * - `dispose_case_content()` is rebuilt with the checks in the database itself: the case is
 *   sealed, its archive not held, not yet disposed, its retention ended by the event's time, and
 *   the archive has an approved proposal whose approver is not its proposer; the event's content
 *   names that proposal. It then purges, past every lock (the bypass of 0007, honoured by the
 *   triggers below that did not yet), everything that holds the case's text or personal data:
 *   the entry's free text and references, its stages' and holds' notes, evidence descriptions and
 *   file names and the bytes no live record still uses, findings, meetings and their tasks,
 *   regulatory summaries and signed contents, solutions, follow-ups, survey comments, letters' recipients and PDF
 *   bytes no live letter uses, corrective actions every case of which is disposed, the snapshot,
 *   stored idempotent responses naming the case, outbox payloads, notifications, and the audit
 *   trail's content rows of the case. With `meta.erasedCustomerId` (the application sets it when
 *   no other live case has this customer), the customer's personal data and its events' content
 *   go too, with their services' notes, trail content and renewal reminders. What stays: reference, dates, classification, every hash and signature, and the
 *   archive's tombstone (reference, hashes, position, dates, class, the proposal and approval).
 * - Hashes stay where they were (evidence.blob_sha256, letters.sha256, the archive's sha256), so
 *   the chains verify; the verifier accepts purged bytes only for records of a case whose signed
 *   `complaint.disposed` event exists.
 */
export const up: Migration = async ({ context: sequelize }) => {
  const [{ ident, literal }] = await sequelize.query<{ ident: string; literal: string }>(
    'SELECT quote_ident(current_schema()) AS ident, quote_literal(current_schema()) AS literal',
    { type: QueryTypes.SELECT },
  );
  const bypass = disposalBypass(literal);
  await sequelize.query(`
    CREATE TABLE disposals (
      id uuid NOT NULL DEFAULT gen_random_uuid(),
      archive_id uuid NOT NULL,
      complaint_id uuid NOT NULL,
      reason text NOT NULL,
      status text NOT NULL DEFAULT 'proposed',
      proposed_by uuid NOT NULL,
      proposed_at timestamptz NOT NULL,
      decided_by uuid,
      decided_at timestamptz,
      comment text,
      version integer NOT NULL DEFAULT 0,
      created_at timestamptz NOT NULL DEFAULT now(),
      updated_at timestamptz NOT NULL DEFAULT now(),
      CONSTRAINT disposals_pkey PRIMARY KEY (id),
      CONSTRAINT disposals_archive_fk FOREIGN KEY (archive_id) REFERENCES archives (id),
      CONSTRAINT disposals_complaint_fk FOREIGN KEY (complaint_id) REFERENCES complaints (id),
      CONSTRAINT disposals_proposed_by_fk FOREIGN KEY (proposed_by) REFERENCES users (id),
      CONSTRAINT disposals_decided_by_fk FOREIGN KEY (decided_by) REFERENCES users (id),
      CONSTRAINT disposals_status_check CHECK (status IN ('proposed', 'approved', 'declined')),
      CONSTRAINT disposals_reason_check CHECK (char_length(reason) BETWEEN 1 AND 2000),
      CONSTRAINT disposals_comment_check CHECK (char_length(comment) <= 2000),
      CONSTRAINT disposals_decision_check CHECK ((status = 'proposed') = (decided_at IS NULL) AND (decided_at IS NULL) = (decided_by IS NULL)),
      -- Two people: whoever decides did not propose.
      CONSTRAINT disposals_two_people CHECK (decided_by IS DISTINCT FROM proposed_by)
    );
    CREATE UNIQUE INDEX disposals_open_key ON disposals (archive_id) WHERE status = 'proposed';
    CREATE UNIQUE INDEX disposals_approved_key ON disposals (archive_id) WHERE status = 'approved';
    CREATE INDEX disposals_status_idx ON disposals (status, proposed_at, id);

    -- A proposal is decided once and never removed.
    CREATE FUNCTION disposal_lock() RETURNS trigger LANGUAGE plpgsql AS $fn$
    DECLARE
      v_decision text[] := ARRAY['status', 'decided_by', 'decided_at', 'comment', 'version', 'updated_at'];
    BEGIN
      IF TG_OP = 'UPDATE' AND OLD.status = 'proposed' AND NEW.status <> 'proposed'
         AND (to_jsonb(NEW) - v_decision) = (to_jsonb(OLD) - v_decision) THEN
        RETURN NEW;
      END IF;
      RAISE EXCEPTION USING ERRCODE = 'CB001', SCHEMA = TG_TABLE_SCHEMA, TABLE = TG_TABLE_NAME,
        MESSAGE = format('%s on disposals %s is refused: a disposal proposal is decided once and never removed',
                         TG_OP, CASE WHEN TG_LEVEL = 'ROW' THEN OLD.id::text ELSE '(all)' END);
    END $fn$;
    CREATE TRIGGER disposals_lock BEFORE UPDATE OR DELETE ON ${ident}.disposals
      FOR EACH ROW EXECUTE FUNCTION ${ident}.disposal_lock();
    CREATE TRIGGER disposals_lock_truncate BEFORE TRUNCATE ON ${ident}.disposals
      FOR EACH STATEMENT EXECUTE FUNCTION ${ident}.disposal_lock();

    -- Evidence (0013) now honours the disposal path too: its text is purged, its chunks removed.
    CREATE OR REPLACE FUNCTION evidence_append_only() RETURNS trigger LANGUAGE plpgsql AS $fn$
    DECLARE
      v_kept text[] := ARRAY['withdrawn_at', 'withdrawn_by', 'withdrawal_reason', 'version', 'updated_at'];
      v_ctx text;
    BEGIN${bypass}
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

    CREATE OR REPLACE FUNCTION evidence_chunk_guard() RETURNS trigger LANGUAGE plpgsql AS $fn$
    DECLARE
      v_set uuid;
      v_ctx text;
    BEGIN
      IF TG_OP = 'DELETE' THEN${disposalBypass(literal, 'RETURN OLD;')}
      END IF;
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

    -- The archive (0020): on the disposal path its snapshot may be emptied as well; never deleted.
    CREATE OR REPLACE FUNCTION archive_lock() RETURNS trigger LANGUAGE plpgsql AS $fn$
    DECLARE
      v_free text[] := ARRAY['legal_hold', 'legal_hold_reason', 'legal_hold_by', 'legal_hold_at', 'disposed_at', 'tombstone', 'version', 'updated_at'];
      v_ctx text;
    BEGIN
      IF TG_OP = 'UPDATE' AND (to_jsonb(NEW) - v_free) = (to_jsonb(OLD) - v_free) THEN
        RETURN NEW;
      END IF;
      IF TG_OP = 'UPDATE' AND (to_jsonb(NEW) - v_free - 'snapshot') = (to_jsonb(OLD) - v_free - 'snapshot') THEN${disposalBypass(literal, 'RETURN NEW;')}
      END IF;
      RAISE EXCEPTION USING ERRCODE = 'CB001', SCHEMA = TG_TABLE_SCHEMA, TABLE = TG_TABLE_NAME,
        MESSAGE = format('%s on archives %s is refused: an archive is sealed (only its legal hold and disposal may change)',
                         TG_OP, CASE WHEN TG_LEVEL = 'ROW' THEN OLD.id::text ELSE '(all)' END);
    END $fn$;

    CREATE OR REPLACE FUNCTION dispose_case_content(p_complaint_id uuid, p_body text, p_signature text, p_salt text, p_content text) RETURNS bigint
    LANGUAGE plpgsql SECURITY DEFINER
    SET search_path = ${ident}, pg_temp
    AS $fn$
    DECLARE
      b jsonb := p_body::jsonb;
      m jsonb := coalesce(p_content::jsonb -> 'meta', '{}'::jsonb);
      v_at timestamptz := (b ->> 'occurredAt')::timestamptz;
      v_status text;
      v_reference text;
      v_customer uuid;
      v_erase uuid := nullif(m ->> 'erasedCustomerId', '')::uuid;
      a archives%ROWTYPE;
      d disposals%ROWTYPE;
      v_seq bigint;
      v_gone constant text := '[disposed]';
    BEGIN
      SELECT status, reference, customer_id INTO v_status, v_reference, v_customer FROM complaints WHERE id = p_complaint_id FOR UPDATE;
      IF NOT FOUND THEN
        RAISE EXCEPTION USING ERRCODE = 'P0002', MESSAGE = format('dispose_case_content: no complaint %s', p_complaint_id);
      END IF;
      IF v_status <> 'archived' THEN
        RAISE EXCEPTION USING ERRCODE = '55000', MESSAGE = format('dispose_case_content: complaint %s is not sealed', p_complaint_id);
      END IF;
      IF b ->> 'action' IS DISTINCT FROM 'complaint.disposed' OR b ->> 'entityType' IS DISTINCT FROM 'Complaint'
         OR b ->> 'entityId' IS DISTINCT FROM p_complaint_id::text OR b ->> 'complaintId' IS DISTINCT FROM p_complaint_id::text THEN
        RAISE EXCEPTION USING ERRCODE = '22023', MESSAGE = 'dispose_case_content: the audit event must be complaint.disposed of this complaint';
      END IF;
      SELECT * INTO a FROM archives WHERE complaint_id = p_complaint_id FOR UPDATE;
      IF NOT FOUND THEN
        RAISE EXCEPTION USING ERRCODE = '55000', MESSAGE = format('dispose_case_content: complaint %s has no archive', p_complaint_id);
      END IF;
      IF a.disposed_at IS NOT NULL THEN
        RAISE EXCEPTION USING ERRCODE = '55000', MESSAGE = format('dispose_case_content: archive %s was already disposed of', a.id);
      END IF;
      IF a.legal_hold THEN
        RAISE EXCEPTION USING ERRCODE = '55000', MESSAGE = format('dispose_case_content: archive %s is under legal hold', a.id);
      END IF;
      IF v_at IS NULL OR a.retention_until > v_at THEN
        RAISE EXCEPTION USING ERRCODE = '55000', MESSAGE = format('dispose_case_content: the retention of archive %s ends %s', a.id, a.retention_until);
      END IF;
      SELECT * INTO d FROM disposals WHERE archive_id = a.id AND status = 'approved';
      IF NOT FOUND OR d.decided_by IS NULL OR d.decided_by = d.proposed_by THEN
        RAISE EXCEPTION USING ERRCODE = '55000', MESSAGE = format('dispose_case_content: archive %s has no disposal approved by a second person', a.id);
      END IF;
      IF m ->> 'disposalId' IS DISTINCT FROM d.id::text THEN
        RAISE EXCEPTION USING ERRCODE = '22023', MESSAGE = 'dispose_case_content: the event must name the approved disposal';
      END IF;
      -- Locked before looking: an intake's insert for this customer (key share on its row) waits, or was committed before.
      IF v_erase IS NOT NULL THEN
        PERFORM 1 FROM customers WHERE id = v_erase FOR UPDATE;
      END IF;
      IF v_erase IS NOT NULL AND (v_erase IS DISTINCT FROM v_customer OR EXISTS (
           SELECT 1 FROM complaints o LEFT JOIN archives oa ON oa.complaint_id = o.id
            WHERE o.customer_id = v_erase AND o.id <> p_complaint_id AND oa.disposed_at IS NULL)) THEN
        RAISE EXCEPTION USING ERRCODE = '22023', MESSAGE = 'dispose_case_content: only the customer of this case, with no other live case, is erased';
      END IF;

      -- Cleared again before returning, so the bypass never outlives the function (see 0007).
      PERFORM set_config('casebook.disposal', p_complaint_id::text, true);

      UPDATE complaints SET subject = '', description = '', time_barred_note = NULL, resolution = NULL, recurrence = NULL,
             product_ref = NULL, lot_ref = NULL, supplier_ref = NULL, search_text = '', version = version + 1, updated_at = now()
       WHERE id = p_complaint_id;
      UPDATE complaint_stages SET note = NULL, reason = NULL, version = version + 1, updated_at = now() WHERE complaint_id = p_complaint_id;
      UPDATE complaint_holds SET reason = '', version = version + 1, updated_at = now() WHERE complaint_id = p_complaint_id;

      -- Evidence: the bytes go when no live record (of a case not disposed) uses them; the hash stays.
      DELETE FROM evidence_blob_chunks ch USING evidence_blobs bl
       WHERE ch.chunk_set = bl.chunk_set
         AND bl.sha256 IN (SELECT blob_sha256 FROM evidence WHERE complaint_id = p_complaint_id)
         AND NOT EXISTS (SELECT 1 FROM evidence e2 LEFT JOIN archives ea ON ea.complaint_id = e2.complaint_id
                          WHERE e2.blob_sha256 = bl.sha256 AND e2.complaint_id <> p_complaint_id AND ea.disposed_at IS NULL);
      UPDATE evidence SET filename = v_gone, description = v_gone, source_department = NULL,
             withdrawal_reason = CASE WHEN withdrawn_at IS NULL THEN NULL ELSE v_gone END, version = version + 1, updated_at = now()
       WHERE complaint_id = p_complaint_id;

      UPDATE findings SET root_cause = v_gone, responsible_person = NULL, disciplinary_measure = NULL,
             no_evidence_reason = CASE WHEN no_evidence_reason IS NULL THEN NULL ELSE v_gone END, recurring_with = '[]'::jsonb,
             version = version + 1, updated_at = now()
       WHERE complaint_id = p_complaint_id;
      UPDATE meetings SET attendees = jsonb_build_array(jsonb_build_object('name', v_gone)), agenda = v_gone, minutes = v_gone, decisions = v_gone,
             version = version + 1, updated_at = now()
       WHERE complaint_id = p_complaint_id;
      UPDATE meeting_assignments SET task = v_gone, version = version + 1, updated_at = now() WHERE complaint_id = p_complaint_id;
      UPDATE regulatory_reviews SET summary = v_gone, rationale = CASE WHEN rationale IS NULL THEN NULL ELSE v_gone END,
             version = version + 1, updated_at = now()
       WHERE complaint_id = p_complaint_id;
      UPDATE signatures SET content = '{}'::jsonb, version = version + 1, updated_at = now() WHERE complaint_id = p_complaint_id;
      UPDATE solutions SET summary = v_gone, review_comment = CASE WHEN review_comment IS NULL THEN NULL ELSE v_gone END,
             version = version + 1, updated_at = now()
       WHERE complaint_id = p_complaint_id;
      UPDATE follow_ups SET note = v_gone WHERE complaint_id = p_complaint_id;
      -- The customer's own words in the satisfaction survey (0023); the rating stays (it feeds the KPIs).
      UPDATE survey_answers SET comment = '' WHERE complaint_id = p_complaint_id AND comment <> '';

      -- Letters: the recipient and the PDF bytes no live letter uses; the hash stays.
      UPDATE letter_pdfs p SET bytes = '\\x'::bytea, size = 0
       WHERE p.sha256 IN (SELECT sha256 FROM letters WHERE complaint_id = p_complaint_id)
         AND NOT EXISTS (SELECT 1 FROM letters l LEFT JOIN archives la ON la.complaint_id = l.complaint_id
                          WHERE l.sha256 = p.sha256 AND l.complaint_id <> p_complaint_id AND la.disposed_at IS NULL);
      UPDATE letters SET recipient = CASE WHEN recipient IS NULL THEN NULL ELSE v_gone END, meeting = NULL,
             version = version + 1, updated_at = now()
       WHERE complaint_id = p_complaint_id;

      -- Corrective actions answer several cases: purged once every case they answer is disposed (this one included).
      UPDATE corrective_actions ca SET description = v_gone, version = version + 1, updated_at = now()
       WHERE ca.id IN (SELECT action_id FROM action_cases WHERE complaint_id = p_complaint_id)
         AND NOT EXISTS (SELECT 1 FROM action_cases x LEFT JOIN archives xa ON xa.complaint_id = x.complaint_id
                          WHERE x.action_id = ca.id AND x.complaint_id <> p_complaint_id AND xa.disposed_at IS NULL);
      UPDATE action_contacts SET note = v_gone
       WHERE complaint_id = p_complaint_id;

      -- Copies: stored API answers naming the case, outbox payloads, notifications, the trail's content.
      DELETE FROM idempotency_keys WHERE path LIKE '%' || p_complaint_id::text || '%' OR response::text LIKE '%' || p_complaint_id::text || '%';
      UPDATE outbox SET payload = '{}'::jsonb, recipient = v_gone, dedupe_key = 'disposed:' || id::text, last_error = NULL, delivery_info = NULL
       WHERE complaint_id = p_complaint_id;
      DELETE FROM notifications WHERE complaint_id = p_complaint_id;
      DELETE FROM audit_event_contents WHERE complaint_id = p_complaint_id;

      IF v_erase IS NOT NULL THEN
        UPDATE customers SET name = v_gone, email = NULL, phone = NULL, address = NULL, contacts = '[]'::jsonb, search_text = '',
               version = version + 1, updated_at = now()
         WHERE id = v_erase;
        DELETE FROM audit_event_contents ec USING audit_events e
         WHERE ec.event_id = e.id AND e.entity_type = 'Customer' AND e.entity_id = v_erase::text;
        DELETE FROM idempotency_keys WHERE path LIKE '%' || v_erase::text || '%' OR response::text LIKE '%' || v_erase::text || '%';
        -- Their services (0024): the notes, the services' trail content, the renewal reminders' notifications and e-mails.
        UPDATE customer_services SET notes = NULL, version = version + 1, updated_at = now() WHERE customer_id = v_erase AND notes IS NOT NULL;
        DELETE FROM audit_event_contents ec USING audit_events e, customer_services cs
         WHERE ec.event_id = e.id AND e.entity_type = 'CustomerService' AND e.entity_id = cs.id::text AND cs.customer_id = v_erase;
        DELETE FROM notifications n USING customer_services cs WHERE cs.customer_id = v_erase AND n.cause LIKE 'renewal:' || cs.id::text || ':%';
        UPDATE outbox o SET payload = '{}'::jsonb, recipient = v_gone, dedupe_key = 'disposed:' || o.id::text, last_error = NULL, delivery_info = NULL
          FROM customer_services cs WHERE cs.customer_id = v_erase AND o.dedupe_key LIKE '%renewal:' || cs.id::text || ':%';
      END IF;

      UPDATE archives SET snapshot = '', disposed_at = v_at,
             tombstone = jsonb_build_object(
               'reference', v_reference, 'sha256', a.sha256, 'prevSha256', a.prev_sha256, 'position', a.position,
               'sealedAt', a.sealed_at, 'closedAt', a.closed_at, 'retentionClass', a.retention_class, 'retentionUntil', a.retention_until,
               'disposalId', d.id, 'reason', d.reason, 'proposedBy', d.proposed_by, 'proposedAt', d.proposed_at,
               'approvedBy', d.decided_by, 'approvedAt', d.decided_at, 'disposedAt', v_at, 'customerErased', v_erase IS NOT NULL),
             version = version + 1, updated_at = now()
       WHERE id = a.id;

      v_seq := audit_append('Complaint:' || p_complaint_id::text, p_body, p_signature, p_salt, p_content);
      PERFORM set_config('casebook.disposal', '', true);
      RETURN v_seq;
    END $fn$;

    REVOKE EXECUTE ON FUNCTION disposal_lock() FROM PUBLIC;
    REVOKE EXECUTE ON FUNCTION dispose_case_content(uuid, text, text, text, text) FROM PUBLIC;
  `);
};

import { randomUUID } from 'node:crypto';
import { QueryTypes } from 'sequelize';
import { appendV2, presentRow, verb, type V2Event } from './lib/auditV2';
import type { Migration } from './types';

export const NAME = '0010-audit-trail-v2';

/**
 * The audit trail's second format (docs/ARCHITECTURE.md "Audit trail"), stable from here on:
 *
 * - the signed, chained **body** names no person and holds no free text: id, time, actor id and
 *   roles, action, entity, the case (`complaint_id`, indexed), the hook's operation, request id,
 *   the salted hash of the content, the signing key's id. The application signs it with Ed25519
 *   (`signature`); the database never holds the private key.
 * - the **content** (actor label, ip, changes, meta) lives in `audit_event_contents`, one row per
 *   event keyed by its id, covered by `content_hash = sha256(salt "\n" canonical(content))`.
 *   Disposal deletes a case's content rows (through `dispose_case_content`, the one path past
 *   their lock); the chain and every signature still verify without them.
 *
 * No installation existed outside development, so the format-1 trail is rebuilt: every event of
 * 0001–0009 is appended again in format 2 (same id, time, actor and content, re-chained and signed
 * with this installation's key), the old anchors — which sealed format-1 hashes — are dropped,
 * and every audited row that had no trail at all (the reference data 0002 preloaded) gets a
 * `<type>.baseline` event with its state, so the verifier can compare every record with its trail.
 * Everything format-2 is written out here, not imported: later changes to the live trail must not
 * change what this migration did.
 */

/** The audited tables as they are at this migration: entity type, table, key, case column, redacted and omitted columns. */
const AUDITED: ReadonlyArray<{ type: string; table: string; key: string; caseColumn?: string; redact?: string[]; omit?: string[] }> = [
  { type: 'Department', table: 'departments', key: 'id' },
  { type: 'User', table: 'users', key: 'id', redact: ['password_hash'] },
  { type: 'Customer', table: 'customers', key: 'id', omit: ['search_text'] },
  { type: 'Complaint', table: 'complaints', key: 'id', caseColumn: 'id', omit: ['search_text'] },
  { type: 'ComplaintStage', table: 'complaint_stages', key: 'id', caseColumn: 'complaint_id' },
  { type: 'ComplaintHold', table: 'complaint_holds', key: 'id', caseColumn: 'complaint_id' },
  { type: 'SlaPolicy', table: 'sla_policies', key: 'id' },
  { type: 'Holiday', table: 'holidays', key: 'id' },
  { type: 'Setting', table: 'settings', key: 'key' },
];
const ALWAYS_OMITTED = ['created_at', 'updated_at', 'version'];

interface V1Row {
  id: string;
  occurredAt: Date;
  actorId: string | null;
  actorLabel: string | null;
  actorRoles: string[];
  action: string;
  entityType: string;
  entityId: string | null;
  changes: Record<string, unknown> | null;
  requestId: string | null;
  ip: string | null;
  meta: unknown;
}

/** What a format-1 event did to its row, read from the shape of its changes (format 1 did not say). */
function opOf(e: V1Row): V2Event['op'] {
  if (!AUDITED.some((a) => a.type === e.entityType) || !e.changes || typeof e.changes !== 'object') return null;
  const before = 'before' in e.changes;
  const after = 'after' in e.changes;
  if (after && !before) return 'create';
  if (after && before) return 'update';
  if (before) return 'delete';
  return null;
}

export const up: Migration = async ({ context: sequelize }) => {
  const [{ ident }] = await sequelize.query<{ ident: string }>('SELECT quote_ident(current_schema()) AS ident', { type: QueryTypes.SELECT });
  const v1 = await sequelize.query<V1Row>(
    `SELECT id, occurred_at AS "occurredAt", actor_id AS "actorId", actor_label AS "actorLabel", actor_roles AS "actorRoles",
            action, entity_type AS "entityType", entity_id AS "entityId", changes, request_id AS "requestId", ip, meta
       FROM audit_events ORDER BY position`,
    { type: QueryTypes.SELECT },
  );
  // The case of each existing case record (the entry's own events name the entry).
  const caseOf = new Map<string, string>();
  for (const a of AUDITED.filter((x) => x.caseColumn && x.caseColumn !== 'id')) {
    const rows = await sequelize.query<{ id: string; complaintId: string }>(`SELECT id::text AS id, ${a.caseColumn} AS "complaintId" FROM ${a.table}`, {
      type: QueryTypes.SELECT,
    });
    for (const r of rows) caseOf.set(`${a.type}:${r.id}`, r.complaintId);
  }

  await sequelize.query(`
    DROP FUNCTION dispose_case_content(uuid, text);
    DROP FUNCTION audit_append(text, text);
    DROP TABLE audit_events;
    DROP TABLE audit_anchors;
    DELETE FROM audit_chain_heads;

    CREATE TABLE audit_events (
      position bigserial,
      id uuid NOT NULL,
      format smallint NOT NULL,
      chain_key text NOT NULL,
      seq bigint NOT NULL,
      prev_hash char(64) NOT NULL,
      hash char(64) NOT NULL,
      occurred_at timestamptz NOT NULL,
      actor_id uuid,
      actor_roles text[] NOT NULL DEFAULT '{}',
      action varchar(64) NOT NULL,
      entity_type varchar(64) NOT NULL,
      entity_id text,
      complaint_id uuid,
      op varchar(8),
      request_id text,
      content_hash char(64) NOT NULL,
      key_id text NOT NULL,
      signature text NOT NULL,
      -- The writing transaction: anchors cover closed ranges of these (see audit_anchors).
      tx_id xid8 NOT NULL DEFAULT pg_current_xact_id(),
      CONSTRAINT audit_events_pkey PRIMARY KEY (position),
      CONSTRAINT audit_events_id_key UNIQUE (id),
      CONSTRAINT audit_events_chain_seq_key UNIQUE (chain_key, seq),
      CONSTRAINT audit_events_op_check CHECK (op IN ('create', 'update', 'delete'))
    );
    CREATE INDEX audit_events_entity_idx ON audit_events (entity_type, entity_id, position);
    CREATE INDEX audit_events_complaint_idx ON audit_events (complaint_id, position) WHERE complaint_id IS NOT NULL;
    CREATE INDEX audit_events_actor_idx ON audit_events (actor_id, position);
    CREATE INDEX audit_events_time_idx ON audit_events (occurred_at, position);
    CREATE INDEX audit_events_tx_idx ON audit_events (tx_id);
    CREATE INDEX audit_events_action_idx ON audit_events (action, position);

    -- Each event's purgeable content. No foreign key: the event stays when disposal removes this.
    CREATE TABLE audit_event_contents (
      event_id uuid NOT NULL,
      complaint_id uuid,
      salt char(32) NOT NULL,
      content jsonb NOT NULL,
      CONSTRAINT audit_event_contents_pkey PRIMARY KEY (event_id)
    );
    CREATE INDEX audit_event_contents_complaint_idx ON audit_event_contents (complaint_id) WHERE complaint_id IS NOT NULL;

    CREATE TABLE audit_anchors (
      id bigserial,
      created_at timestamptz NOT NULL DEFAULT now(),
      from_xid xid8 NOT NULL,
      to_xid xid8 NOT NULL,
      event_count bigint NOT NULL,
      events_digest char(64) NOT NULL,
      prev_hash char(64) NOT NULL,
      hash char(64) NOT NULL,
      key_id text NOT NULL,
      signature text NOT NULL,
      CONSTRAINT audit_anchors_pkey PRIMARY KEY (id)
    );

    CREATE TRIGGER audit_events_immutable BEFORE UPDATE OR DELETE ON audit_events
      FOR EACH ROW EXECUTE FUNCTION refuse_change();
    CREATE TRIGGER audit_events_no_truncate BEFORE TRUNCATE ON audit_events
      FOR EACH STATEMENT EXECUTE FUNCTION refuse_change();
    CREATE TRIGGER audit_anchors_immutable BEFORE UPDATE OR DELETE ON audit_anchors
      FOR EACH ROW EXECUTE FUNCTION refuse_change();
    CREATE TRIGGER audit_anchors_no_truncate BEFORE TRUNCATE ON audit_anchors
      FOR EACH STATEMENT EXECUTE FUNCTION refuse_change();

    -- Content is never changed, and removed only by disposal (refuse_when_locked's sanctioned path).
    CREATE FUNCTION audit_content_locked(jsonb) RETURNS boolean LANGUAGE sql IMMUTABLE AS 'SELECT true';
    SELECT attach_lock_trigger('audit_event_contents', 'predicate', 'audit_content_locked');

    -- Appends one event to its chain in a single round trip. p_body is the event's canonical JSON
    -- (format 2) made and signed by the application; the columns are filled from that same text, so
    -- what is stored is exactly what was hashed and signed. hash = sha256(prev_hash \\n seq \\n body).
    CREATE FUNCTION audit_append(p_chain_key text, p_body text, p_signature text, p_salt text, p_content text) RETURNS bigint
    LANGUAGE plpgsql AS $$
    DECLARE
      b jsonb := p_body::jsonb;
      head_seq bigint;
      head_hash text;
      new_hash text;
    BEGIN
      INSERT INTO audit_chain_heads (chain_key, seq, hash)
        VALUES (p_chain_key, 0, repeat('0', 64))
        ON CONFLICT (chain_key) DO NOTHING;
      SELECT seq, hash INTO head_seq, head_hash
        FROM audit_chain_heads WHERE chain_key = p_chain_key FOR UPDATE;
      head_seq := head_seq + 1;
      new_hash := encode(sha256(convert_to(head_hash || E'\\n' || head_seq || E'\\n' || p_body, 'UTF8')), 'hex');
      INSERT INTO audit_events (id, format, chain_key, seq, prev_hash, hash, occurred_at, actor_id, actor_roles, action,
                                entity_type, entity_id, complaint_id, op, request_id, content_hash, key_id, signature)
      VALUES ((b->>'id')::uuid, (b->>'v')::smallint, p_chain_key, head_seq, head_hash, new_hash, (b->>'occurredAt')::timestamptz,
              (b->>'actorId')::uuid, ARRAY(SELECT jsonb_array_elements_text(b->'actorRoles')), b->>'action',
              b->>'entityType', b->>'entityId', (b->>'complaintId')::uuid, b->>'op', b->>'requestId',
              b->>'contentHash', b->>'keyId', p_signature);
      INSERT INTO audit_event_contents (event_id, complaint_id, salt, content)
      VALUES ((b->>'id')::uuid, (b->>'complaintId')::uuid, p_salt, p_content::jsonb);
      UPDATE audit_chain_heads SET seq = head_seq, hash = new_hash WHERE chain_key = p_chain_key;
      RETURN head_seq;
    END $$;

    -- The one sanctioned way past the locks (0007), now also removing the case's audit content and
    -- its outbox payloads. A skeleton: the archive issue adds the retention and two-person checks
    -- and the tombstone. The event is complaint.disposed of this complaint, made and signed by the
    -- application; its own content stays (it names no customer). Returns its seq in the chain.
    CREATE FUNCTION dispose_case_content(p_complaint_id uuid, p_body text, p_signature text, p_salt text, p_content text) RETURNS bigint
    LANGUAGE plpgsql SECURITY DEFINER
    SET search_path = ${ident}, pg_temp
    AS $fn$
    DECLARE
      b jsonb := p_body::jsonb;
      v_status text;
      v_seq bigint;
    BEGIN
      SELECT status INTO v_status FROM complaints WHERE id = p_complaint_id FOR UPDATE;
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

      -- Cleared again before returning, so the bypass never outlives the function (see 0007).
      PERFORM set_config('casebook.disposal', p_complaint_id::text, true);
      UPDATE complaint_stages SET note = NULL, reason = NULL, version = version + 1, updated_at = now()
       WHERE complaint_id = p_complaint_id;
      UPDATE complaint_holds SET reason = '', version = version + 1, updated_at = now()
       WHERE complaint_id = p_complaint_id;
      UPDATE complaints SET subject = '', description = '', time_barred_note = NULL, resolution = NULL,
             search_text = '', version = version + 1, updated_at = now()
       WHERE id = p_complaint_id;
      DELETE FROM audit_event_contents WHERE complaint_id = p_complaint_id;
      UPDATE outbox SET payload = '{}'::jsonb, recipient = '[disposed]', last_error = NULL, delivery_info = NULL
       WHERE complaint_id = p_complaint_id;
      v_seq := audit_append('Complaint:' || p_complaint_id::text, p_body, p_signature, p_salt, p_content);
      PERFORM set_config('casebook.disposal', '', true);
      RETURN v_seq;
    END $fn$;

    REVOKE EXECUTE ON FUNCTION dispose_case_content(uuid, text, text, text, text) FROM PUBLIC;
  `);

  for (const e of v1) {
    const complaintId = e.entityType === 'Complaint' ? e.entityId : (caseOf.get(`${e.entityType}:${e.entityId}`) ?? null);
    await appendV2(sequelize, { ...e, occurredAt: e.occurredAt.toISOString(), complaintId, op: opOf(e) });
  }

  // A baseline for every audited row without a trail: the state the verifier compares it with.
  const occurredAt = new Date().toISOString();
  for (const a of AUDITED) {
    const columns = await sequelize.query<{ column: string; type: string }>(
      `SELECT column_name AS "column", data_type AS type FROM information_schema.columns
        WHERE table_schema = current_schema() AND table_name = :table ORDER BY ordinal_position`,
      { replacements: { table: a.table }, type: QueryTypes.SELECT },
    );
    const kept = columns.filter((c) => !ALWAYS_OMITTED.includes(c.column) && !(a.omit ?? []).includes(c.column));
    const select = kept.map((c) => (c.type === 'date' ? `t."${c.column}"::text AS "${c.column}"` : `t."${c.column}"`)).join(', ');
    const rows = await sequelize.query<Record<string, unknown>>(
      `SELECT ${select} FROM ${a.table} t
        WHERE NOT EXISTS (SELECT 1 FROM audit_chain_heads h WHERE h.chain_key = ${sequelize.escape(`${a.type}:`)} || t."${a.key}"::text)
        ORDER BY t."${a.key}"`,
      { type: QueryTypes.SELECT },
    );
    for (const row of rows) {
      const after = presentRow(row, kept.map((c) => c.column), a.redact);
      const id = String(row[a.key]);
      await appendV2(sequelize, {
        id: randomUUID(),
        occurredAt,
        actorId: null,
        actorRoles: ['system'],
        actorLabel: 'migration',
        action: `${verb(a.type)}.baseline`,
        entityType: a.type,
        entityId: id,
        complaintId: a.caseColumn ? String(row[a.caseColumn]) : null,
        op: 'create',
        requestId: null,
        ip: null,
        changes: { after },
        meta: { migration: NAME },
      });
    }
  }
};

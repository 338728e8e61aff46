import type { Migration } from './types';

/** The roles as src/domain/roles.ts listed them when this migration was written (frozen, not imported). */
const ROLE_KEYS = ['intake', 'quality', 'dept_head', 'cs_director', 'ceo', 'admin_officer', 'legal', 'auditor', 'sysadmin'];

const roleList = ROLE_KEYS.map((r) => `'${r}'`).join(', ');

/**
 * The platform: departments, users, tokens, login attempts, and the append-only, hash-chained
 * audit trail every later table leans on. See docs/ARCHITECTURE.md "Audit trail".
 */
export const up: Migration = async ({ context: sequelize }) => {
  await sequelize.query(`
    CREATE EXTENSION IF NOT EXISTS pg_trgm;
    CREATE EXTENSION IF NOT EXISTS unaccent;

    -- Raised by every immutability trigger; the error handler maps it to 409 immutable_record.
    CREATE FUNCTION refuse_change() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
      RAISE EXCEPTION USING
        ERRCODE = 'CB001',
        MESSAGE = format('%s on %s is refused: the record is immutable', TG_OP, TG_TABLE_NAME);
    END $$;

    CREATE TABLE departments (
      id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
      code varchar(32) NOT NULL,
      name varchar(200) NOT NULL,
      active boolean NOT NULL DEFAULT true,
      version integer NOT NULL DEFAULT 0,
      created_at timestamptz NOT NULL DEFAULT now(),
      updated_at timestamptz NOT NULL DEFAULT now()
    );
    CREATE UNIQUE INDEX departments_code_key ON departments (lower(code));

    CREATE TABLE users (
      id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
      email varchar(254) NOT NULL,
      name varchar(200) NOT NULL,
      department_id uuid REFERENCES departments (id),
      roles text[] NOT NULL DEFAULT '{}',
      password_hash text,
      password_changed_at timestamptz,
      active boolean NOT NULL DEFAULT true,
      locale varchar(5),
      version integer NOT NULL DEFAULT 0,
      created_at timestamptz NOT NULL DEFAULT now(),
      updated_at timestamptz NOT NULL DEFAULT now(),
      CONSTRAINT users_roles_known CHECK (roles <@ ARRAY[${roleList}]::text[])
    );
    CREATE UNIQUE INDEX users_email_key ON users (lower(email));
    CREATE INDEX users_department_idx ON users (department_id);

    -- Web sessions and API tokens alike: only the SHA-256 of the token is stored.
    CREATE TABLE auth_tokens (
      id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
      user_id uuid NOT NULL REFERENCES users (id),
      kind varchar(16) NOT NULL CHECK (kind IN ('session', 'api')),
      token_hash char(64) NOT NULL UNIQUE,
      created_at timestamptz NOT NULL DEFAULT now(),
      expires_at timestamptz NOT NULL,
      revoked_at timestamptz,
      last_used_at timestamptz,
      ip text,
      user_agent text
    );
    CREATE INDEX auth_tokens_user_idx ON auth_tokens (user_id);

    CREATE TABLE login_attempts (
      id bigserial PRIMARY KEY,
      email varchar(254) NOT NULL,
      ip text,
      succeeded boolean NOT NULL,
      attempted_at timestamptz NOT NULL DEFAULT now()
    );
    CREATE INDEX login_attempts_email_idx ON login_attempts (lower(email), attempted_at);
    CREATE INDEX login_attempts_ip_idx ON login_attempts (ip, attempted_at);

    -- One hash chain per entity (chain_key = entity_type:entity_id): appends to different
    -- entities never wait on each other; the row lock on the chain's head orders one entity's events.
    CREATE TABLE audit_chain_heads (
      chain_key text PRIMARY KEY,
      seq bigint NOT NULL,
      hash char(64) NOT NULL
    );

    CREATE TABLE audit_events (
      position bigserial PRIMARY KEY,
      id uuid NOT NULL UNIQUE,
      chain_key text NOT NULL,
      seq bigint NOT NULL,
      prev_hash char(64) NOT NULL,
      hash char(64) NOT NULL,
      occurred_at timestamptz NOT NULL,
      actor_id uuid,
      actor_label text,
      actor_roles text[] NOT NULL DEFAULT '{}',
      action varchar(64) NOT NULL,
      entity_type varchar(64) NOT NULL,
      entity_id text,
      changes jsonb,
      request_id text,
      ip text,
      meta jsonb,
      -- The writing transaction: anchors cover closed ranges of these (see audit_anchors).
      tx_id xid8 NOT NULL DEFAULT pg_current_xact_id(),
      UNIQUE (chain_key, seq)
    );
    CREATE INDEX audit_events_entity_idx ON audit_events (entity_type, entity_id, position);
    CREATE INDEX audit_events_actor_idx ON audit_events (actor_id, position);
    CREATE INDEX audit_events_time_idx ON audit_events (occurred_at, position);
    CREATE INDEX audit_events_tx_idx ON audit_events (tx_id);

    -- Periodic anchors: each one digests every event written by transactions in
    -- [from_xid, to_xid), a range that is closed because to_xid is a snapshot's xmin.
    -- Anchors chain to each other, so cutting a chain's unanchored tail is the only undetectable edit.
    CREATE TABLE audit_anchors (
      id bigserial PRIMARY KEY,
      created_at timestamptz NOT NULL DEFAULT now(),
      from_xid xid8 NOT NULL,
      to_xid xid8 NOT NULL,
      event_count bigint NOT NULL,
      events_digest char(64) NOT NULL,
      prev_hash char(64) NOT NULL,
      hash char(64) NOT NULL
    );

    CREATE TRIGGER audit_events_immutable BEFORE UPDATE OR DELETE ON audit_events
      FOR EACH ROW EXECUTE FUNCTION refuse_change();
    CREATE TRIGGER audit_events_no_truncate BEFORE TRUNCATE ON audit_events
      FOR EACH STATEMENT EXECUTE FUNCTION refuse_change();
    CREATE TRIGGER audit_anchors_immutable BEFORE UPDATE OR DELETE ON audit_anchors
      FOR EACH ROW EXECUTE FUNCTION refuse_change();
    CREATE TRIGGER audit_anchors_no_truncate BEFORE TRUNCATE ON audit_anchors
      FOR EACH STATEMENT EXECUTE FUNCTION refuse_change();

    -- Appends one event to its chain in a single round trip. p_body is the event's canonical
    -- JSON (RFC 8785) made by the application; the columns are filled from that same text, so
    -- what is stored is exactly what was hashed. hash = sha256(prev_hash \\n seq \\n body).
    CREATE FUNCTION audit_append(p_chain_key text, p_body text) RETURNS bigint
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
      INSERT INTO audit_events (id, chain_key, seq, prev_hash, hash, occurred_at, actor_id, actor_label,
                                actor_roles, action, entity_type, entity_id, changes, request_id, ip, meta)
      VALUES ((b->>'id')::uuid, p_chain_key, head_seq, head_hash, new_hash, (b->>'occurredAt')::timestamptz,
              (b->>'actorId')::uuid, b->>'actorLabel',
              ARRAY(SELECT jsonb_array_elements_text(b->'actorRoles')),
              b->>'action', b->>'entityType', b->>'entityId',
              CASE WHEN b->'changes' = 'null'::jsonb THEN NULL ELSE b->'changes' END,
              b->>'requestId', b->>'ip',
              CASE WHEN b->'meta' = 'null'::jsonb THEN NULL ELSE b->'meta' END);
      UPDATE audit_chain_heads SET seq = head_seq, hash = new_hash WHERE chain_key = p_chain_key;
      RETURN head_seq;
    END $$;
  `);
};

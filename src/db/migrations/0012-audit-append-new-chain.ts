import type { Migration } from './types';

/**
 * `audit_append` (0010) in fewer statements for a new chain: the head is inserted with the
 * event's hash directly (seq 1, linked to 64 zeros) instead of inserted at seq 0, locked, read and
 * updated. An entity's first event — every event intake writes — costs one statement on the heads
 * instead of three; an existing chain is appended to as before. The hashes and the rows are
 * exactly those of 0010 (the verifier does not change). A concurrent first append to the same
 * chain waits on the head's unique index, finds the conflict and takes the existing-chain path.
 */
export const up: Migration = async ({ context: sequelize }) => {
  await sequelize.query(`
    CREATE OR REPLACE FUNCTION audit_append(p_chain_key text, p_body text, p_signature text, p_salt text, p_content text) RETURNS bigint
    LANGUAGE plpgsql AS $$
    DECLARE
      b jsonb := p_body::jsonb;
      head_seq bigint := 1;
      head_hash text := repeat('0', 64);
      new_hash text := encode(sha256(convert_to(repeat('0', 64) || E'\\n1\\n' || p_body, 'UTF8')), 'hex');
    BEGIN
      INSERT INTO audit_chain_heads (chain_key, seq, hash) VALUES (p_chain_key, 1, new_hash)
        ON CONFLICT (chain_key) DO NOTHING;
      IF NOT FOUND THEN
        SELECT seq, hash INTO head_seq, head_hash
          FROM audit_chain_heads WHERE chain_key = p_chain_key FOR UPDATE;
        head_seq := head_seq + 1;
        new_hash := encode(sha256(convert_to(head_hash || E'\\n' || head_seq || E'\\n' || p_body, 'UTF8')), 'hex');
        UPDATE audit_chain_heads SET seq = head_seq, hash = new_hash WHERE chain_key = p_chain_key;
      END IF;
      INSERT INTO audit_events (id, format, chain_key, seq, prev_hash, hash, occurred_at, actor_id, actor_roles, action,
                                entity_type, entity_id, complaint_id, op, request_id, content_hash, key_id, signature)
      VALUES ((b->>'id')::uuid, (b->>'v')::smallint, p_chain_key, head_seq, head_hash, new_hash, (b->>'occurredAt')::timestamptz,
              (b->>'actorId')::uuid, ARRAY(SELECT jsonb_array_elements_text(b->'actorRoles')), b->>'action',
              b->>'entityType', b->>'entityId', (b->>'complaintId')::uuid, b->>'op', b->>'requestId',
              b->>'contentHash', b->>'keyId', p_signature);
      INSERT INTO audit_event_contents (event_id, complaint_id, salt, content)
      VALUES ((b->>'id')::uuid, (b->>'complaintId')::uuid, p_salt, p_content::jsonb);
      RETURN head_seq;
    END $$;
  `);
};

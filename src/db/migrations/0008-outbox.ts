import type { Migration } from './types';

/**
 * The transactional outbox (src/outbox/): effects a command records in its own transaction
 * (`entry.received`, later `letter.issued`, `sla.breached`…) and a delivery worker in every
 * instance sends after the commit.
 *
 * - `dedupe_key` = `<kind>:<cause>:<recipient>`: a second row for the same effect cannot exist
 *   (`INSERT … ON CONFLICT (dedupe_key) DO NOTHING`).
 * - Workers claim due rows with `FOR UPDATE SKIP LOCKED` (served by the partial index on queued
 *   rows) and hold them under a lease (`claimed_by`, `claimed_until`); a row still `sending` after
 *   its lease belonged to a worker that died and is claimed again (the other partial index).
 * - `complaint_id` is indexed: retention purges the payloads of a disposed case. Its foreign key is
 *   checked at commit, so a command may record the effect before it writes the entry.
 * - The admin list reads by `(status, created_at DESC)` or `created_at DESC`, keyset-paginated;
 *   like the other append-only tables, it can be partitioned by month when it grows.
 */
export const up: Migration = async ({ context: sequelize }) => {
  await sequelize.query(`
    CREATE TABLE outbox (
      id uuid NOT NULL DEFAULT gen_random_uuid(),
      kind varchar(64) NOT NULL,
      channel varchar(16) NOT NULL DEFAULT 'email',
      dedupe_key text NOT NULL,
      complaint_id uuid,
      recipient text NOT NULL,
      payload jsonb NOT NULL DEFAULT '{}'::jsonb,
      status varchar(16) NOT NULL DEFAULT 'queued',
      attempts integer NOT NULL DEFAULT 0,
      next_attempt_at timestamptz NOT NULL DEFAULT now(),
      last_error text,
      last_attempt_at timestamptz,
      claimed_by text,
      claimed_until timestamptz,
      delivery_info text,
      created_at timestamptz NOT NULL DEFAULT now(),
      sent_at timestamptz,
      CONSTRAINT outbox_pkey PRIMARY KEY (id),
      CONSTRAINT outbox_dedupe_key_key UNIQUE (dedupe_key),
      -- Checked at commit: intake records its acknowledgment before the entry row exists (before it
      -- takes the reference counter's lock, which the entry's statement is written under).
      CONSTRAINT outbox_complaint_fk FOREIGN KEY (complaint_id) REFERENCES complaints (id) DEFERRABLE INITIALLY DEFERRED,
      CONSTRAINT outbox_status_check CHECK (status IN ('queued', 'sending', 'sent', 'failed')),
      CONSTRAINT outbox_channel_check CHECK (channel IN ('email')),
      CONSTRAINT outbox_attempts_check CHECK (attempts >= 0),
      CONSTRAINT outbox_claim_check CHECK (status <> 'sending' OR (claimed_by IS NOT NULL AND claimed_until IS NOT NULL)),
      CONSTRAINT outbox_sent_check CHECK (status <> 'sent' OR sent_at IS NOT NULL)
    );
    CREATE INDEX outbox_due_idx ON outbox (next_attempt_at) WHERE status = 'queued';
    CREATE INDEX outbox_lease_idx ON outbox (claimed_until) WHERE status = 'sending';
    CREATE INDEX outbox_complaint_idx ON outbox (complaint_id) WHERE complaint_id IS NOT NULL;
    CREATE INDEX outbox_status_created_idx ON outbox (status, created_at DESC, id DESC);
    CREATE INDEX outbox_created_idx ON outbox (created_at DESC, id DESC);
  `);
};

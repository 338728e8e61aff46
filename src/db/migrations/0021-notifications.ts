import type { Migration } from './types';

/**
 * In-app notifications (PRODUCT.md "Scheduler and notifications"; issue 12). docs/ARCHITECTURE.md
 * "Notifications".
 *
 * - One row per (cause, recipient, kind): the UNIQUE constraint is the deduplication key, so a
 *   notification cannot exist twice whatever runs concurrently (two schedulers, a retried tick).
 *   `cause` names what caused it (`clock:<id>:100`, `renewal:<service>:-30`…).
 * - `params` are the template's values (a reference, a stage, a due time) — never the case's free
 *   text; the text is rendered from `notification.kinds.<kind>.*` at reading time, in the reader's
 *   language. `link` is a path inside the app.
 * - A notification is a delivery, not a record: it is not audited and not sealed with its case.
 *   Reading it sets `read_at`. Disposal deletes a disposed case's notifications.
 */
export const up: Migration = async ({ context: sequelize }) => {
  await sequelize.query(`
    CREATE TABLE notifications (
      id uuid NOT NULL DEFAULT gen_random_uuid(),
      recipient_id uuid NOT NULL,
      kind text NOT NULL,
      cause text NOT NULL,
      complaint_id uuid,
      params jsonb NOT NULL DEFAULT '{}'::jsonb,
      link text,
      created_at timestamptz NOT NULL DEFAULT now(),
      read_at timestamptz,
      CONSTRAINT notifications_pkey PRIMARY KEY (id),
      CONSTRAINT notifications_recipient_fk FOREIGN KEY (recipient_id) REFERENCES users (id),
      CONSTRAINT notifications_complaint_fk FOREIGN KEY (complaint_id) REFERENCES complaints (id),
      CONSTRAINT notifications_dedupe_key UNIQUE (cause, recipient_id, kind),
      CONSTRAINT notifications_kind_check CHECK (kind ~ '^[a-z][a-z0-9_]*(\\.[a-z][a-z0-9_]*)+$'),
      CONSTRAINT notifications_cause_check CHECK (char_length(cause) BETWEEN 1 AND 200),
      CONSTRAINT notifications_params_check CHECK (jsonb_typeof(params) = 'object'),
      CONSTRAINT notifications_link_check CHECK (link IS NULL OR link ~ '^/[^/]')
    );
    -- A user's list, newest first, and their unread count.
    CREATE INDEX notifications_recipient_idx ON notifications (recipient_id, created_at DESC, id DESC);
    CREATE INDEX notifications_unread_idx ON notifications (recipient_id) WHERE read_at IS NULL;
    CREATE INDEX notifications_complaint_idx ON notifications (complaint_id) WHERE complaint_id IS NOT NULL;
  `);
};

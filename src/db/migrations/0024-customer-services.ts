import type { Migration } from './types';

/**
 * A customer's services with an expiry date and their renewal reminders (PRODUCT.md "Customers and
 * customer care"; the care procedure's Bước 3: reminders 30, 18, 15 and 3 days before the expiry,
 * 1 and 4 days after; issue 12).
 *
 * - `customer_services`: name, kind (a fixed vocabulary, frozen here), the expiry date (a calendar
 *   date in the organisation's zone), notes, and `ended` (the customer does not renew: no more
 *   reminders; the row stays, with its trail and the reminders it had). Audited (`CustomerService`).
 *   The job reads the services due by `expires_on` through a partial index of the live ones.
 * - `renewal_reminders`: one row per (service, expiry date, offset) that was sent — the UNIQUE key
 *   makes each reminder exactly once whatever runs concurrently, and a renewed service (a new
 *   expiry date) gets a schedule of its own. `due_on` is the day the schedule named
 *   (expiry − offset); `sent_on` the organisation's day the job sent it (later than `due_on` when
 *   it caught up after downtime). A delivery record like a notification: not audited.
 */
export const up: Migration = async ({ context: sequelize }) => {
  await sequelize.query(`
    CREATE TABLE customer_services (
      id uuid NOT NULL DEFAULT gen_random_uuid(),
      customer_id uuid NOT NULL,
      name text NOT NULL,
      kind text NOT NULL,
      expires_on date NOT NULL,
      notes text,
      ended boolean NOT NULL DEFAULT false,
      version integer NOT NULL DEFAULT 0,
      created_at timestamptz NOT NULL DEFAULT now(),
      updated_at timestamptz NOT NULL DEFAULT now(),
      CONSTRAINT customer_services_pkey PRIMARY KEY (id),
      CONSTRAINT customer_services_customer_fk FOREIGN KEY (customer_id) REFERENCES customers (id),
      CONSTRAINT customer_services_name_check CHECK (char_length(name) BETWEEN 1 AND 200),
      CONSTRAINT customer_services_kind_check CHECK (kind IN ('domain', 'hosting', 'email', 'ssl', 'software', 'maintenance', 'warranty', 'other')),
      CONSTRAINT customer_services_notes_check CHECK (char_length(notes) BETWEEN 1 AND 2000)
    );
    -- A customer's services on their page, by expiry.
    CREATE INDEX customer_services_customer_idx ON customer_services (customer_id, expires_on, id);
    -- The reminder job's windows: the live services by expiry date.
    CREATE INDEX customer_services_due_idx ON customer_services (expires_on, id) WHERE NOT ended;

    CREATE TABLE renewal_reminders (
      id bigint GENERATED ALWAYS AS IDENTITY,
      service_id uuid NOT NULL,
      expires_on date NOT NULL,
      offset_days integer NOT NULL,
      due_on date NOT NULL,
      sent_on date NOT NULL,
      sent_at timestamptz NOT NULL,
      CONSTRAINT renewal_reminders_pkey PRIMARY KEY (id),
      CONSTRAINT renewal_reminders_service_fk FOREIGN KEY (service_id) REFERENCES customer_services (id),
      CONSTRAINT renewal_reminders_once UNIQUE (service_id, expires_on, offset_days),
      CONSTRAINT renewal_reminders_offset_check CHECK (offset_days BETWEEN -365 AND 365),
      CONSTRAINT renewal_reminders_due_check CHECK (due_on = expires_on - offset_days AND sent_on >= due_on)
    );
  `);
};

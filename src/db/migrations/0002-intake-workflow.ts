import type { Migration } from './types';
import { preloadedCalendarEntries } from './lib/preloadedCalendar';

/*
 * The vocabularies of the CHECK constraints below, frozen as src/domain (entries, workflow,
 * deadlines) stated them: a later change there must not change what this migration did; it
 * reaches existing databases through a new migration.
 */
const CATEGORIES = ['service_quality', 'business'];
const CHANNELS = ['hotline', 'email', 'letter', 'in_person', 'web', 'livechat', 'social', 'other'];
const CONTACT_CHANNELS = ['email', 'post', 'in_person', 'phone'];
const CUSTOMER_TYPES = ['person', 'company'];
const HARMS = ['none', 'minor', 'serious_injury', 'death'];
const KINDS = ['complaint', 'feedback'];
const SEVERITIES = ['critical', 'high', 'medium', 'low'];
const TIERS = ['vip', 'loyal', 'new', 'potential', 'agent_1', 'agent_2', 'agent_3', 'agent_4', 'negative'];
const TIME_BARRED_DECISIONS = ['accept', 'answer_time_barred'];
const STAGES = ['intake', 'investigation', 'solution', 'review', 'response', 'follow_up', 'closed', 'archived', 'disputed', 'on_hold'];
const SLA_STAGES = ['intake', 'investigation', 'solution', 'review', 'response', 'follow_up'];
const SLA_MODES = ['exact', 'business', 'calendar_days'];
/** The days off of the frozen preloaded calendar (no make-up working days). */
const VIETNAM_PUBLIC_HOLIDAYS = preloadedCalendarEntries().filter((d) => d.kind === 'holiday');

const list = (values: readonly string[]) => values.map((v) => `'${v}'`).join(', ');

/** Default stage targets of the workflow case study (minutes), and a faster track for VIP critical cases. */
const DEFAULT_TARGETS: Array<[stage: string, severity: string | null, tier: string | null, minutes: number, mode: string]> = [
  ['intake', null, null, 60, 'exact'],
  ['investigation', null, null, 12 * 60, 'exact'],
  ['solution', null, null, 4 * 60, 'exact'],
  ['review', null, null, 4 * 60, 'exact'],
  ['response', null, null, 4 * 60, 'exact'],
  ['follow_up', null, null, 7 * 1440, 'calendar_days'],
  ['intake', 'critical', 'vip', 15, 'exact'],
  ['investigation', 'critical', 'vip', 4 * 60, 'exact'],
  ['solution', 'critical', 'vip', 2 * 60, 'exact'],
  ['review', 'critical', 'vip', 60, 'exact'],
  ['response', 'critical', 'vip', 2 * 60, 'exact'],
];

const sqlString = (v: string | null) => (v === null ? 'NULL' : `'${v.replace(/'/g, "''")}'`);

/** Customers, the feedback log book, gapless numbering, stage timeline, holds, SLA policy, holidays, settings, idempotency. */
export const up: Migration = async ({ context: sequelize }) => {
  await sequelize.query(`
    CREATE SEQUENCE customer_code_seq;

    CREATE TABLE customers (
      id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
      code varchar(32) NOT NULL,
      name varchar(300) NOT NULL,
      type varchar(16) NOT NULL CHECK (type IN (${list(CUSTOMER_TYPES)})),
      email varchar(254),
      phone varchar(40),
      address varchar(500),
      tier varchar(16) NOT NULL DEFAULT 'new' CHECK (tier IN (${list(TIERS)})),
      contacts jsonb NOT NULL DEFAULT '[]',
      search_text text NOT NULL DEFAULT '',
      version integer NOT NULL DEFAULT 0,
      created_at timestamptz NOT NULL DEFAULT now(),
      updated_at timestamptz NOT NULL DEFAULT now()
    );
    CREATE UNIQUE INDEX customers_code_key ON customers (lower(code));
    CREATE INDEX customers_search_idx ON customers USING gin (search_text gin_trgm_ops);
    CREATE INDEX customers_name_idx ON customers (name, id);

    -- Gapless numbering: the row lock on (kind, year) is held until the intake commits, so a
    -- rolled-back intake gives its number back and concurrent intakes take consecutive ones.
    CREATE TABLE reference_counters (
      kind varchar(16) NOT NULL,
      year integer NOT NULL,
      last_number integer NOT NULL,
      PRIMARY KEY (kind, year)
    );

    CREATE TABLE complaints (
      id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
      reference varchar(20) NOT NULL UNIQUE,
      kind varchar(16) NOT NULL CHECK (kind IN (${list(KINDS)})),
      ref_year integer NOT NULL,
      ref_number integer NOT NULL,
      status varchar(16) NOT NULL CHECK (status IN (${list(STAGES)})),
      held_status varchar(16) CHECK (held_status IN (${list(STAGES)})),
      round smallint NOT NULL DEFAULT 1 CHECK (round IN (1, 2)),
      customer_id uuid NOT NULL REFERENCES customers (id),
      channel varchar(16) NOT NULL CHECK (channel IN (${list(CHANNELS)})),
      received_at timestamptz NOT NULL,
      incident_date date NOT NULL,
      category varchar(32) NOT NULL CHECK (category IN (${list(CATEGORIES)})),
      subject varchar(300) NOT NULL,
      description text NOT NULL,
      severity varchar(16) NOT NULL CHECK (severity IN (${list(SEVERITIES)})),
      harm varchar(16) NOT NULL DEFAULT 'none' CHECK (harm IN (${list(HARMS)})),
      safety_impact boolean NOT NULL DEFAULT false,
      brand_impact boolean NOT NULL DEFAULT false,
      product_ref varchar(100),
      lot_ref varchar(100),
      supplier_ref varchar(100),
      time_barred boolean NOT NULL,
      filing_window_ends_at timestamptz NOT NULL,
      time_barred_decision varchar(24) CHECK (time_barred_decision IN (${list(TIME_BARRED_DECISIONS)})),
      time_barred_note text,
      regulatory_review_required boolean NOT NULL,
      meeting_required boolean NOT NULL,
      recurring boolean NOT NULL,
      recurrence jsonb,
      due_acknowledge_at timestamptz NOT NULL,
      due_first_reply_at timestamptz NOT NULL,
      due_resolution_at timestamptz NOT NULL,
      due_stage_at timestamptz,
      due_negotiation_start_at timestamptz,
      next_due_at timestamptz,
      acknowledged_at timestamptz,
      acknowledged_via varchar(16) CHECK (acknowledged_via IN (${list(CONTACT_CHANNELS)})),
      first_replied_at timestamptz,
      first_reply_via varchar(16) CHECK (first_reply_via IN (${list(CONTACT_CHANNELS)})),
      negotiation_started_at timestamptz,
      resolved_at timestamptz,
      closed_at timestamptz,
      resolution text,
      stage_entered_at timestamptz NOT NULL,
      assignee_id uuid REFERENCES users (id),
      created_by uuid REFERENCES users (id),
      search_text text NOT NULL,
      version integer NOT NULL DEFAULT 0,
      created_at timestamptz NOT NULL DEFAULT now(),
      updated_at timestamptz NOT NULL DEFAULT now(),
      UNIQUE (kind, ref_year, ref_number),
      CHECK ((status = 'on_hold') = (held_status IS NOT NULL))
    );
    -- The queue: open cases by their earliest pending deadline (also what overdue=true reads).
    CREATE INDEX complaints_queue_idx ON complaints (next_due_at, id) WHERE status NOT IN ('closed', 'archived');
    CREATE INDEX complaints_received_idx ON complaints (received_at DESC, id DESC);
    CREATE INDEX complaints_status_idx ON complaints (status, received_at DESC, id DESC);
    CREATE INDEX complaints_customer_idx ON complaints (customer_id, received_at DESC);
    CREATE INDEX complaints_product_idx ON complaints (product_ref, received_at DESC) WHERE product_ref IS NOT NULL;
    CREATE INDEX complaints_category_idx ON complaints (category, received_at DESC);
    CREATE INDEX complaints_search_idx ON complaints USING gin (search_text gin_trgm_ops);

    -- Every stage visit: who brought the case in, who moved it on, when it was due.
    CREATE TABLE complaint_stages (
      id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
      complaint_id uuid NOT NULL REFERENCES complaints (id),
      stage varchar(16) NOT NULL CHECK (stage IN (${list(STAGES)})),
      round smallint NOT NULL,
      entered_at timestamptz NOT NULL,
      entered_by uuid REFERENCES users (id),
      exited_at timestamptz,
      exited_by uuid REFERENCES users (id),
      target_minutes integer,
      sla_mode varchar(16),
      due_at timestamptz,
      note text,
      reason text,
      version integer NOT NULL DEFAULT 0,
      created_at timestamptz NOT NULL DEFAULT now(),
      updated_at timestamptz NOT NULL DEFAULT now()
    );
    CREATE INDEX complaint_stages_complaint_idx ON complaint_stages (complaint_id, entered_at);
    CREATE UNIQUE INDEX complaint_stages_open_key ON complaint_stages (complaint_id) WHERE exited_at IS NULL;

    CREATE TABLE complaint_holds (
      id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
      complaint_id uuid NOT NULL REFERENCES complaints (id),
      stage varchar(16) NOT NULL,
      reason text NOT NULL,
      started_at timestamptz NOT NULL,
      started_by uuid REFERENCES users (id),
      ended_at timestamptz,
      ended_by uuid REFERENCES users (id),
      version integer NOT NULL DEFAULT 0,
      created_at timestamptz NOT NULL DEFAULT now(),
      updated_at timestamptz NOT NULL DEFAULT now()
    );
    CREATE INDEX complaint_holds_complaint_idx ON complaint_holds (complaint_id, started_at);

    CREATE TABLE sla_policies (
      id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
      stage varchar(16) NOT NULL CHECK (stage IN (${list(SLA_STAGES)})),
      severity varchar(16) CHECK (severity IN (${list(SEVERITIES)})),
      tier varchar(16) CHECK (tier IN (${list(TIERS)})),
      target_minutes integer NOT NULL CHECK (target_minutes > 0 AND target_minutes <= 525600),
      mode varchar(16) NOT NULL CHECK (mode IN (${list(SLA_MODES)})),
      version integer NOT NULL DEFAULT 0,
      created_at timestamptz NOT NULL DEFAULT now(),
      updated_at timestamptz NOT NULL DEFAULT now()
    );
    CREATE UNIQUE INDEX sla_policies_key ON sla_policies (stage, COALESCE(severity, ''), COALESCE(tier, ''));

    CREATE TABLE holidays (
      id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
      date date NOT NULL UNIQUE,
      name_vi varchar(200) NOT NULL,
      name_en varchar(200) NOT NULL,
      version integer NOT NULL DEFAULT 0,
      created_at timestamptz NOT NULL DEFAULT now(),
      updated_at timestamptz NOT NULL DEFAULT now()
    );

    CREATE TABLE settings (
      key varchar(64) PRIMARY KEY,
      value jsonb NOT NULL,
      version integer NOT NULL DEFAULT 0,
      created_at timestamptz NOT NULL DEFAULT now(),
      updated_at timestamptz NOT NULL DEFAULT now()
    );
    INSERT INTO settings (key, value) VALUES
      ('recurrence', '{"periodDays": 90, "match": ["customer", "product", "category"]}'),
      ('business_hours', '{"start": "08:00", "end": "17:00"}');

    -- A retried POST with the same key answers what the first one answered.
    CREATE TABLE idempotency_keys (
      user_id uuid NOT NULL REFERENCES users (id),
      key varchar(200) NOT NULL,
      method varchar(8) NOT NULL,
      path varchar(300) NOT NULL,
      request_hash char(64) NOT NULL,
      status_code integer,
      response jsonb,
      created_at timestamptz NOT NULL DEFAULT now(),
      PRIMARY KEY (user_id, key)
    );
  `);
  const targets = DEFAULT_TARGETS.map(([stage, severity, tier, minutes, mode]) => `(${sqlString(stage)}, ${sqlString(severity)}, ${sqlString(tier)}, ${minutes}, '${mode}')`);
  await sequelize.query(`INSERT INTO sla_policies (stage, severity, tier, target_minutes, mode) VALUES ${targets.join(',\n')}`);
  const holidays = VIETNAM_PUBLIC_HOLIDAYS.map((h) => `('${h.date}', ${sqlString(h.name_vi)}, ${sqlString(h.name_en)})`);
  await sequelize.query(`INSERT INTO holidays (date, name_vi, name_en) VALUES ${holidays.join(',\n')}`);
};

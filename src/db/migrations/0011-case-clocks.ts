import { randomUUID } from 'node:crypto';
import { QueryTypes } from 'sequelize';
import { appendV2, presentRow } from './lib/auditV2';
import type { Migration } from './types';

export const NAME = '0011-case-clocks';

/**
 * A case's clocks as rows (docs/ARCHITECTURE.md "Clocks"), so that a new clock is a new kind, not
 * a new column: `case_clocks`, one row per (case, kind) — when it started, when it is due (null
 * while a stage clock is paused on hold), when it was met, its outcome (`met` | `missed`; null
 * while it runs), the hold time it was paused for, and the action that set it.
 *
 * - `kind` is free text checked only for its shape here; the kinds are listed in the code
 *   (src/domain/clocks.ts), so a new kind needs no migration.
 * - Running clocks are indexed on their due time (`outcome IS NULL`): the SLA sweep is one index
 *   range scan, `WHERE outcome IS NULL AND due_at < $1 ORDER BY due_at, id` (the id keys its
 *   chunks). `met_at IS NULL` alone would not do: a clock the case finished without meeting (a
 *   first reply never recorded) is `missed` with no `met_at`, and no longer runs.
 * - The rows lock with their case when it is sealed (attach_lock_trigger 'case', 0007). They go
 *   with their case if a case row is ever deleted (only possible before it is sealed).
 *
 * Backfilled from the due and met columns of `complaints`, which are then dropped: the rows are
 * the one source of truth. The acknowledgment, first reply, resolution and negotiation start keep
 * their due and met times; a finished case's clock never met is `missed`. The stage clock is the
 * current stage visit's when it has an SLA (paused on hold: no due time), else the last visit with
 * one, met when it was left; its paused time is the closed holds since it started.
 * `complaints.next_due_at` stays: the queue's sort key, kept in step with the rows by the commands.
 * Backfilled rows carry `set_by = '0011-case-clocks'`; SQL cannot sign audit events, so they have
 * no trail of their own (no installation existed outside development).
 *
 * Written out here, not imported: later changes to the kinds must not change what this did.
 */
export const up: Migration = async ({ context: sequelize }) => {
  await sequelize.query(`
    CREATE TABLE case_clocks (
      id uuid NOT NULL DEFAULT gen_random_uuid(),
      complaint_id uuid NOT NULL,
      kind text NOT NULL,
      started_at timestamptz NOT NULL,
      due_at timestamptz,
      met_at timestamptz,
      outcome text,
      paused_minutes integer NOT NULL DEFAULT 0,
      set_by text NOT NULL,
      version integer NOT NULL DEFAULT 0,
      created_at timestamptz NOT NULL DEFAULT now(),
      updated_at timestamptz NOT NULL DEFAULT now(),
      CONSTRAINT case_clocks_pkey PRIMARY KEY (id),
      CONSTRAINT case_clocks_complaint_fk FOREIGN KEY (complaint_id) REFERENCES complaints (id) ON DELETE CASCADE,
      CONSTRAINT case_clocks_complaint_kind_key UNIQUE (complaint_id, kind),
      CONSTRAINT case_clocks_kind_check CHECK (kind ~ '^[a-z][A-Za-z0-9]{0,47}$'),
      CONSTRAINT case_clocks_outcome_check CHECK (outcome IN ('met', 'missed')),
      -- A met clock has its verdict; 'met' means it was met (a never-met clock can only be missed).
      CONSTRAINT case_clocks_met_check CHECK ((met_at IS NULL OR outcome IS NOT NULL) AND (outcome IS DISTINCT FROM 'met' OR met_at IS NOT NULL)),
      CONSTRAINT case_clocks_paused_check CHECK (paused_minutes >= 0),
      CONSTRAINT case_clocks_set_by_check CHECK (set_by <> '')
    );
    CREATE INDEX case_clocks_running_due_idx ON case_clocks (due_at, id) WHERE outcome IS NULL;

    -- The acknowledgment, the first reply, the resolution limit and (person customers) the negotiation start.
    INSERT INTO case_clocks (complaint_id, kind, started_at, due_at, met_at, outcome, set_by, created_at, updated_at)
    SELECT c.id, k.kind, c.received_at, k.due_at, k.met_at,
           CASE WHEN k.met_at IS NOT NULL THEN CASE WHEN k.met_at <= k.due_at THEN 'met' ELSE 'missed' END
                WHEN c.status IN ('closed', 'archived') THEN 'missed' END,
           '${NAME}', c.created_at, c.updated_at
      FROM complaints c
     CROSS JOIN LATERAL (VALUES ('acknowledge', c.due_acknowledge_at, c.acknowledged_at),
                                ('firstReply', c.due_first_reply_at, c.first_replied_at),
                                ('resolution', c.due_resolution_at, c.resolved_at),
                                ('negotiationStart', c.due_negotiation_start_at, c.negotiation_started_at)) AS k (kind, due_at, met_at)
     WHERE k.due_at IS NOT NULL;

    -- The stage clock: the open visit when it has an SLA, else the last visit that had one.
    INSERT INTO case_clocks (complaint_id, kind, started_at, due_at, met_at, outcome, paused_minutes, set_by, created_at, updated_at)
    SELECT c.id, 'stage', v.entered_at, v.due_at, v.exited_at,
           CASE WHEN v.exited_at IS NULL THEN NULL WHEN v.due_at IS NULL OR v.exited_at <= v.due_at THEN 'met' ELSE 'missed' END,
           (SELECT coalesce(round(sum(extract(epoch FROM h.ended_at - greatest(h.started_at, v.entered_at))) / 60), 0)::integer
              FROM complaint_holds h
             WHERE h.complaint_id = c.id AND h.ended_at IS NOT NULL AND h.ended_at > v.entered_at
               AND (v.exited_at IS NULL OR h.started_at < v.exited_at)),
           '${NAME}', c.created_at, c.updated_at
      FROM complaints c
     CROSS JOIN LATERAL (
           SELECT s.entered_at, s.exited_at, CASE WHEN s.exited_at IS NULL THEN c.due_stage_at ELSE s.due_at END AS due_at
             FROM complaint_stages s
            WHERE s.complaint_id = c.id AND s.target_minutes IS NOT NULL
            ORDER BY s.entered_at DESC, s.created_at DESC
            LIMIT 1) v;

    ALTER TABLE complaints
      DROP COLUMN due_acknowledge_at,
      DROP COLUMN due_first_reply_at,
      DROP COLUMN due_resolution_at,
      DROP COLUMN due_stage_at,
      DROP COLUMN due_negotiation_start_at;

    -- After the backfill: a sealed case takes no new rows.
    SELECT attach_lock_trigger('case_clocks', 'case');
  `);

  // Each backfilled clock gets its baseline event (format 2, signed), so the verifier compares it
  // with its trail like every other record.
  const columns = ['id', 'complaint_id', 'kind', 'started_at', 'due_at', 'met_at', 'outcome', 'paused_minutes', 'set_by'];
  const rows = await sequelize.query<Record<string, unknown>>(`SELECT ${columns.join(', ')} FROM case_clocks ORDER BY id`, { type: QueryTypes.SELECT });
  const occurredAt = new Date().toISOString();
  for (const row of rows) {
    await appendV2(sequelize, {
      id: randomUUID(),
      occurredAt,
      actorId: null,
      actorRoles: ['system'],
      actorLabel: 'migration',
      action: 'case_clock.baseline',
      entityType: 'CaseClock',
      entityId: String(row.id),
      complaintId: String(row.complaint_id),
      op: 'create',
      requestId: null,
      ip: null,
      changes: { after: presentRow(row, columns) },
      meta: { migration: NAME },
    });
  }
};
